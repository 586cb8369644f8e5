import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { INITIAL, backOff, closeReasonOf, decide, isRepeat, opened, retryDelayOf } from '../dist/policy.js';

/** A second of first delay, jitter at its most unless a row says otherwise. */
const context = (change = {}) => ({
  retryDelay: 1000, maxRetryDelay: 30000, canRenew: true, now: 0, random: () => 1, ...change
});

const refusal = (status, message = '', retryAfter = null) => ({ status, code: '', message, retryAfter });

/** The memory after a stream opened and a failure was counted: what most decisions start from. */
const afterOneFailure = { failures: 1, openedAt: null, renewed: false, browserMayRetry: true };

/**
 * Each row: what happened, then the action and what the table remembers afterwards. `memory`
 * and `context` change the defaults; `remembers` lists only the fields that change.
 */
const rows = [
  // sse-close
  { does: 'gets a new token and reconnects at once on token-expired',
    on: { type: 'closed', reason: 'token-expired' }, action: { type: 'renew', reason: 'token-expired' } },
  { does: 'stops on revoked',
    on: { type: 'closed', reason: 'revoked' }, action: { type: 'stop', reason: 'revoked', error: null } },
  { does: 'reconnects after retryDelay, without jitter or counting, on slow-consumer',
    on: { type: 'closed', reason: 'slow-consumer' }, context: { random: () => 0 },
    action: { type: 'retry', reason: 'slow-consumer', error: null, delay: 1000 } },
  { does: 'reconnects at once on resync',
    on: { type: 'closed', reason: 'resync' }, action: { type: 'retry', reason: 'resync', error: null, delay: 0 } },
  ...['shutdown', 'max-lifetime', 'replaced', 'a-reason-of-a-newer-server', 'unknown'].map((reason) => ({
    does: 'backs off on ' + reason,
    on: { type: 'closed', reason }, action: { type: 'retry', reason, error: null, delay: 2000 },
    memory: afterOneFailure, remembers: { failures: 2 }
  })),

  // refusals
  { does: 'stops on a 403 for a channel the token does not grant',
    on: { type: 'refused', refusal: refusal(403, 'Channel not permitted: project:2') },
    action: { type: 'stop', reason: 'forbidden-channel', error: refusal(403, 'Channel not permitted: project:2') } },
  ...[401, 403].map((status) => ({
    does: 'renews the token once on ' + status,
    on: { type: 'refused', refusal: refusal(status, 'Invalid or expired token/api-key') },
    action: { type: 'renew', reason: 'token-renewal', error: refusal(status, 'Invalid or expired token/api-key') },
    remembers: { renewed: true }
  })),
  ...[401, 403].map((status) => ({
    does: 'stops on ' + status + ' when the token was renewed already',
    on: { type: 'refused', refusal: refusal(status) }, memory: { renewed: true },
    action: { type: 'stop', reason: 'unauthorized', error: refusal(status) }
  })),
  { does: 'stops on 401 when there is no getToken to renew with',
    on: { type: 'refused', refusal: refusal(401) }, context: { canRenew: false },
    action: { type: 'stop', reason: 'unauthorized', error: refusal(401) } },
  ...[400, 404, 405, 409, 413, 499].map((status) => ({
    does: 'stops on ' + status,
    on: { type: 'refused', refusal: refusal(status) }, action: { type: 'stop', reason: 'bad-request', error: refusal(status) }
  })),
  ...[200, 204].map((status) => ({
    does: 'stops on a ' + status + ' that is not a stream',
    on: { type: 'refused', refusal: refusal(status) }, action: { type: 'stop', reason: 'bad-response', error: refusal(status) }
  })),
  ...[[429, 'too-many-requests'], [503, 'unavailable']].flatMap(([status, reason]) => [
    { does: 'backs off on ' + status + ' without Retry-After',
      on: { type: 'refused', refusal: refusal(status) }, memory: afterOneFailure,
      action: { type: 'retry', reason, error: refusal(status), delay: 2000 }, remembers: { failures: 2 } },
    { does: 'waits out a Retry-After on ' + status + ' longer than the back-off',
      on: { type: 'refused', refusal: refusal(status, '', 5000) }, memory: afterOneFailure,
      action: { type: 'retry', reason, error: refusal(status, '', 5000), delay: 5000 }, remembers: { failures: 2 } },
    { does: 'waits out the back-off on ' + status + ' when it is longer than Retry-After',
      on: { type: 'refused', refusal: refusal(status, '', 100) }, memory: afterOneFailure,
      action: { type: 'retry', reason, error: refusal(status, '', 100), delay: 2000 }, remembers: { failures: 2 } }
  ]),
  ...[500, 502, 504, 302].map((status) => ({
    does: 'backs off on ' + status,
    on: { type: 'refused', refusal: refusal(status) }, memory: afterOneFailure,
    action: { type: 'retry', reason: 'server-error', error: refusal(status), delay: 2000 }, remembers: { failures: 2 }
  })),

  // the network
  { does: 'leaves the first network error after an open stream to EventSource',
    on: { type: 'dropped', browserRetries: true }, memory: { failures: 3, openedAt: 0, browserMayRetry: true },
    action: { type: 'browser-retry', reason: 'network' }, remembers: { browserMayRetry: false, openedAt: null } },
  { does: 'backs off when EventSource has had its one reconnect',
    on: { type: 'dropped', browserRetries: true }, memory: { ...afterOneFailure, browserMayRetry: false },
    action: { type: 'retry', reason: 'network', error: null, delay: 2000 }, remembers: { failures: 2 } },
  { does: 'backs off on a network error the transport does not retry',
    on: { type: 'dropped', browserRetries: false }, memory: afterOneFailure,
    action: { type: 'retry', reason: 'network', error: null, delay: 2000 }, remembers: { failures: 2 } },

  // tokens
  { does: 'backs off when getToken fails',
    on: { type: 'token-unavailable' }, memory: afterOneFailure,
    action: { type: 'retry', reason: 'token-unavailable', error: null, delay: 2000 }, remembers: { failures: 2 } },
  { does: 'renews ahead on sse-token-expiring',
    on: { type: 'token-expiring' }, action: { type: 'renew-ahead' } },
  { does: 'lets the stream run on sse-token-expiring without getToken',
    on: { type: 'token-expiring' }, context: { canRenew: false }, action: { type: 'none' } }
];

