import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { connect } from '../dist/index.js';
import { fakeClock } from './fake-clock.mjs';

const STREAM_URL = 'http://app.test/sse';

/** The client's time: each test moves it on itself. */
let clock;

/** Longer than any retry, also the default longest one: what has not happened by then will not. */
const quiet = () => clock.advance(60000);

/** Lets what the client started settle, without moving the clock, and checks where it got. */
async function reached(condition, what) {
  await clock.settle();
  assert.ok(condition(), 'never happened: ' + what);
}

/** A server behind a fake fetch: each request gets the next answer the test queued. */
function fakeServer() {
  const requests = [];
  const answers = [];
  const fetch = async (url, init) => {
    const request = { url: new URL(url), headers: init.headers, signal: init.signal };
    requests.push(request);
    const answer = answers.shift();
    if (!answer) {
      throw new TypeError('no answer queued for ' + url);
    }
    return answer(request);
  };
  return {
    fetch,
    requests,
    /** Queues a stream; returns its handle once the client has asked for it. */
    stream() {
      const handle = {};
      answers.push((request) => {
        const encoder = new TextEncoder();
        const body = new ReadableStream({
          start(controller) {
            handle.send = (text) => controller.enqueue(encoder.encode(text));
            handle.end = () => controller.close();
            request.signal.addEventListener('abort', () => {
              handle.aborted = true;
              controller.error(new DOMException('aborted', 'AbortError'));
            });
          }
        });
        handle.request = request;
        return new Response(body, { status: 200, headers: { 'Content-Type': 'text/event-stream' } });
      });
      return handle;
    },
    refuse(status, code, message, retryAfter) {
      const headers = { 'Content-Type': 'application/json' };
      if (retryAfter !== undefined) {
        headers['Retry-After'] = String(retryAfter);
      }
      answers.push(() => new Response(JSON.stringify({ code, message }), { status, headers }));
    },
    fail() {
      answers.push(() => {
        throw new TypeError('connection refused');
      });
    }
  };
}

/** Native EventSource as far as the client uses it. */
class FakeEventSource {
  static CONNECTING = 0;
  static OPEN = 1;
  static CLOSED = 2;
  static instances = [];

  constructor(url, init) {
    this.url = new URL(url);
    this.withCredentials = init.withCredentials;
    this.readyState = FakeEventSource.CONNECTING;
    this.listeners = {};
    this.lastEventId = '';
    FakeEventSource.instances.push(this);
  }

  addEventListener(type, listener) {
    (this.listeners[type] ||= []).push(listener);
  }

  emit(type, data, id) {
    if (id !== undefined) {
      this.lastEventId = id;
    }
    this.readyState = FakeEventSource.OPEN;
    (this.listeners[type] || []).forEach((listener) => listener({ type, data, lastEventId: this.lastEventId }));
  }

  fail(readyState) {
    this.readyState = readyState;
    this.onerror?.(new Event('error'));
  }

  close() {
    this.readyState = FakeEventSource.CLOSED;
    this.closed = true;
  }
}

const connected = (resume, channels = ['ticker']) =>
  'event: sse-connected\ndata: ' + JSON.stringify({ connectionId: 'c', userId: 'u', channels, resume }) + '\n\n';
const tick = (id, n) => 'id: ' + id + '\nevent: tick\ndata: ' + n + '\n\n';
const close = (reason) => 'event: sse-close\ndata: {"reason":"' + reason + '"}\n\n';

function memoryStorage(initial = {}) {
  const items = new Map(Object.entries(initial));
  return { getItem: (key) => items.get(key) ?? null, setItem: (key, value) => items.set(key, String(value)) };
}

const clients = [];

function start(options) {
  const client = connect({
    url: STREAM_URL,
    retryDelay: 5,
    ...options,
    environment: { storage: null, random: () => 1, now: clock.now, setTimeout: clock.setTimeout,
      clearTimeout: clock.clearTimeout, ...options.environment }
  });
  clients.push(client);
  return client;
}

function tokens(...values) {
  const handed = [];
  return {
    handed,
    getToken: async () => {
      const token = values[Math.min(handed.length, values.length - 1)];
      handed.push(token);
      return token;
    }
  };
}

beforeEach(() => {
  clock = fakeClock();
});

