/*
 * What the client does when a stream ends, is refused or is about to lose its token: the
 * decision table, without effects or timers. The client hands in what happened and what the
 * table remembers, and carries out the action it gets back.
 */
import { Refusal } from './transports.js';

/** What happened to the stream. */
export type Occurrence =
  /** The server closed the stream with `sse-close` and this reason. */
  | { readonly type: 'closed'; readonly reason: string }
  /** The server answered with something other than a stream: a refusal, or a 2xx page. */
  | { readonly type: 'refused'; readonly refusal: Refusal }
  /** The connection dropped or failed before an answer; `browserRetries` when native `EventSource` reconnects by itself. */
  | { readonly type: 'dropped'; readonly browserRetries: boolean }
  /** `getToken()` failed before a connection. */
  | { readonly type: 'token-unavailable' }
  /** The server's `sse-token-expiring`: the token runs out soon. */
  | { readonly type: 'token-expiring' };

/** What the client does about it; `reason` is the status reason. */
export type Action =
  /** Closes for good. */
  | { readonly type: 'stop'; readonly reason: string; readonly error: Refusal | null }
  /** Reconnects with the last id after `delay` milliseconds. */
  | { readonly type: 'retry'; readonly reason: string; readonly error: Refusal | null; readonly delay: number }
  /** Reconnects at once with the last id, with a new token when there is a `getToken`. */
  | { readonly type: 'renew'; readonly reason: string; readonly error?: Refusal }
  /** Gets a new token while the stream goes on, then reconnects with the last id. */
  | { readonly type: 'renew-ahead' }
  /** Leaves the reconnect to native `EventSource`, which reads the server's `retry:`. */
  | { readonly type: 'browser-retry'; readonly reason: 'network' }
  /** Nothing to do. */
  | { readonly type: 'none' };

/** What the table remembers between decisions: the client keeps it and hands it back. */
export interface Memory {
  /** Failures since a stream lasted: the exponent of the back-off. */
  readonly failures: number;
  /** When the last stream opened, until the back-off has counted how long it lasted. */
  readonly openedAt: number | null;
  /** Whether the token was renewed after a refusal since the last stream opened: only once. */
  readonly renewed: boolean;
  /** Whether `EventSource` may reconnect by itself once: only after an open stream dropped. */
  readonly browserMayRetry: boolean;
}

/** The rest of what a decision needs. */
export interface Context {
  /** The first delay of the back-off: the `retryDelay` option or the server's `retry:`. */
  readonly retryDelay: number;
  /** The longest delay. */
  readonly maxRetryDelay: number;
  /** Whether the client can get a token (it has a `getToken`). */
  readonly canRenew: boolean;
  /** The time now, in milliseconds. */
  readonly now: number;
  /** Numbers in [0, 1) for the jitter. */
  readonly random: () => number;
}

export interface Decision {
  readonly action: Action;
  readonly memory: Memory;
}

/** Before the first stream. */
export const INITIAL: Memory = { failures: 0, openedAt: null, renewed: false, browserMayRetry: false };

/** How the starter's 403 for a channel the token does not grant begins. */
const CHANNEL_NOT_PERMITTED = 'Channel not permitted';

/** What to remember when a stream opens (`sse-connected`). */
export function opened(memory: Memory, now: number): Memory {
  return { ...memory, openedAt: now, renewed: false, browserMayRetry: true };
}

/** Decides what to do about what happened. */
export function decide(occurrence: Occurrence, memory: Memory, context: Context): Decision {
  switch (occurrence.type) {
    case 'closed':
      return closed(occurrence.reason, memory, context);
    case 'refused':
      return refused(occurrence.refusal, memory, context);
    case 'dropped':
      if (occurrence.browserRetries && memory.browserMayRetry) {
        // Once, after the server's retry: which only EventSource can read.
        return { action: { type: 'browser-retry', reason: 'network' },
          memory: { ...memory, browserMayRetry: false, openedAt: null } };
      }
      return backingOff('network', null, memory, context);
    case 'token-unavailable':
      return backingOff('token-unavailable', null, memory, context);
    case 'token-expiring':
      return { action: context.canRenew ? { type: 'renew-ahead' } : { type: 'none' }, memory };
  }
}

