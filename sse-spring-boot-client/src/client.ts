import { Handlers } from './handlers.js';
import { ParsedEvent } from './parser.js';
import { INITIAL, Memory, Occurrence, closeReasonOf, decide, isRepeat, opened, retryDelayOf } from './policy.js';
import {
  Connection, Environment, Refusal, TransportListener, guarded, openEventSource, openFetch, report
} from './transports.js';

/**
 * How the token reaches the server.
 * - `eventsource`: native `EventSource`, token in `?token=` (the default);
 * - `fetch`: a `fetch` stream, token in `Authorization: Bearer`, so it stays out of URLs and logs;
 * - `cookie`: native `EventSource` with `withCredentials`, the token in a cookie the server reads.
 */
export type Transport = 'eventsource' | 'fetch' | 'cookie';

/** Where the client is. */
export type State = 'connecting' | 'open' | 'reconnecting' | 'closed';

/**
 * How a stream resumed, from the server's `sse-connected`: `none` (no id sent),
 * `recovered` (every missed event replayed), `gap` (some were too old: re-fetch your state),
 * `reset` (the server did not know the id: re-fetch your state).
 */
export type Resume = 'none' | 'recovered' | 'gap' | 'reset';

/** What the client is doing, and why. */
export interface Status {
  readonly state: State;
  /**
   * Why the stream ended, is reconnecting or closed: a server close reason (`token-expired`,
   * `revoked`, `slow-consumer`, `shutdown`, `max-lifetime`, `replaced`, `resync`), or
   * `token-renewal`, `network`, `unauthorized`, `forbidden-channel`, `too-many-requests`,
   * `unavailable`, `bad-request`, `bad-response` (a 2xx that is not a stream),
   * `server-error`, `token-unavailable`, `closed` (by
   * {@link SseClient.close}). `null` while open.
   */
  readonly reason: string | null;
  /** How the current or last stream resumed; `null` before the first. */
  readonly resume: Resume | null;
  /** Milliseconds until the next attempt when reconnecting on a timer, else `null`. */
  readonly retryIn: number | null;
  /** The server's answer when it refused the stream, else `null`. */
  readonly error: Refusal | null;
  /** The server's id of the open stream, or `null`. */
  readonly connectionId: string | null;
  /** The channels of the open stream. */
  readonly channels: readonly string[];
}

/** An event as handlers see it. */
export interface SseMessage {
  /** The event name. */
  readonly event: string;
  /** The channel the event was sent to, or `null` for events sent to the user, everyone or the connection. */
  readonly channel: string | null;
  /** The data, lines joined with `\n`. */
  readonly data: string;
  /** The event id, or `null` for the server's own events (`sse-connected`, `heartbeat`, ...). */
  readonly id: string | null;
  /**
   * `true` for a channel's kept last value, which the server sends as the stream opens
   * (`sse-latest`, for channels with `keep-latest`) rather than as it happened: handed to
   * the handlers of the event it was, with its own id, without moving {@link SseClient.lastEventId}.
   */
  readonly latest: boolean;
  /** The data parsed as JSON. */
  json<T = unknown>(): T;
}

export type Handler = (message: SseMessage) => void;

/** Narrows a handler to one channel of the stream. */
export interface HandlerOptions {
  /** Only events sent to this channel. */
  channel?: string;
}

export interface ConnectOptions {
  /** The stream URL, such as `/sse`; relative URLs resolve against the page. */
  url: string;
  /**
   * Returns a token for the stream. Called before the first connection, before a token
   * expires (`sse-token-expiring`), and once when the server refuses the token. With the
   * `cookie` transport it is optional and should refresh the cookie; its result is unused.
   */
  getToken?: () => string | Promise<string>;
  /** Channels for the stream (one stream for all); none = every channel the token grants. */
  channels?: readonly string[];
  /** How the token travels; `eventsource` by default. */
  transport?: Transport;
  /** A `sessionStorage` key that keeps the last event id, so that a reload resumes. */
  storageKey?: string;
  /** Called on every status change. */
  onStatus?: (status: Status) => void;
  /** The first delay before reconnecting, until the server sends `retry:`; 3 000 ms by default. */
  retryDelay?: number;
  /** The longest delay of the exponential back-off; 30 000 ms by default. */
  maxRetryDelay?: number;
  /** The query parameter for the token with the `eventsource` transport; `token` by default. */
  tokenParameter?: string;
  /**
   * Browser APIs to use instead of the globals (tests, other runtimes). `setTimeout`,
   * `clearTimeout`, `now` and `random` let a test run the client on a clock of its own.
   */
  environment?: Partial<Environment> & {
    storage?: Pick<Storage, 'getItem' | 'setItem'> | null;
    random?: () => number;
    now?: () => number;
    setTimeout?: (callback: () => void, milliseconds: number) => ReturnType<typeof setTimeout>;
    clearTimeout?: (timer: ReturnType<typeof setTimeout>) => void;
  };
}

