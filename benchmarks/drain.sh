#!/usr/bin/env bash
# A deploy against a crash (issue #23), on 127.0.0.1: two starter nodes in cluster mode
# sharing the Redis at 127.0.0.1:6379 under a key prefix of the run's own, A (8081) with a
# few streams and B (8082) with 5 000; 10 events/s are published on A for 10 s, and 2 s in B
# is stopped and its clients move to A with their Last-Event-ID. Three rounds, each on fresh
# nodes: kill (SIGKILL, and every client of B reconnects to A at once, as behind a load
# balancer: cluster.sh's kill storm), drain-0 (SIGTERM with sse.shutdown.drain-period=0:
# every stream gets sse-close at once) and drain-default (SIGTERM, the default 5 s drain
# period); in a drain each client reconnects to A as soon as its stream ends. A fourth
# round, drain-20s (a 20 s drain period: 250 streams/s, fewer than A takes here), runs when
# named. For each: A's peak handshake rate, the time until every client is back, refused
# reconnects, resume outcomes, lost, duplicated and reordered events, p99
# publish-to-receive. Writes results/drain.md and results/drain.json; each round's figures
# and node logs go to results/raw.
#
#   ./mvnw -B -Pbenchmarks -pl benchmarks -am -DskipTests package
#   benchmarks/drain.sh [scale] [round ...]
#
# scale multiplies every connection count (1 = 5 000 streams on B; 0.1 for a smoke run).
# Rounds: kill drain-0 drain-default drain-20s (default: the first three, in that order);
# about a minute and a half each.
set -euo pipefail
cd "$(dirname "$0")"

SCALE=${1:-1}
shift || true
ROUNDS=${*:-kill drain-0 drain-default}
# shellcheck source=lib.sh
source lib.sh
cluster_bench drain

cleanup() {
  stop_all
  delete_keys "{${PREFIX}}*"
  rm -rf "${RUN}"
}
trap cleanup EXIT INT TERM

# Both nodes of a round configured alike, as a deploy would. Graceful shutdown and 30 s per
# shutdown phase are Boot's defaults, spelled out: the drain must fit in that phase less 5 s.
CLUSTER=(--sse.cluster.type=redis --spring.data.redis.host=127.0.0.1 "--sse.cluster.redis.key-prefix=${PREFIX}"
  --server.shutdown=graceful --spring.lifecycle.timeout-per-shutdown-phase=30s)

for round in ${ROUNDS}; do
  case "${round}" in
    kill) SIGNAL=KILL; DRAIN=() ;;
    drain-0) SIGNAL=TERM; DRAIN=(--sse.shutdown.drain-period=0) ;;
    drain-default) SIGNAL=TERM; DRAIN=() ;;
    drain-20s) SIGNAL=TERM; DRAIN=(--sse.shutdown.drain-period=20s) ;;
    *) echo "unknown round ${round}" >&2; exit 2 ;;
  esac
  echo "=== ${round} ($(date -u +%H:%M:%S))" >&2
  start_node a 8081 "${CLUSTER[@]}" --sse.cluster.node-id=a "${DRAIN[@]}"
  A=${NODE_PID}
  start_node b 8082 "${CLUSTER[@]}" --sse.cluster.node-id=b "${DRAIN[@]}"
  "${JAVA}" -Xmx1g -cp "${CP}" dev.sseboot.benchmarks.LoadDriver --name "${round}" --ports 8081,8082 \
    --path '/sse?token={token}' --trigger bench --stats none --connected-event true --resume true --auth true \
    --pid "${A}" --scenarios drain --kill-pid "${NODE_PID}" --kill-port 8082 --kill-signal "${SIGNAL}" \
    --secret "${SECRET}" --scale "${SCALE}" --revision "${REVISION}" --out "results/raw/drain-${round}.json" \
    || echo "driver for ${round} failed" >&2
  stop_all
  cp "${RUN}/a.log" "results/raw/drain-${round}-a.log"
  cp "${RUN}/b.log" "results/raw/drain-${round}-b.log"
  delete_keys "{${PREFIX}}*"
  sleep 2
done

"${JAVA}" -cp "${CP}" dev.sseboot.benchmarks.LoadDriver --drain-report results