function closed(reason: string, memory: Memory, context: Context): Decision {
  switch (reason) {
    case 'revoked':
      return { action: { type: 'stop', reason, error: null }, memory };
    case 'token-expired':
      return { action: { type: 'renew', reason }, memory };
    case 'resync':
      return { action: { type: 'retry', reason, error: null, delay: 0 }, memory };
    case 'slow-consumer':
      return { action: { type: 'retry', reason, error: null, delay: context.retryDelay }, memory };
    default:
      // shutdown, max-lifetime, replaced and any reason of a newer server: many clients
      // leave at once, so they come back spread out.
      return backingOff(reason, null, memory, context);
  }
}

function refused(refusal: Refusal, memory: Memory, context: Context): Decision {
  const status = refusal.status;
  if (status === 403 && refusal.message.startsWith(CHANNEL_NOT_PERMITTED)) {
    return { action: { type: 'stop', reason: 'forbidden-channel', error: refusal }, memory };
  }
  if (status === 401 || status === 403) {
    if (memory.renewed || !context.canRenew) {
      return { action: { type: 'stop', reason: 'unauthorized', error: refusal }, memory };
    }
    // Once: a token the server refuses again after renewal is not a matter of time.
    return { action: { type: 'renew', reason: 'token-renewal', error: refusal }, memory: { ...memory, renewed: true } };
  }
  if (status === 429 || status === 503) {
    const next = backOff(memory, context);
    const delay = refusal.retryAfter === null ? next.delay : Math.max(refusal.retryAfter, next.delay);
    const reason = status === 429 ? 'too-many-requests' : 'unavailable';
    return { action: { type: 'retry', reason, error: refusal, delay }, memory: next.memory };
  }
  if (status < 300) {
    // A page, not a stream (a proxy's login page, an SPA fallback): EventSource stops too.
    return { action: { type: 'stop', reason: 'bad-response', error: refusal }, memory };
  }
  if (status >= 400 && status < 500) {
    return { action: { type: 'stop', reason: 'bad-request', error: refusal }, memory };
  }
  return backingOff('server-error', refusal, memory, context);
}

function backingOff(reason: string, error: Refusal | null, memory: Memory, context: Context): Decision {
  const next = backOff(memory, context);
  return { action: { type: 'retry', reason, error, delay: next.delay }, memory: next.memory };
}

/**
 * Exponential back-off with jitter: between half and all of retryDelay × 2^failures, capped.
 * The count of failures starts again after a stream that stayed open for the longest
 * delay: one that ends right after it opened (a proxy that cuts it, two tabs replacing
 * each other) counts as a failure.
 */
export function backOff(memory: Memory, context: Context): { delay: number; memory: Memory } {
  const max = context.maxRetryDelay;
  const lasted = memory.openedAt !== null && context.now - memory.openedAt >= max;
  const failures = lasted ? 0 : memory.failures;
  const ceiling = Math.min(max, Math.max(context.retryDelay, 1) * Math.pow(2, failures));
  return {
    delay: Math.round(ceiling / 2 + (context.random() * ceiling) / 2),
    memory: { ...memory, failures: Math.min(failures + 1, 30), openedAt: null }
  };
}

/** The delay of the server's `retry:`, at most the longest delay. */
export function retryDelayOf(milliseconds: number, maxRetryDelay: number): number {
  return Math.min(milliseconds, maxRetryDelay);
}

/** The reason of an `sse-close`, `unknown` when its data has none. */
export function closeReasonOf(data: string): string {
  try {
    const reason = JSON.parse(data).reason;
    return typeof reason === 'string' ? reason : 'unknown';
  } catch (failure) {
    return 'unknown';
  }
}

/**
 * Whether an event was handled before: ids are `<epoch>-<sequence>` and grow within an
 * epoch, so an id at or below the last one of the same epoch is a repeat. `id` is `null`
 * for an event without an id of its own, which is never a repeat.
 */
export function isRepeat(id: string | null, last: string | null): boolean {
  if (!id || last === null) {
    return false;
  }
  if (id === last) {
    return true;
  }
  const incoming = parseId(id);
  const previous = parseId(last);
  return incoming !== null && previous !== null && incoming.epoch === previous.epoch
    && incoming.sequence <= previous.sequence;
}

function parseId(id: string): { epoch: string; sequence: number } | null {
  const dash = id.lastIndexOf('-');
  if (dash <= 0 || !/^[0-9]{1,15}$/.test(id.slice(dash + 1))) {
    return null;
  }
  return { epoch: id.slice(0, dash), sequence: parseInt(id.slice(dash + 1), 10) };
}
