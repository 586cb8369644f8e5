#!/usr/bin/env bash
# Side-by-side SSE load runs: starts each server in turn on 127.0.0.1, runs the same
# scenarios against it with the NIO load generator, stops it, and writes
# results/benchmarks.md and results/benchmarks.json.
#
#   ./mvnw -B -Pbenchmarks -pl benchmarks -am -DskipTests package
#   benchmarks/run.sh [scale] [server ...]
#
# scale multiplies every connection and event count (1 = 19 000 streams; 0.05 for a smoke
# run). Servers: ours ours-tuned ours-jetty naive nchan better-sse raw (default: all, in that
# order); "ours" is the starter on Tomcat with Tomcat's own buffers, as an application gets
# it, and also measures the subscribe rate with RS256 tokens; "ours-tuned" the same with the
# buffer sizes the docs recommend for many idle streams; "ours-jetty" the starter's bench app
# on Jetty instead of Tomcat. STARTER_DIR=<a built benchmarks module>
# runs the starter's bench app from another checkout (e.g. a merge candidate).
set -euo pipefail
cd "$(dirname "$0")"

SCALE=${1:-1}
shift || true
SERVERS=${*:-ours ours-tuned ours-jetty naive nchan better-sse raw}
JAVA=${JAVA:-java}
STARTER_DIR=${STARTER_DIR:-.}
# shellcheck source=lib.sh
source lib.sh
CP=$(classpath . tomcat)
STARTER_CP=$(classpath "${STARTER_DIR}" tomcat)
STARTER_JETTY_CP=$(classpath "${STARTER_DIR}" jetty)
REVISION=$(git -C "${STARTER_DIR}" describe --always --dirty 2>/dev/null || echo "${STARTER_REVISION:-unknown}")
SECRET=bench-secret-bench-secret-bench-secret-0123
RUN=$(mktemp -d /tmp/sse-bench.XXXXXX)
mkdir -p results/raw
SERVER_PID=

stop_server() {
  if [[ -n "${SERVER_PID}" ]] && kill -0 "${SERVER_PID}" 2>/dev/null; then
    kill "${SERVER_PID}" 2>/dev/null || true
    for _ in $(seq 1 50); do kill -0 "${SERVER_PID}" 2>/dev/null || break; sleep 0.2; done
    kill -9 "${SERVER_PID}" 2>/dev/null || true
  fi
  SERVER_PID=
}
cleanup() {
  stop_server
  if [[ -f "${RUN}/nginx.pid" ]]; then kill "$(cat "${RUN}/nginx.pid")" 2>/dev/null || true; fi
  rm -rf "${RUN}"
}
trap cleanup EXIT INT TERM

drive() { # name port path trigger stats connected-event resume auth [runtime]
  # A driver that fails leaves its server out of the table; the other servers still run.
  "${JAVA}" -Xmx1g -cp "${CP}" dev.sseboot.benchmarks.LoadDriver --name "$1" --port "$2" --path "$3" \
    --trigger "$4" --stats "$5" --connected-event "$6" --resume "$7" --auth "$8" --runtime "${9:-jvm}" \
    --pid "${SERVER_PID}" --secret "${TOKEN_KEY:-${SECRET}}" --scale "${SCALE}" --revision "${REVISION}" \
    --out "results/raw/$1.json" ${ONLY:+--only "${ONLY}"} || echo "driver for $1 failed" >&2
}

JVM_SERVER=(-Xms3g -Xmx3g -XX:+AlwaysPreTouch -Xss512k)