afterEach(() => {
  clients.splice(0).forEach((client) => client.close());
  FakeEventSource.instances = [];
});

describe('fetch transport', () => {
  it('sends the token in a header, never in the URL, and the channels as repeated parameters', async () => {
    const server = fakeServer();
    const stream = server.stream();
    start({ transport: 'fetch', channels: ['a', 'b:1'], ...tokens('t1'), environment: { fetch: server.fetch } });
    await reached(() => stream.request, 'a request');
    assert.equal(stream.request.headers.Authorization, 'Bearer t1');
    assert.equal(stream.request.url.searchParams.get('token'), null);
    assert.deepEqual(stream.request.url.searchParams.getAll('channel'), ['a', 'b:1']);
  });

  it('hands events to handlers once each, with their ids, and reports how the stream resumed', async () => {
    const server = fakeServer();
    const stream = server.stream();
    const seen = [];
    const client = start({ transport: 'fetch', ...tokens('t1'), environment: { fetch: server.fetch } });
    client.on('tick', (message) => seen.push([message.id, message.json()]));
    await reached(() => stream.send, 'a stream');
    stream.send(connected('none') + tick('e-1', 1) + tick('e-2', 2) + tick('e-2', 2) + tick('e-1', 1));
    await reached(() => seen.length === 2, 'two ticks');
    assert.deepEqual(seen, [['e-1', 1], ['e-2', 2]]);
    assert.equal(client.status.state, 'open');
    assert.equal(client.status.resume, 'none');
    assert.equal(client.lastEventId, 'e-2');
  });

  it('reconnects after a dropped stream with the last id and the delay the server set', async () => {
    const server = fakeServer();
    const first = server.stream();
    const second = server.stream();
    const statuses = [];
    start({ transport: 'fetch', ...tokens('t1'), onStatus: (status) => statuses.push(status),
      environment: { fetch: server.fetch } });
    await reached(() => first.send, 'a stream');
    first.send('retry: 40\n' + connected('none') + tick('e-1', 1));
    first.end();
    await clock.advance(39);
    assert.equal(second.request, undefined, 'a reconnect before the delay');
    await clock.advance(1);
    await reached(() => second.request, 'a reconnect');
    assert.equal(second.request.url.searchParams.get('lastEventId'), 'e-1');
    const reconnecting = statuses.find((status) => status.state === 'reconnecting');
    assert.equal(reconnecting.reason, 'network');
    assert.equal(reconnecting.retryIn, 40);
  });

  it('stays closed when onStatus closes it as it renews the token', async () => {
    for (const renewal of ['event: sse-token-expiring\ndata: {}\n\n', close('token-expired')]) {
      const server = fakeServer();
      const first = server.stream();
      const { getToken } = tokens('t1', 't2');
      const client = start({ transport: 'fetch', getToken, environment: { fetch: server.fetch },
        onStatus: (status) => status.state === 'reconnecting' && client.close() });
      await reached(() => first.send, 'a stream');
      first.send(connected('none') + renewal);
      await quiet();
      assert.equal(server.requests.length, 1, 'a connection after close() during ' + renewal.trim());
      assert.equal(client.status.state, 'closed');
    }
  });

  it('renews the token before it expires and resumes without losing or repeating an event', async () => {
    const server = fakeServer();
    const first = server.stream();
    const second = server.stream();
    const { handed, getToken } = tokens('t1', 't2');
    const seen = [];
    const client = start({ transport: 'fetch', getToken, environment: { fetch: server.fetch } });
    client.on('tick', (message) => seen.push(message.json()));
    await reached(() => first.send, 'a stream');
    first.send(connected('none') + tick('e-1', 1) + tick('e-2', 2) + 'event: sse-token-expiring\ndata: {}\n\n');
    await reached(() => second.request, 'a renewed stream');
    assert.deepEqual(handed, ['t1', 't2']);
    assert.equal(first.aborted, true);
    assert.equal(second.request.headers.Authorization, 'Bearer t2');
    assert.equal(second.request.url.searchParams.get('lastEventId'), 'e-2');
    // The server replays from the id; a repeat of the last one would be dropped.
    second.send(connected('recovered') + tick('e-2', 2) + tick('e-3', 3));
    await reached(() => seen.length === 3, 'the next tick');
    assert.deepEqual(seen, [1, 2, 3]);
    assert.equal(client.status.resume, 'recovered');
  });

  it('gets a new token when the stream ends with token-expired', async () => {
    const server = fakeServer();
    const first = server.stream();
    const second = server.stream();
    const { handed, getToken } = tokens('t1', 't2');
    start({ transport: 'fetch', getToken, environment: { fetch: server.fetch } });
    await reached(() => first.send, 'a stream');
    first.send(connected('none') + close('token-expired'));
    await reached(() => second.request, 'a renewed stream');
    assert.deepEqual(handed, ['t1', 't2']);
    assert.equal(second.request.headers.Authorization, 'Bearer t2');
  });

  it('stops for good when the server revokes the stream', async () => {
    const server = fakeServer();
    const stream = server.stream();
    const client = start({ transport: 'fetch', ...tokens('t1'), environment: { fetch: server.fetch } });
    await reached(() => stream.send, 'a stream');
    stream.send(connected('none') + close('revoked'));
    await reached(() => client.status.state === 'closed', 'closed');
    assert.equal(client.status.reason, 'revoked');
    await quiet();
    assert.equal(server.requests.length, 1);
  });

  it('stops on a channel the token does not grant, and says why', async () => {
    const server = fakeServer();
    server.refuse(403, 'FORBIDDEN', 'Channel not permitted: project:2');
    const client = start({ transport: 'fetch', channels: ['project:2'], ...tokens('t1'),
      environment: { fetch: server.fetch } });
    await reached(() => client.status.state === 'closed', 'closed');
    assert.equal(client.status.reason, 'forbidden-channel');
    assert.equal(client.status.error.message, 'Channel not permitted: project:2');
    await quiet();
    assert.equal(server.requests.length, 1);
  });

  it('renews a refused token once, and stops when the new one is refused too', async () => {
    const server = fakeServer();
    server.refuse(403, 'FORBIDDEN', 'Invalid or expired token/api-key');
    server.refuse(401, 'UNAUTHORIZED', 'Missing token/api-key');
    const { handed, getToken } = tokens('old', 'new');
    const client = start({ transport: 'fetch', getToken, environment: { fetch: server.fetch } });
    await reached(() => client.status.state === 'closed', 'closed');
    assert.deepEqual(handed, ['old', 'new']);
    assert.equal(client.status.reason, 'unauthorized');
    assert.equal(client.status.error.status, 401);
  });

  it('waits out Retry-After on 429, then opens when a slot is free', async () => {
    const server = fakeServer();
    server.refuse(429, 'TOO_MANY_REQUESTS', 'Too many streams', 1);
    const stream = server.stream();
    const statuses = [];
    const client = start({ transport: 'fetch', ...tokens('t1'), onStatus: (status) => statuses.push(status),
      environment: { fetch: server.fetch } });
    await reached(() => statuses.some((status) => status.reason === 'too-many-requests'), 'a 429');
    const waiting = statuses.find((status) => status.reason === 'too-many-requests');
    assert.equal(waiting.state, 'reconnecting');
    assert.equal(waiting.retryIn, 1000);
    assert.equal(waiting.error.code, 'TOO_MANY_REQUESTS');
    await clock.advance(999);
    assert.equal(stream.send, undefined, 'a stream before the wait');
    await clock.advance(1);
    await reached(() => stream.send, 'a stream after the wait');
    stream.send(connected('none'));
    await reached(() => client.status.state === 'open', 'open');
    assert.equal(client.status.error, null);
  });

  it('backs off exponentially, with jitter, while the server is unreachable or shutting down', async () => {
    const server = fakeServer();
    const first = server.stream();
    server.fail();
    server.fail();
    const last = server.stream();
    const delays = [];
    const client = start({ transport: 'fetch', retryDelay: 8, maxRetryDelay: 1000, ...tokens('t1'),
      onStatus: (status) => status.retryIn && delays.push([status.reason, status.retryIn]),
      environment: { fetch: server.fetch, random: () => 0 } });
    await reached(() => first.send, 'a stream');
    first.send(connected('none') + close('shutdown'));
    await clock.advance(4 + 8 + 16);
    await reached(() => last.send, 'a stream after three attempts');
    // Half of 8, 16, 32 with the jitter at its least.
    assert.deepEqual(delays, [['shutdown', 4], ['network', 8], ['network', 16]]);
    client.close();
  });

  it('goes on counting failures while streams end right after they open, and starts again after one that lasted', async () => {
    const server = fakeServer();
    const streams = [server.stream(), server.stream(), server.stream()];
    const delays = [];
    const client = start({ transport: 'fetch', retryDelay: 8, maxRetryDelay: 1000, ...tokens('t1'),
      onStatus: (status) => status.retryIn && delays.push(status.retryIn),
      environment: { fetch: server.fetch, random: () => 1 } });
    await reached(() => streams[0].send, 'a stream');
    streams[0].send(connected('none') + close('replaced'));
    await clock.advance(8);
    await reached(() => streams[1].send, 'a second stream');
    streams[1].send(connected('recovered') + close('replaced'));
    await clock.advance(16);
    await reached(() => streams[2].send, 'a third stream');
    streams[2].send(connected('recovered'));
    await reached(() => client.status.state === 'open', 'the third stream open');
    await clock.advance(1000);
    streams[2].send(close('replaced'));
    await reached(() => delays.length === 3, 'three delays');
    assert.deepEqual(delays, [8, 16, 8]);
  });

  it('keeps the last id in session storage, so that a reload resumes', async () => {
    const server = fakeServer();
    const first = server.stream();
    const storage = memoryStorage({ 'ticker-id': 'e-41' });
    start({ transport: 'fetch', storageKey: 'ticker-id', ...tokens('t1'),
      environment: { fetch: server.fetch, storage } });
    await reached(() => first.send, 'a stream');
    assert.equal(first.request.url.searchParams.get('lastEventId'), 'e-41');
    first.send(connected('recovered') + tick('e-42', 42));
    await reached(() => storage.getItem('ticker-id') === 'e-42', 'the id stored');
  });

  it('goes on calling the other handlers and reading when one handler throws', async (test) => {
    const server = fakeServer();
    const stream = server.stream();
    const seen = [];
    const client = start({ transport: 'fetch', ...tokens('t1'), environment: { fetch: server.fetch } });
    const failing = () => {
      throw new Error('a handler bug');
    };
    const uncaught = [];
    globalThis.reportError = (error) => uncaught.push(error.message);
    test.after(() => delete globalThis.reportError);
    client.on('tick', failing).on('tick', (message) => seen.push(message.data));
    await reached(() => stream.send, 'a stream');
    stream.send(connected('none') + tick('e-1', 1) + tick('e-2', 2));
    await reached(() => seen.length === 2 && uncaught.length === 2, 'both ticks');
    client.off('tick', failing);
    stream.send(tick('e-3', 3));
    await reached(() => seen.length === 3, 'the third tick');
    assert.deepEqual(uncaught, ['a handler bug', 'a handler bug']);
  });
});

