// better-sse peer: same trigger endpoints and HS256 token check as the bench app.
// Usage: node --expose-gc server.js <port> <secret>
'use strict';
const http = require('http');
const crypto = require('crypto');
const { createSession, createChannel } = require('better-sse');

const port = Number(process.argv[2] || 8083);
const secret = process.argv[3] || 'bench-secret-bench-secret-bench-secret-0123';
const channel = createChannel();
const users = new Map();

function verify(token) {
  const parts = (token || '').split('.');
  if (parts.length !== 3) return null;
  const expected = crypto.createHmac('sha256', secret).update(parts[0] + '.' + parts[1]).digest('base64url');
  const given = Buffer.from(parts[2]);
  const wanted = Buffer.from(expected);
  if (given.length !== wanted.length || !crypto.timingSafeEqual(given, wanted)) return null;
  const claims = JSON.parse(Buffer.from(parts[1], 'base64url').toString());
  if (typeof claims.exp !== 'number' || claims.exp * 1000 < Date.now()) return null;
  return claims.sub;
}

function micros() {
  return Math.round((performance.timeOrigin + performance.now()) * 1000);
}

function data(seq, pad, t) {
  return seq + ' ' + (t > 0 ? t : micros()) + ' ' + 'x'.repeat(pad);
}

function json(res, body) {
  res.writeHead(200, { 'Content-Type': 'application/json' });
  res.end(JSON.stringify(body));
}

const server = http.createServer(async (req, res) => {
  const url = new URL(req.url, 'http://127.0.0.1');
  const q = (name, dflt) => (url.searchParams.has(name) ? Number(url.searchParams.get(name)) : dflt);
  if (url.pathname === '/sse') {
    const user = verify(url.searchParams.get('token'));
    if (!user) {
      res.writeHead(403).end();
      return;
    }
    const session = await createSession(req, res, { serializer: String, keepAlive: 60000 });
    channel.register(session);
    users.set(user, session);
    session.on('disconnected', () => {
      if (users.get(user) === session) users.delete(user);
    });
    session.push('{"userId":"' + user + '"}', 'sse-connected');
  } else if (url.pathname === '/bench/publish') {
    const count = q('count', 1), seq = q('seq', 0), pad = q('pad', 0), t = q('t', 0);
    for (let i = 0; i < count; i++) channel.broadcast(data(seq + i, pad, t), 'tick', String(seq + i));
    json(res, { published: count });
  } else if (url.pathname === '/bench/users') {
    const from = q('from', 0), to = q('to', 0), seq = q('seq', 0), pad = q('pad', 0);
    for (let u = from; u < to; u++) {
      const session = users.get('user-' + u);
      if (session && session.isConnected) session.push(data(seq, pad), 'tick', String(seq));
    }
    json(res, { published: to - from });
  } else if (url.pathname === '/bench/stats') {
    if (global.gc) global.gc();
    const m = process.memoryUsage();
    json(res, { heapUsed: m.heapUsed, rss: m.rss, connections: channel.sessionCount });
  } else {
    res.writeHead(404).end();
  }
});
server.listen({ port, host: '127.0.0.1', backlog: 4096 });