/** A stream that keeps itself open. */
export interface SseClient {
  /**
   * Calls the handler for each event of this name (also `sse-connected`, `heartbeat`, ...),
   * or only for those sent to one channel.
   */
  on(event: string, handler: Handler, options?: HandlerOptions): SseClient;
  /** Removes a handler added with {@link on}, for every channel it was added for. */
  off(event: string, handler: Handler): SseClient;
  /** Closes the stream for good. */
  close(): void;
  /** The current status. */
  readonly status: Status;
  /** The id of the last event handled, sent on reconnect; `null` before the first. */
  readonly lastEventId: string | null;
}

/** The server's own events, handled by the client before the application sees them. */
const CONNECTED = 'sse-connected';
const TOKEN_EXPIRING = 'sse-token-expiring';
const CLOSE = 'sse-close';
const HEARTBEAT = 'heartbeat';
const LATEST = 'sse-latest';
const SERVER_EVENTS = [CONNECTED, TOKEN_EXPIRING, CLOSE, HEARTBEAT, LATEST];

/** Opens a stream and keeps it open until {@link SseClient.close} or a reason to stop. */
export function connect(options: ConnectOptions): SseClient {
  const client = new StreamClient(options);
  client.start();
  return client;
}

/** The environment with the globals where the options name none. */
type Resolved = Required<Omit<NonNullable<ConnectOptions['environment']>, 'EventSource'>> & Pick<Environment, 'EventSource'>;

/** Carries out what the policy decides: connections, timers, tokens, status and handlers. */
class StreamClient implements SseClient {
  private readonly handlers = new Handlers();
  /** The channels of the stream: asked for, then as the server confirmed them. */
  private channels: readonly string[];
  private readonly transport: Transport;
  private readonly environment: Resolved;
  private current: Connection | null = null;
  /** Counts connections: callbacks of an earlier one are ignored. */
  private generation = 0;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private token: string | null = null;
  private retryDelay: number;
  private readonly maxRetryDelay: number;
  private memory: Memory = INITIAL;
  private renewing = false;
  private last: string | null;
  private currentStatus: Status = {
    state: 'connecting', reason: null, resume: null, retryIn: null, error: null, connectionId: null, channels: []
  };

  constructor(private readonly options: ConnectOptions) {
    this.transport = options.transport ?? 'eventsource';
    if (this.transport !== 'cookie' && !options.getToken) {
      throw new Error('getToken is required with transport "' + this.transport + '"');
    }
    this.environment = resolve(options.environment ?? {});
    if (this.transport !== 'fetch' && !this.environment.EventSource) {
      throw new Error('EventSource is not available here: use transport "fetch"');
    }
    this.retryDelay = options.retryDelay ?? 3000;
    this.maxRetryDelay = options.maxRetryDelay ?? 30000;
    this.channels = options.channels ?? [];
    const storage = this.environment.storage;
    this.last = options.storageKey && storage ? storage.getItem(options.storageKey) : null;
  }

  get status(): Status {
    return this.currentStatus;
  }

  get lastEventId(): string | null {
    return this.last;
  }

  on(event: string, handler: Handler, options?: HandlerOptions): SseClient {
    this.handlers.add(event, handler, options?.channel ?? null);
    this.listen();
    return this;
  }

  off(event: string, handler: Handler): SseClient {
    this.handlers.remove(event, handler);
    return this;
  }

  /** The event types to receive: the server's own and the handled ones. */
  private types(): string[] {
    return [...SERVER_EVENTS, ...this.handlers.types(this.channels)];
  }

  private listen(): void {
    const current = this.current;
    if (current) {
      this.types().forEach((type) => current.listen(type));
    }
  }

  close(): void {
    if (this.currentStatus.state !== 'closed') {
      this.stop('closed', null);
    }
  }