for server in ${SERVERS}; do
  echo "=== ${server} ($(date -u +%H:%M:%S))" >&2
  case "${server}" in
    ours)
      "${JAVA}" "${JVM_SERVER[@]}" -cp "${STARTER_CP}" dev.sseboot.benchmarks.BenchApplication \
        --spring.profiles.active=starter --server.port=8081 >"${RUN}/ours.log" 2>&1 &
      SERVER_PID=$!; wait_port 8081 "${SERVER_PID}"
      drive ours 8081 '/sse?token={token}' bench bench true true true
      stop_server
      # Subscribe bursts on fresh servers, HS256 and then RS256 tokens checked against a
      # public key, each after the same warm-up, so that the two compare.
      "${JAVA}" "${JVM_SERVER[@]}" -cp "${STARTER_CP}" dev.sseboot.benchmarks.BenchApplication \
        --spring.profiles.active=starter --server.port=8081 >"${RUN}/ours-hs256.log" 2>&1 &
      SERVER_PID=$!; wait_port 8081 "${SERVER_PID}"
      ONLY=subscribe drive ours-hs256 8081 '/sse?token={token}' bench bench true true true
      stop_server
      openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "${RUN}/rsa.pem" 2>/dev/null
      openssl pkey -in "${RUN}/rsa.pem" -pubout -out "${RUN}/rsa.pub.pem"
      BENCH_RSA_PUBLIC_KEY="${RUN}/rsa.pub.pem" "${JAVA}" "${JVM_SERVER[@]}" -cp "${STARTER_CP}" \
        dev.sseboot.benchmarks.BenchApplication --spring.profiles.active=rs256 --server.port=8086 \
        >"${RUN}/ours-rs256.log" 2>&1 &
      SERVER_PID=$!
      if wait_port 8086 "${SERVER_PID}"; then
        TOKEN_KEY="rsa:${RUN}/rsa.pem" ONLY=subscribe drive ours-rs256 8086 '/sse?token={token}' bench bench true true true
      else
        echo "RS256 not measured: this starter build does not start with sse.security.jwt.public-key-location" >&2
        tail -5 "${RUN}/ours-rs256.log" >&2
      fi ;;
    ours-tuned)
      BENCH_RESPONSE_BUFFER=1KB BENCH_SOCKET_READ_BUFFER=1KB BENCH_SOCKET_WRITE_BUFFER=4KB \
        "${JAVA}" "${JVM_SERVER[@]}" -cp "${STARTER_CP}" dev.sseboot.benchmarks.BenchApplication \
        --spring.profiles.active=starter --server.port=8088 >"${RUN}/ours-tuned.log" 2>&1 &
      SERVER_PID=$!; wait_port 8088 "${SERVER_PID}"
      drive ours-tuned 8088 '/sse?token={token}' bench bench true true true ;;
    ours-jetty)
      "${JAVA}" "${JVM_SERVER[@]}" -cp "${STARTER_JETTY_CP}" dev.sseboot.benchmarks.BenchApplication \
        --spring.profiles.active=starter --server.port=8087 >"${RUN}/ours-jetty.log" 2>&1 &
      SERVER_PID=$!; wait_port 8087 "${SERVER_PID}"
      drive ours-jetty 8087 '/sse?token={token}' bench bench true true true
      stop_server
      "${JAVA}" "${JVM_SERVER[@]}" -cp "${STARTER_JETTY_CP}" dev.sseboot.benchmarks.BenchApplication \
        --spring.profiles.active=starter --server.port=8087 >"${RUN}/ours-jetty-hs256.log" 2>&1 &
      SERVER_PID=$!; wait_port 8087 "${SERVER_PID}"
      ONLY=subscribe drive ours-jetty-hs256 8087 '/sse?token={token}' bench bench true true true ;;
    naive)
      "${JAVA}" "${JVM_SERVER[@]}" -cp "${CP}" dev.sseboot.benchmarks.BenchApplication \
        --spring.profiles.active=naive --server.port=8082 >"${RUN}/naive.log" 2>&1 &
      SERVER_PID=$!; wait_port 8082 "${SERVER_PID}"
      REVISION=$(git describe --always --dirty 2>/dev/null || echo unknown)
      drive naive 8082 '/sse?token={token}' bench bench true false true ;;
    nchan)
      mkdir -p "${RUN}/nchan"
      sed -e "s#PREFIX#${RUN}/nchan#g" -e "s#PORT#8084#g" peers/nchan/nginx.conf.template >"${RUN}/nchan/nginx.conf"
      nginx -c "${RUN}/nchan/nginx.conf" -g 'daemon off;' >"${RUN}/nchan.log" 2>&1 &
      SERVER_PID=$!; wait_port 8084 "${SERVER_PID}"
      drive nchan 8084 '/sub?user={user}' nchan none false true false native ;;
    better-sse)
      if [[ ! -d peers/better-sse/node_modules/better-sse ]]; then
        npm --prefix peers/better-sse install --no-audit --no-fund >&2
      fi
      node --expose-gc peers/better-sse/server.js 8083 "${SECRET}" >"${RUN}/better-sse.log" 2>&1 &
      SERVER_PID=$!; wait_port 8083 "${SERVER_PID}"
      drive better-sse 8083 '/sse?token={token}' bench bench true false true node ;;
    raw)
      "${JAVA}" -Xms512m -Xmx512m -XX:+AlwaysPreTouch -cp "${CP}" dev.sseboot.benchmarks.RawFanoutServer 8085 \
        >"${RUN}/raw.log" 2>&1 &
      SERVER_PID=$!; wait_port 8085 "${SERVER_PID}"
      drive raw 8085 '/sse?user={user}' bench bench true false false ;;
    *) echo "unknown server ${server}" >&2; exit 2 ;;
  esac
  stop_server
  sleep 2
done

"${JAVA}" -cp "${CP}" dev.sseboot.benchmarks.LoadDriver --report results
