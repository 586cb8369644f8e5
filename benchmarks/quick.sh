#!/usr/bin/env bash
# A short tuning run against one server, for profiling rather than for the results table:
# open N streams, publish bursts of B events, optionally with M clients that stop reading,
# then 10 broadcasts/s for 5 s. Extra arguments go to the server's JVM, for example a
# flight recording:
#
#   benchmarks/quick.sh starter 10000,400                # N,B
#   benchmarks/quick.sh starter 10000,100,100            # N,B,M (M clients not reading)
#   benchmarks/quick.sh naive 10000,100 -XX:StartFlightRecording=filename=/tmp/naive.jfr
#   benchmarks/quick.sh raw 10000,100
#   benchmarks/quick.sh starter-jetty memory          # only the memory per stream of (a)
#   benchmarks/quick.sh starter subscribe             # only the subscribe burst of (e)
#
# Servers: starter, starter-jetty (the starter on Jetty), naive (the bench app's profiles)
# or raw. STARTER_DIR=<another built benchmarks module> runs the server of that checkout
# against this one's load driver, so that two starters meet the same client. Writes the
# figures to
# target/quick/<server>.json, the driver's log to target/quick/<server>.log, and, every
# half second, the server's write(2) calls and CPU ticks so far to
# target/quick/<server>.writes (columns: epoch seconds, syscw, utime+stime in ticks).
set -euo pipefail
cd "$(dirname "$0")"

SERVER=$1
SPEC=$2
shift 2
# shellcheck source=lib.sh
source lib.sh
STARTER_DIR=${STARTER_DIR:-.}
CP=$(classpath . tomcat)
SERVER_CP=$(classpath "${STARTER_DIR}" tomcat)
PROFILE=${SERVER}
if [[ "${SERVER}" == starter-jetty ]]; then
  SERVER_CP=$(classpath "${STARTER_DIR}" jetty)
  PROFILE=starter
fi
case "${SPEC}" in
  memory|subscribe) SCENARIO=(--only "${SPEC}") ;;
  *) SCENARIO=(--quick "${SPEC}") ;;
esac
OUT=target/quick
mkdir -p "${OUT}"
PORT=8090
SECRET=bench-secret-bench-secret-bench-secret-0123
if [[ "${SERVER}" == raw ]]; then
  java -Xms512m -Xmx512m -cp "${CP}" "$@" dev.sseboot.benchmarks.RawFanoutServer "${PORT}" >"${OUT}/${SERVER}-server.log" 2>&1 &
  PATH_TEMPLATE='/sse?user={user}'
  AUTH=false
else
  java -Xms3g -Xmx3g -XX:+AlwaysPreTouch -Xss512k "$@" -cp "${SERVER_CP}" dev.sseboot.benchmarks.BenchApplication \
    --spring.profiles.active="${PROFILE}" --server.port="${PORT}" >"${OUT}/${SERVER}-server.log" 2>&1 &
  PATH_TEMPLATE='/sse?token={token}'
  AUTH=true
fi
SERVER_PID=$!
trap 'kill "${SERVER_PID}" 2>/dev/null && wait "${SERVER_PID}" 2>/dev/null || true' EXIT INT TERM
(while kill -0 "${SERVER_PID}" 2>/dev/null; do
  echo "$(date +%s.%N | cut -c1-14) $(awk '/^syscw/ {print $2}' "/proc/${SERVER_PID}/io") $(awk '{print $14 + $15}' "/proc/${SERVER_PID}/stat")"
  sleep 0.5
done) >"${OUT}/${SERVER}.writes" 2>/dev/null &
for _ in $(seq 1 300); do
  (echo >"/dev/tcp/127.0.0.1/${PORT}") 2>/dev/null && break
  sleep 0.2
done
java -Xmx1g -cp "${CP}" dev.sseboot.benchmarks.LoadDriver --name "${SERVER}" --port "${PORT}" --path "${PATH_TEMPLATE}" \
  --trigger bench --stats bench --connected-event true --resume "${AUTH}" --auth "${AUTH}" --runtime jvm \
  --pid "${SERVER_PID}" --secret "${SECRET}" --scale 1 --revision quick --out "${OUT}/${SERVER}.json" \
  "${SCENARIO[@]}" 2>"${OUT}/${SERVER}.log" >/dev/null
grep -E '^\[[^]]*\] [a-z_0-9]+ \{' "${OUT}/${SERVER}.log" | cut -c1-240