  start(): void {
    this.update({});
    this.open(false);
  }

  private open(renewToken: boolean): void {
    this.connect(renewToken).catch((failure) => {
      this.stop('bad-request', null);
      report(failure);
    });
  }

  /** Opens a connection, with a fresh token when asked to or when there is none yet. */
  private async connect(renewToken: boolean): Promise<void> {
    const generation = this.disconnect();
    if (this.options.getToken && (renewToken || (this.token === null && this.transport !== 'cookie'))) {
      let token: string;
      try {
        token = await this.options.getToken();
      } catch (failure) {
        if (generation === this.generation) {
          this.act({ type: 'token-unavailable' });
        }
        return;
      }
      if (generation !== this.generation) {
        return;
      }
      this.token = token;
    }
    const request = {
      url: this.streamUrl(),
      bearer: this.transport === 'fetch' ? this.token : null,
      withCredentials: this.transport === 'cookie'
    };
    const listener = this.listenerFor(generation);
    this.current = this.transport === 'fetch'
      ? openFetch(request, listener, this.environment)
      : openEventSource(request, this.types(), listener, this.environment);
  }

  /** Closes the current connection and cancels a pending attempt; returns the next generation. */
  private disconnect(): number {
    if (this.timer !== null) {
      this.environment.clearTimeout(this.timer);
      this.timer = null;
    }
    if (this.current) {
      this.current.close();
      this.current = null;
    }
    return ++this.generation;
  }

  private streamUrl(): string {
    const base = typeof location !== 'undefined' ? location.href : 'http://localhost/';
    const url = new URL(this.options.url, base);
    for (const channel of this.options.channels ?? []) {
      url.searchParams.append('channel', channel);
    }
    url.searchParams.set('channelPrefix', 'true');
    if (this.last !== null) {
      url.searchParams.set('lastEventId', this.last);
    }
    if (this.transport === 'eventsource' && this.token !== null) {
      url.searchParams.set(this.options.tokenParameter ?? 'token', this.token);
    }
    return url.toString();
  }

  private listenerFor(generation: number): TransportListener {
    const current = () => generation === this.generation;
    return {
      event: (event) => current() && this.handle(event),
      retry: (milliseconds) => {
        if (current()) {
          this.retryDelay = retryDelayOf(milliseconds, this.maxRetryDelay);
        }
      },
      refused: (refusal) => current() && this.act({ type: 'refused', refusal }),
      disconnected: (reconnecting) => current() && this.act({ type: 'dropped', browserRetries: reconnecting })
    };
  }

  private handle(event: ParsedEvent): void {
    const generation = this.generation;
    switch (event.type) {
      case CONNECTED:
        this.connected(event);
        this.handlers.dispatch(event, null, this.channels);
        return;
      case TOKEN_EXPIRING:
        this.handlers.dispatch(event, null, this.channels);
        // A handler may have closed the client.
        if (generation === this.generation) {
          this.act({ type: 'token-expiring' });
        }
        return;
      case CLOSE:
        this.handlers.dispatch(event, null, this.channels);
        if (generation === this.generation) {
          this.act({ type: 'closed', reason: closeReasonOf(event.data) });
        }
        return;
      case HEARTBEAT:
        this.handlers.dispatch(event, null, this.channels);
        return;
      case LATEST:
        this.handlers.dispatchLatest(event.data);
        return;
      default: {
        const id = event.hasId ? event.lastEventId : null;
        if (!isRepeat(id, this.last)) {
          this.remember(id);
          this.handlers.dispatch(event, id, this.channels);
        }
      }
    }
  }

  /** Asks the policy what to do about what happened, and does it. */
  private act(occurrence: Occurrence): void {
    const { action, memory } = decide(occurrence, this.memory, {
      retryDelay: this.retryDelay,
      maxRetryDelay: this.maxRetryDelay,
      canRenew: Boolean(this.options.getToken),
      now: this.environment.now(),
      random: this.environment.random
    });
    this.memory = memory;
    switch (action.type) {
      case 'stop':
        this.stop(action.reason, action.error);
        return;
      case 'retry':
        this.retryLater(action.reason, action.error, action.delay);
        return;
      case 'renew': {
        this.disconnect();
        const change: Partial<Status> = { state: 'reconnecting', reason: action.reason, retryIn: 0, connectionId: null };
        this.update(action.error ? { ...change, error: action.error } : change);
        if (!this.closedMeanwhile()) {
          this.open(true);
        }
        return;
      }
      case 'renew-ahead':
        this.renewAhead().catch(report);
        return;
      case 'browser-retry':
        this.update({ state: 'reconnecting', reason: action.reason, retryIn: null, connectionId: null });
        return;
      case 'none':
        return;
    }
  }