describe('robustness', () => {
  it('stays closed when a handler closes it on the server close', async () => {
    const server = fakeServer();
    const stream = server.stream();
    const { handed, getToken } = tokens('t1', 't2');
    const client = start({ transport: 'fetch', getToken, environment: { fetch: server.fetch } });
    client.on('sse-close', () => client.close());
    client.on('sse-token-expiring', () => client.close());
    await reached(() => stream.send, 'a stream');
    stream.send(connected('none') + 'event: sse-token-expiring\ndata: {}\n\n' + close('shutdown'));
    await reached(() => client.status.state === 'closed', 'closed');
    await quiet();
    assert.equal(client.status.reason, 'closed');
    assert.equal(server.requests.length, 1);
    assert.deepEqual(handed, ['t1']);
  });

  it('reports an onStatus that throws, and goes on as if it had not', async () => {
    const server = fakeServer();
    const stream = server.stream();
    const reported = [];
    globalThis.reportError = (error) => reported.push(error.message);
    try {
      const client = start({ transport: 'fetch', ...tokens('t1'), environment: { fetch: server.fetch },
        onStatus: () => {
          throw new Error('a status bug');
        } });
      await reached(() => stream.send, 'a stream');
      stream.send(connected('none'));
      await reached(() => client.status.state === 'open', 'open');
      await quiet();
      assert.equal(server.requests.length, 1);
      client.close();
      assert.ok(reported.length >= 3 && reported.every((message) => message === 'a status bug'));
    } finally {
      delete globalThis.reportError;
    }
  });

  it('does not reconnect when renewal hands back the same token', async () => {
    const server = fakeServer();
    const stream = server.stream();
    const { handed, getToken } = tokens('same');
    const client = start({ transport: 'fetch', getToken, environment: { fetch: server.fetch } });
    await reached(() => stream.send, 'a stream');
    stream.send(connected('none') + 'event: sse-token-expiring\ndata: {}\n\n');
    await reached(() => handed.length === 2, 'a renewal');
    await quiet();
    assert.equal(server.requests.length, 1);
    assert.equal(client.status.state, 'open');
  });

  it('keeps a renewed token when the stream drops while it is fetched', async () => {
    const server = fakeServer();
    const first = server.stream();
    const second = server.stream();
    let release;
    const handed = [];
    const getToken = () => {
      handed.push(handed.length === 0 ? 't1' : 't2');
      return handed.length === 1 ? 't1' : new Promise((resolve) => (release = () => resolve('t2')));
    };
    const client = start({ transport: 'fetch', getToken, environment: { fetch: server.fetch } });
    await reached(() => first.send, 'a stream');
    first.send(connected('none') + 'event: sse-token-expiring\ndata: {}\n\n');
    await reached(() => release, 'a renewal under way');
    first.end();
    await reached(() => client.status.reason === 'network', 'the stream dropped');
    release();
    await clock.advance(5);
    await reached(() => second.request, 'a reconnect');
    assert.equal(second.request.headers.Authorization, 'Bearer t2');
  });

  it('stops on a 200 answer that is not an event stream, as EventSource does', async () => {
    const server = fakeServer();
    server.refuse(200, undefined, undefined);
    const client = start({ transport: 'fetch', ...tokens('t1'), environment: { fetch: server.fetch } });
    await reached(() => client.status.state === 'closed', 'closed');
    assert.equal(client.status.reason, 'bad-response');
    await quiet();
    assert.equal(server.requests.length, 1);
  });

  it('hands on events without an id of their own, and never takes them for repeats', async () => {
    const server = fakeServer();
    const stream = server.stream();
    const seen = [];
    const client = start({ transport: 'fetch', ...tokens('t1'), environment: { fetch: server.fetch } });
    client.on('tick', (message) => seen.push([message.id, message.data]));
    await reached(() => stream.send, 'a stream');
    stream.send(connected('none') + tick('e-1', 1) + 'event: tick\ndata: no id\n\n' + tick('e-2', 2));
    await reached(() => seen.length === 3, 'three ticks');
    assert.deepEqual(seen, [['e-1', '1'], [null, 'no id'], ['e-2', '2']]);
    assert.equal(client.lastEventId, 'e-2');
  });

  it('caps a retry: larger than the longest delay', async () => {
    const server = fakeServer();
    const first = server.stream();
    const statuses = [];
    start({ transport: 'fetch', maxRetryDelay: 50, ...tokens('t1'), onStatus: (status) => statuses.push(status),
      environment: { fetch: server.fetch } });
    await reached(() => first.send, 'a stream');
    first.send('retry: 9999999999\n' + connected('none') + close('slow-consumer'));
    await reached(() => statuses.some((status) => status.reason === 'slow-consumer'), 'a slow-consumer close');
    assert.equal(statuses.find((status) => status.reason === 'slow-consumer').retryIn, 50);
  });
});