describe('decisions', () => {
  for (const row of rows) {
    it(row.does, () => {
      const memory = { ...INITIAL, ...row.memory };
      const decision = decide(row.on, memory, context(row.context));
      assert.deepEqual(decision.action, row.action);
      assert.deepEqual(decision.memory, { ...memory, ...row.remembers });
    });
  }

  it('renews again after a stream opened with the renewed token', () => {
    const refused = { type: 'refused', refusal: refusal(401) };
    const first = decide(refused, INITIAL, context());
    const again = decide(refused, opened(first.memory, 10), context());
    assert.equal(again.action.type, 'renew');
  });
});

describe('back-off', () => {
  it('doubles from retryDelay with each failure, between half and all of it, up to the longest delay', () => {
    const delays = (random) => {
      let memory = INITIAL;
      const seen = [];
      for (let attempt = 0; attempt < 7; attempt++) {
        const next = backOff(memory, context({ random: () => random }));
        seen.push(next.delay);
        memory = next.memory;
      }
      return seen;
    };
    assert.deepEqual(delays(0), [500, 1000, 2000, 4000, 8000, 15000, 15000]);
    assert.deepEqual(delays(1), [1000, 2000, 4000, 8000, 16000, 30000, 30000]);
    assert.deepEqual(delays(0.5), [750, 1500, 3000, 6000, 12000, 22500, 22500]);
  });

  it('stops counting at 30 failures', () => {
    const next = backOff({ ...INITIAL, failures: 30 }, context());
    assert.equal(next.delay, 30000);
    assert.equal(next.memory.failures, 30);
  });

  it('takes a retryDelay of 0 as a millisecond', () => {
    assert.equal(backOff(INITIAL, context({ retryDelay: 0 })).delay, 1);
  });

  it('starts again after a stream that lasted the longest delay', () => {
    const memory = { ...INITIAL, failures: 5, openedAt: 1000 };
    assert.equal(backOff(memory, context({ now: 31000 })).delay, 1000);
    assert.equal(backOff(memory, context({ now: 31000 })).memory.failures, 1);
  });

  it('goes on counting after a stream that ended sooner', () => {
    const memory = { ...INITIAL, failures: 3, openedAt: 1000 };
    assert.equal(backOff(memory, context({ now: 30999 })).delay, 8000);
  });

  it('counts a stream once: its end is forgotten after one back-off', () => {
    const memory = { ...INITIAL, failures: 5, openedAt: 1000 };
    const first = backOff(memory, context({ now: 31000 }));
    assert.equal(first.memory.openedAt, null);
    assert.equal(backOff(first.memory, context({ now: 31000 })).delay, 2000);
  });

  it('remembers an opened stream, and a renewal is allowed again', () => {
    const memory = opened({ failures: 4, openedAt: null, renewed: true, browserMayRetry: false }, 42);
    assert.deepEqual(memory, { failures: 4, openedAt: 42, renewed: false, browserMayRetry: true });
  });

  it('caps the server retry: at the longest delay', () => {
    assert.equal(retryDelayOf(9999999999, 30000), 30000);
    assert.equal(retryDelayOf(2000, 30000), 2000);
  });
});

describe('close reasons', () => {
  for (const [data, reason] of [['{"reason":"shutdown"}', 'shutdown'], ['{"reason":"x-new"}', 'x-new'],
    ['{}', 'unknown'], ['{"reason":5}', 'unknown'], ['not json', 'unknown'], ['', 'unknown']]) {
    it('reads ' + JSON.stringify(data) + ' as ' + reason, () => {
      assert.equal(closeReasonOf(data), reason);
    });
  }
});

describe('repeats', () => {
  const rows = [
    ['drops the last id again', 'e-5', 'e-5', true],
    ['drops an id below the last of its epoch', 'e-4', 'e-5', true],
    ['keeps an id above the last of its epoch', 'e-6', 'e-5', false],
    ['compares sequences as numbers', 'e-10', 'e-9', false],
    ['keeps an id of another epoch, even a lower one', 'd-1', 'e-5', false],
    ['reads the epoch up to the last dash', 'a-b-3', 'a-b-4', true],
    ['keeps anything before the first id', 'e-1', null, false],
    ['never takes an event without its own id for a repeat', null, 'e-5', false],
    ['never takes an empty id for a repeat', '', 'e-5', false],
    ['drops an id that is not the starter\'s only when it is the last', 'abc', 'abc', true],
    ['keeps an id that is not the starter\'s otherwise', 'abc', 'e-5', false],
    ['keeps an id without an epoch', '-3', '-4', false]
  ];
  for (const [does, id, last, repeat] of rows) {
    it(does, () => {
      assert.equal(isRepeat(id, last), repeat);
    });
  }
});
