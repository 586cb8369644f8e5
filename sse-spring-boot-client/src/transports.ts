import { ParsedEvent, SseParser } from './parser.js';

/** What the server answered instead of a stream. */
export interface Refusal {
  /** The HTTP status. */
  readonly status: number;
  /** The starter's error code (`FORBIDDEN`, `TOO_MANY_REQUESTS`, ...), or `''`. */
  readonly code: string;
  /** The starter's error message, or `''`. */
  readonly message: string;
  /** `Retry-After` in milliseconds, or `null` when the answer had none. */
  readonly retryAfter: number | null;
}

/** What a transport reports to the client. */
export interface TransportListener {
  event(event: ParsedEvent): void;
  retry(milliseconds: number): void;
  refused(refusal: Refusal): void;
  /**
   * The connection ended or failed before an answer. `reconnecting` is true when the
   * transport reconnects by itself (native `EventSource` on a network error).
   */
  disconnected(reconnecting: boolean): void;
}

/** One open connection. */
export interface Connection {
  /** Makes sure events of this type reach the listener (native `EventSource` needs a listener per type). */
  listen(type: string): void;
  close(): void;
}

/** The browser APIs the transports use; replaceable for tests and other runtimes. */
export interface Environment {
  EventSource?: typeof EventSource;
  fetch: typeof fetch;
}

export interface TransportRequest {
  readonly url: string;
  /** The token for an `Authorization: Bearer` header, or `null`. */
  readonly bearer: string | null;
  /** Send cookies, also cross-origin. */
  readonly withCredentials: boolean;
}

const EVENT_STREAM = 'text/event-stream';

/** Native `EventSource`; a refusal is asked again with `fetch`, since `EventSource` hides its status. */
export function openEventSource(request: TransportRequest, types: Iterable<string>, listener: TransportListener,
  environment: Environment): Connection {
  const EventSourceClass = environment.EventSource as typeof EventSource;
  const source = new EventSourceClass(request.url, { withCredentials: request.withCredentials });
  const listened = new Set<string>();
  // EventSource carries an id over to events without one: a changed id is the event's own.
  let lastEventId = '';
  const forward = (event: Event): void => {
    const message = event as MessageEvent<string>;
    const hasId = message.lastEventId !== lastEventId;
    lastEventId = message.lastEventId;
    listener.event({ type: message.type, data: message.data, lastEventId, hasId });
  };
  const listen = (type: string): void => {
    if (!listened.has(type)) {
      listened.add(type);
      source.addEventListener(type, forward);
    }
  };
  for (const type of types) {
    listen(type);
  }
  let closed = false;
  const controller = new AbortController();
  source.onerror = () => {
    if (closed) {
      return;
    }
    if (source.readyState !== EventSourceClass.CLOSED) {
      listener.disconnected(true);
      return;
    }
    closed = true;
    explain(request, environment, controller.signal).then((refusal) => {
      if (!controller.signal.aborted) {
        if (refusal) {
          listener.refused(refusal);
        } else {
          listener.disconnected(false);
        }
      }
    });
  };
  return {
    listen,
    close: () => {
      closed = true;
      controller.abort();
      source.close();
    }
  };
}

/** A stream read through `fetch`: any header, and the same parsing rules as `EventSource`. */
export function openFetch(request: TransportRequest, listener: TransportListener, environment: Environment): Connection {
  const controller = new AbortController();
  const headers: Record<string, string> = { Accept: EVENT_STREAM };
  if (request.bearer !== null) {
    headers.Authorization = 'Bearer ' + request.bearer;
  }
  const read = async (): Promise<void> => {
    let response: Response;
    try {
      response = await environment.fetch(request.url, {
        headers,
        cache: 'no-store',
        credentials: request.withCredentials ? 'include' : 'same-origin',
        signal: controller.signal
      });
    } catch (failure) {
      if (!controller.signal.aborted) {
        listener.disconnected(false);
      }
      return;
    }
    if (!isStream(response)) {
      const refusal = await refusalOf(response);
      if (!controller.signal.aborted) {
        listener.refused(refusal);
      }
      return;
    }
    const parser = new SseParser((event) => {
      if (!controller.signal.aborted) {
        // A failure of the client's own is not a dropped connection.
        guarded(() => listener.event(event));
      }
    }, (milliseconds) => listener.retry(milliseconds));
    // The parser drops one leading byte order mark, as the format says; the decoder keeps it.
    const decoder = new TextDecoder('utf-8', { ignoreBOM: true });
    const reader = response.body.getReader();
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done || controller.signal.aborted) {
          break;
        }
        parser.push(decoder.decode(value, { stream: true }));
      }
    } catch (failure) {
      // A dropped connection; reported below.
    }
    if (!controller.signal.aborted) {
      listener.disconnected(false);
    }
  };
  read().catch(report);
  return {
    listen: () => undefined,
    close: () => controller.abort()
  };
}

/** Asks for the stream again to learn why it was refused; `null` if it would open now. */
async function explain(request: TransportRequest, environment: Environment, signal: AbortSignal): Promise<Refusal | null> {
  const probe = new AbortController();
  signal.addEventListener('abort', () => probe.abort());
  try {
    const response = await environment.fetch(request.url, {
      headers: { Accept: EVENT_STREAM },
      cache: 'no-store',
      credentials: request.withCredentials ? 'include' : 'same-origin',
      signal: probe.signal
    });
    return isStream(response) ? null : await refusalOf(response);
  } catch (failure) {
    return null;
  } finally {
    probe.abort();
  }
}

function isStream(response: Response): response is Response & { body: ReadableStream<Uint8Array> } {
  const type = response.headers.get('Content-Type') || '';
  return response.status === 200 && type.toLowerCase().startsWith(EVENT_STREAM) && response.body !== null;
}

async function refusalOf(response: Response): Promise<Refusal> {
  let code = '';
  let message = '';
  try {
    const body = await response.json();
    code = typeof body.code === 'string' ? body.code : '';
    message = typeof body.message === 'string' ? body.message : '';
  } catch (failure) {
    // Not the starter's JSON (a proxy's page, say): the status alone decides.
  }
  return { status: response.status, code, message, retryAfter: retryAfterOf(response.headers.get('Retry-After')) };
}

/** `Retry-After` as delay-seconds or an HTTP date, in milliseconds. */
export function retryAfterOf(header: string | null, now: number = Date.now()): number | null {
  if (header === null || header.trim() === '') {
    return null;
  }
  const value = header.trim();
  if (/^[0-9]+$/.test(value)) {
    return parseInt(value, 10) * 1000;
  }
  const date = Date.parse(value);
  return Number.isNaN(date) ? null : Math.max(0, date - now);
}

/** Hands an error to the page's error reporting (`window.onerror`) without stopping the caller. */
export function report(failure: unknown): void {
  const reportError = (globalThis as { reportError?: (error: unknown) => void }).reportError;
  if (reportError) {
    reportError(failure);
  } else {
    console.error(failure);
  }
}

/** Runs a callback of the application's; what it throws is reported, not propagated. */
export function guarded(callback: () => void): void {
  try {
    callback();
  } catch (failure) {
    report(failure);
  }
}
