#!/usr/bin/env python3
"""CPU that a server spends on idle streams: opens N streams to it on 127.0.0.1, waits
until they settle, then reads the server's CPU time (utime + stime from /proc) over 30 s
in which nothing is published.

    benchmarks/idle-cpu.py N PORT SERVER_PID

The streams authenticate with HS256 tokens signed with the bench secret, one user each,
so the server must not limit streams per user (the bench app's profiles do not). Used to
measure what checking streams for closed clients costs (docs/http-contract.md, "Clients that leave"):
run the bench app with --sse.connection.close-check-interval=5s, 1s and 0 in turn.
"""
import asyncio
import base64
import hashlib
import hmac
import json
import os
import sys
import time

SECRET = b"bench-secret-bench-secret-bench-secret-0123"


def b64(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def token(user):
    header = b64(json.dumps({"alg": "HS256", "typ": "JWT"}).encode())
    claims = b64(json.dumps({"sub": user, "channels": ["c"], "exp": int(time.time()) + 3600}).encode())
    signature = b64(hmac.new(SECRET, (header + "." + claims).encode(), hashlib.sha256).digest())
    return header + "." + claims + "." + signature


def cpu_seconds(pid):
    fields = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


async def open_stream(port, user, limit, streams):
    async with limit:
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        writer.write(f"GET /sse?token={token(user)} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".encode())
        await writer.drain()
        received = b""
        while b"sse-connected" not in received:
            chunk = await reader.read(4096)
            if not chunk:
                raise RuntimeError("stream of " + user + " closed before sse-connected")
            received += chunk
        streams.append((reader, writer))


async def main(count, port, pid):
    limit = asyncio.Semaphore(200)
    streams = []
    await asyncio.gather(*(open_stream(port, f"idle-{i}", limit, streams) for i in range(count)))
    await asyncio.sleep(10)
    before, started = cpu_seconds(pid), time.monotonic()
    await asyncio.sleep(30)
    spent, elapsed = cpu_seconds(pid) - before, time.monotonic() - started
    print(f"{len(streams)} idle streams: server CPU {spent:.2f} s in {elapsed:.1f} s = "
          f"{100 * spent / elapsed:.2f} % of a core")


if __name__ == "__main__":
    asyncio.run(main(int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])))