  private connected(event: ParsedEvent): void {
    let connected: { connectionId?: string; channels?: string[]; resume?: Resume } = {};
    try {
      connected = JSON.parse(event.data);
    } catch (failure) {
      // An older server's first event: open all the same.
    }
    this.memory = opened(this.memory, this.environment.now());
    if (connected.channels) {
      this.channels = connected.channels;
      this.listen();
    }
    this.update({
      state: 'open',
      reason: null,
      retryIn: null,
      error: null,
      resume: connected.resume ?? null,
      connectionId: connected.connectionId ?? null,
      channels: connected.channels ?? []
    });
  }

  /** Gets a new token while the stream goes on, then reconnects with the last id: the server replays the rest. */
  private async renewAhead(): Promise<void> {
    if (this.renewing || !this.options.getToken) {
      return;
    }
    this.renewing = true;
    const generation = this.generation;
    let token: string;
    try {
      token = await this.options.getToken();
    } catch (failure) {
      // The stream goes on until it expires; its sse-close tries again.
      return;
    } finally {
      this.renewing = false;
    }
    if (this.currentStatus.state === 'closed' || token === this.token) {
      // The same token again (a cached one) would be warned again at once: the stream
      // goes on until it expires, and token-expired asks again.
      return;
    }
    // Kept even if the stream dropped meanwhile: the next attempt uses it.
    this.token = token;
    if (generation === this.generation) {
      this.update({ state: 'reconnecting', reason: 'token-renewal', retryIn: 0, connectionId: null });
      if (!this.closedMeanwhile()) {
        this.open(false);
      }
    }
  }

  /** Whether an onStatus handler closed the client while it was told of a change. */
  private closedMeanwhile(): boolean {
    return this.currentStatus.state === 'closed';
  }

  private retryLater(reason: string, error: Refusal | null, delay: number): void {
    const generation = this.disconnect();
    this.timer = this.environment.setTimeout(() => {
      if (generation === this.generation) {
        this.timer = null;
        this.open(false);
      }
    }, delay);
    this.update({ state: 'reconnecting', reason, retryIn: delay, error, connectionId: null });
  }

  private stop(reason: string, error: Refusal | null): void {
    this.disconnect();
    this.update({ state: 'closed', reason, retryIn: null, error, connectionId: null });
  }

  private remember(id: string | null): void {
    if (!id) {
      return;
    }
    this.last = id;
    const storage = this.environment.storage;
    if (this.options.storageKey && storage) {
      try {
        storage.setItem(this.options.storageKey, id);
      } catch (failure) {
        // A full or blocked storage loses only resume across a reload.
      }
    }
  }

  private update(change: Partial<Status>): void {
    this.currentStatus = { ...this.currentStatus, ...change };
    const onStatus = this.options.onStatus;
    if (onStatus) {
      const status = this.currentStatus;
      guarded(() => onStatus(status));
    }
  }
}

function resolve(environment: NonNullable<ConnectOptions['environment']>): Resolved {
  const globals = globalThis as Partial<typeof globalThis>;
  return {
    EventSource: 'EventSource' in environment ? environment.EventSource : globals.EventSource,
    fetch: environment.fetch ?? ((input, init) => fetch(input, init)),
    storage: environment.storage !== undefined ? environment.storage : sessionStorageOrNull(),
    random: environment.random ?? Math.random,
    now: environment.now ?? Date.now,
    setTimeout: environment.setTimeout ?? ((callback, milliseconds) => setTimeout(callback, milliseconds)),
    clearTimeout: environment.clearTimeout ?? ((timer) => clearTimeout(timer))
  };
}

function sessionStorageOrNull(): Pick<Storage, 'getItem' | 'setItem'> | null {
  try {
    return typeof sessionStorage !== 'undefined' ? sessionStorage : null;
  } catch (failure) {
    // Storage denied (sandboxed frame, privacy settings).
    return null;
  }
}