describe('channels', () => {
  it('reads several channels from one stream and hands each handler the events of its channel', async () => {
    const server = fakeServer();
    const stream = server.stream();
    const all = [];
    const onA = [];
    const client = start({ transport: 'fetch', channels: ['a', 'b'], ...tokens('t1'),
      environment: { fetch: server.fetch } });
    client.on('tick', (message) => all.push([message.channel, message.data]));
    client.on('tick', (message) => onA.push(message.data), { channel: 'a' });
    client.on('note', (message) => all.push([message.channel, message.data]));
    client.on('x y', (message) => all.push([message.channel, message.event]));
    await reached(() => stream.send, 'a stream');
    assert.equal(stream.request.url.searchParams.get('channelPrefix'), 'true');
    stream.send(connected('none', ['a', 'b']) + 'id: e-1\nevent: a tick\ndata: 1\n\n'
      + 'id: e-2\nevent: b tick\ndata: 2\n\nid: e-3\nevent: note\ndata: 3\n\n'
      + 'id: e-4\nevent: x y\ndata: 4\n\n');
    await reached(() => all.length === 4, 'four events');
    assert.deepEqual(all, [['a', '1'], ['b', '2'], [null, '3'], [null, 'x y']]);
    assert.deepEqual(onA, ['1']);
  });

  it('hands a channel\'s kept last value to the handlers of its event, marked latest, without moving the last id', async () => {
    const server = fakeServer();
    const stream = server.stream();
    const prices = [];
    const client = start({ transport: 'fetch', channels: ['prices'], ...tokens('t1'),
      environment: { fetch: server.fetch } });
    client.on('price', (message) => prices.push([message.channel, message.data, message.id, message.latest]),
      { channel: 'prices' });
    await reached(() => stream.send, 'a stream');
    const latest = { channel: 'prices', event: 'price', id: 'e-4', data: '{"eur":1}' };
    stream.send(connected('none', ['prices']) + 'event: sse-latest\ndata: ' + JSON.stringify(latest) + '\n\n');
    await reached(() => prices.length === 1, 'the kept value');
    assert.equal(client.lastEventId, null);
    stream.send('id: e-5\nevent: prices price\ndata: {"eur":2}\n\n');
    await reached(() => prices.length === 2, 'a live value');
    assert.deepEqual(prices, [['prices', '{"eur":1}', 'e-4', true], ['prices', '{"eur":2}', 'e-5', false]]);
    assert.equal(client.lastEventId, 'e-5');
  });

  it('hands a room\'s sse-join and sse-leave to their handlers, by channel', async () => {
    const server = fakeServer();
    const stream = server.stream();
    const seen = [];
    const client = start({ transport: 'fetch', channels: ['room:1'], ...tokens('t1'),
      environment: { fetch: server.fetch } });
    client.on('sse-join', (message) => seen.push(['join', message.channel, message.json().userId]));
    client.on('sse-leave', (message) => seen.push(['leave', message.channel, message.json().userId]), { channel: 'room:1' });
    await reached(() => stream.send, 'a stream');
    stream.send(connected('none', ['room:1']) + 'id: e-1\nevent: room:1 sse-join\ndata: {"userId":"ann","channel":"room:1"}\n\n'
      + 'id: e-2\nevent: room:1 sse-leave\ndata: {"userId":"ann","channel":"room:1"}\n\n');
    await reached(() => seen.length === 2, 'a join and a leave');
    assert.deepEqual(seen, [['join', 'room:1', 'ann'], ['leave', 'room:1', 'ann']]);
  });

  it('listens on EventSource for each handled event after each channel the server confirms', async () => {
    const seen = [];
    const client = start({ ...tokens('t1'), environment: { EventSource: FakeEventSource } });
    client.on('tick', (message) => seen.push(message.channel), { channel: 'room:2' });
    await reached(() => FakeEventSource.instances.length === 1, 'an EventSource');
    const source = FakeEventSource.instances[0];
    source.emit('sse-connected', JSON.stringify({ resume: 'none', channels: ['room:1', 'room:2'] }));
    assert.ok(source.listeners['room:1 tick'] && source.listeners['room:2 tick'] && source.listeners.tick);
    source.emit('room:1 tick', '1', 'e-1');
    source.emit('room:2 tick', '2', 'e-2');
    assert.deepEqual(seen, ['room:2']);
  });
});

