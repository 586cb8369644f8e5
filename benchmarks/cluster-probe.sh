#!/usr/bin/env bash
# Where a cluster's broadcast burst spends its time: 1 000 streams (spread over the nodes),
# bursts of 1 000 events, against one starter node or two in cluster mode on the Redis at
# 127.0.0.1:6379. Prints each node's write(2) calls and CPU ticks over the measured run.
#
#   benchmarks/cluster-probe.sh single|cluster
set -euo pipefail
cd "$(dirname "$0")"
PREFIX="probe-$$:"
RUN=$(mktemp -d /tmp/sse-probe.XXXXXX)
PIDS=()
# shellcheck source=lib.sh
source lib.sh
CP=$(classpath . tomcat)
trap 'kill "${PIDS[@]}" 2>/dev/null || true; sleep 2; redis-cli --scan --pattern "{${PREFIX}}*" | xargs -r redis-cli del >/dev/null; rm -rf "${RUN}"' EXIT

start() { # port [arguments...]
  java -Xms2g -Xmx2g -XX:+AlwaysPreTouch -Xss512k -cp "${CP}" dev.sseboot.benchmarks.BenchApplication \
    --spring.profiles.active=starter --server.port="$1" "${@:2}" >"${RUN}/$1.log" 2>&1 &
  PIDS+=($!)
  wait_port "$1" "$!"
}
snapshot() { # writes and CPU ticks of each node
  for pid in "${PIDS[@]}"; do
    echo "pid ${pid}: writes $(awk '/syscw/ {print $2}' "/proc/${pid}/io"), ticks $(awk '{print $14 + $15}' "/proc/${pid}/stat")"
  done
}
drive() { # quick-spec
  java -Xmx1g -cp "${CP}" dev.sseboot.benchmarks.LoadDriver --name probe --ports "${PORTS}" \
    --path '/sse?token={token}' --trigger bench --stats none --connected-event true --resume true --auth true \
    --pid "${PIDS[0]}" --quick "$1" --out "${RUN}/probe.json" 2>&1 | grep -E "burst_1000 " | cut -c1-160 || true
}

CLUSTER=(--sse.cluster.type=redis --spring.data.redis.host=127.0.0.1 "--sse.cluster.redis.key-prefix=${PREFIX}")
case "${1:-cluster}" in
  single) start 8081; PORTS=8081 ;;
  cluster) start 8081 "${CLUSTER[@]}"; start 8082 "${CLUSTER[@]}"; PORTS=8081,8082 ;;
  *) echo "single or cluster" >&2; exit 2 ;;
esac
drive 1000,400 >/dev/null   # warm-up
echo "before:"; snapshot
drive 1000,1000
echo "after:"; snapshot
