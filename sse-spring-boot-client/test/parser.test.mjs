import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SseParser } from '../dist/index.js';

function parse(...chunks) {
  const events = [];
  const retries = [];
  const parser = new SseParser((event) => events.push(event), (retry) => retries.push(retry));
  chunks.forEach((chunk) => parser.push(chunk));
  return { events, retries };
}

describe('SseParser', () => {
  it('dispatches an event on a blank line, with its name, data and id', () => {
    const { events } = parse('id: 7-1\nevent: position\ndata: {"x":1}\n\n');
    assert.deepEqual(events, [{ type: 'position', data: '{"x":1}', lastEventId: '7-1', hasId: true }]);
  });

  it('accepts CRLF, CR and LF line ends, also mixed in one stream', () => {
    const { events } = parse('data: a\r\n\r\ndata: b\r\rdata: c\n\n');
    assert.deepEqual(events.map((event) => event.data), ['a', 'b', 'c']);
  });

  it('keeps a CRLF split across two chunks as one line end', () => {
    const { events } = parse('data: a\r', '\ndata: b\r', '\n\r', '\n');
    assert.deepEqual(events.map((event) => event.data), ['a\nb']);
  });

  it('joins lines that arrive in pieces', () => {
    const { events } = parse('da', 'ta: hel', 'lo\n', '\n');
    assert.deepEqual(events.map((event) => event.data), ['hello']);
  });

  it('drops a leading byte order mark, and only at the start of the stream', () => {
    const { events } = parse('\uFEFFdata: a\n\n', '\uFEFFdata: b\n\n');
    assert.deepEqual(events.map((event) => event.data), ['a']);
  });

  it('drops a byte order mark that arrives alone in the first chunk', () => {
    const { events } = parse('', '\uFEFF', 'data: a\n\n');
    assert.deepEqual(events.map((event) => event.data), ['a']);
  });

  it('joins several data lines with a line feed and removes only one leading space', () => {
    const { events } = parse('data:one\ndata:  two\ndata\n\n');
    assert.deepEqual(events.map((event) => event.data), ['one\n two\n']);
  });

  it('ignores comments, unknown fields and events without data', () => {
    const { events } = parse(': heartbeat\n\nfoo: bar\nevent: empty\n\ndata: x\n\n');
    assert.deepEqual(events, [{ type: 'message', data: 'x', lastEventId: '', hasId: false }]);
  });

  it('carries the last id over to events without one, and ignores ids with NUL', () => {
    const { events } = parse('id: 1-1\ndata: a\n\ndata: b\n\nid: 1-\u00002\ndata: c\n\nid\ndata: d\n\n');
    assert.deepEqual(events.map((event) => event.lastEventId), ['1-1', '1-1', '1-1', '']);
    assert.deepEqual(events.map((event) => event.hasId), [true, false, false, true]);
  });

  it('reports retry only for ASCII digits', () => {
    const { retries } = parse('retry: 2500\nretry: 1e3\nretry: -1\nretry:  40\nretry:100\n\n');
    assert.deepEqual(retries, [2500, 100]);
  });

  it('does not dispatch an event the stream ended before its blank line', () => {
    const { events } = parse('data: complete\n\ndata: cut off');
    assert.deepEqual(events.map((event) => event.data), ['complete']);
  });

  it('resets the event name after each event', () => {
    const { events } = parse('event: tick\ndata: 1\n\ndata: 2\n\n');
    assert.deepEqual(events.map((event) => event.type), ['tick', 'message']);
  });
});