describe('eventsource transport', () => {
  it('puts the token and the last id in the URL and listens for every handled event', async () => {
    const server = fakeServer();
    const client = start({ ...tokens('t1'), channels: ['ticker'], environment: { EventSource: FakeEventSource,
      fetch: server.fetch, storage: memoryStorage({ key: 'e-9' }) }, storageKey: 'key' });
    const seen = [];
    client.on('tick', (message) => seen.push(message.data));
    await reached(() => FakeEventSource.instances.length === 1, 'an EventSource');
    const source = FakeEventSource.instances[0];
    assert.equal(source.url.searchParams.get('token'), 't1');
    assert.equal(source.url.searchParams.get('lastEventId'), 'e-9');
    assert.equal(source.withCredentials, false);
    source.emit('sse-connected', JSON.stringify({ resume: 'recovered', channels: ['ticker'] }));
    source.emit('tick', '10', 'e-10');
    assert.deepEqual(seen, ['10']);
    assert.equal(client.status.resume, 'recovered');
  });

  it('asks again with fetch why a stream was refused, since EventSource cannot tell', async () => {
    const server = fakeServer();
    server.refuse(403, 'FORBIDDEN', 'Channel not permitted: secret');
    const client = start({ ...tokens('t1'), channels: ['secret'],
      environment: { EventSource: FakeEventSource, fetch: server.fetch } });
    await reached(() => FakeEventSource.instances.length === 1, 'an EventSource');
    FakeEventSource.instances[0].fail(FakeEventSource.CLOSED);
    await reached(() => client.status.state === 'closed', 'closed');
    assert.equal(client.status.reason, 'forbidden-channel');
    assert.equal(server.requests[0].url.searchParams.get('channel'), 'secret');
  });

  it('leaves one network error of an open stream to EventSource, which reconnects after the server retry', async () => {
    const client = start({ ...tokens('t1'), environment: { EventSource: FakeEventSource } });
    await reached(() => FakeEventSource.instances.length === 1, 'an EventSource');
    const source = FakeEventSource.instances[0];
    source.emit('sse-connected', '{"resume":"none"}');
    source.fail(FakeEventSource.CONNECTING);
    assert.equal(client.status.state, 'reconnecting');
    assert.equal(client.status.reason, 'network');
    assert.equal(source.closed, undefined);
    // Its retry failed too: the client backs off on its own from here.
    source.fail(FakeEventSource.CONNECTING);
    assert.equal(source.closed, true);
    assert.equal(client.status.retryIn, 5);
    await clock.advance(5);
    await reached(() => FakeEventSource.instances.length === 2, 'a new EventSource');
  });

  it('renews a token the server refused, which only a second request can tell', async () => {
    const server = fakeServer();
    server.refuse(403, 'FORBIDDEN', 'Invalid or expired token/api-key');
    const { handed, getToken } = tokens('old', 'new');
    start({ getToken, environment: { EventSource: FakeEventSource, fetch: server.fetch } });
    await reached(() => FakeEventSource.instances.length === 1, 'an EventSource');
    FakeEventSource.instances[0].fail(FakeEventSource.CLOSED);
    await reached(() => FakeEventSource.instances.length === 2, 'a second EventSource');
    assert.deepEqual(handed, ['old', 'new']);
    assert.equal(server.requests[0].url.searchParams.get('token'), 'old');
    assert.equal(FakeEventSource.instances[1].url.searchParams.get('token'), 'new');
  });

  it('sends cookies with the cookie transport, and no token', async () => {
    const client = start({ transport: 'cookie', environment: { EventSource: FakeEventSource } });
    await reached(() => FakeEventSource.instances.length === 1, 'an EventSource');
    const source = FakeEventSource.instances[0];
    assert.equal(source.withCredentials, true);
    assert.equal(source.url.searchParams.get('token'), null);
    source.emit('sse-connected', '{"resume":"none"}');
    assert.equal(client.status.state, 'open');
  });

  it('closes the EventSource for a server close, so that the browser does not reconnect on its own', async () => {
    const client = start({ ...tokens('t1'), environment: { EventSource: FakeEventSource } });
    await reached(() => FakeEventSource.instances.length === 1, 'an EventSource');
    FakeEventSource.instances[0].emit('sse-close', '{"reason":"shutdown"}');
    assert.equal(FakeEventSource.instances[0].closed, true);
    assert.equal(client.status.reason, 'shutdown');
    await clock.advance(5);
    await reached(() => FakeEventSource.instances.length === 2, 'a second EventSource');
  });
});

describe('connect', () => {
  it('needs getToken unless cookies carry the token', () => {
    assert.throws(() => connect({ url: STREAM_URL }), /getToken is required/);
  });

  it('says at once when EventSource is missing, and which transport works without it', () => {
    assert.throws(() => connect({ url: STREAM_URL, transport: 'cookie', environment: { EventSource: undefined } }),
      /use transport "fetch"/);
  });
});
