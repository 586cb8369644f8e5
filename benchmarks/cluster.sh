#!/usr/bin/env bash
# Cluster mode side by side on 127.0.0.1: two starter nodes sharing the Redis at
# 127.0.0.1:6379, one starter node on its own, and two nginx+nchan nodes sharing the same
# Redis (nchan's Redis mode); the same load generator and scenarios against each. Then the
# in-process figures: the publish rate through Redis and what Redis keeps per event and per
# stream. Writes results/cluster.md, results/cluster.json, results/cluster-publish.md and
# results/cluster-redis-memory.md.
#
#   ./mvnw -B -Pbenchmarks -pl benchmarks -am -DskipTests package
#   benchmarks/cluster.sh [scale] [server ...]
#
# scale multiplies every connection and event count (1 = 10 000 streams; 0.1 for a smoke
# run). Servers: single cluster nchan-cluster inprocess (default: all, in that order). Run it
# on an otherwise idle Redis: Redis's CPU and command counts are read server-wide.
set -euo pipefail
cd "$(dirname "$0")"

SCALE=${1:-1}
shift || true
SERVERS=${*:-single cluster nchan-cluster inprocess}
# shellcheck source=lib.sh
source lib.sh
cluster_bench cluster

cleanup() {
  stop_all
  for conf in "${RUN}"/nchan-*/nginx.pid; do [[ -f "${conf}" ]] && kill -9 "$(cat "${conf}")" 2>/dev/null || true; done
  delete_keys "{${PREFIX}}*"
  rm -rf "${RUN}"
}
trap cleanup EXIT INT TERM

start_nchan() { # name port; sets NODE_PID (nginx's master)
  mkdir -p "${RUN}/$1"
  sed -e "s#PREFIX#${RUN}/$1#g" -e "s#PORT#$2#g" peers/nchan/nginx-redis.conf.template >"${RUN}/$1/nginx.conf"
  nginx -c "${RUN}/$1/nginx.conf" -g 'daemon off;' >"${RUN}/$1.log" 2>&1 &
  NODE_PID=$!
  PIDS+=("${NODE_PID}")
  wait_port "$2" "${NODE_PID}"
}

drive() { # name ports path trigger connected-event auth pid [kill-pid kill-port]
  "${JAVA}" -Xmx1g -cp "${CP}" dev.sseboot.benchmarks.LoadDriver --name "$1" --ports "$2" --path "$3" \
    --trigger "$4" --stats none --connected-event "$5" --resume true --auth "$6" --pid "$7" \
    --scenarios cluster ${8:+--kill-pid "$8" --kill-port "$9"} --secret "${SECRET}" --scale "${SCALE}" \
    --revision "${REVISION}" --out "results/raw/$1.json" || echo "driver for $1 failed" >&2
}

CLUSTER=(--sse.cluster.type=redis --spring.data.redis.host=127.0.0.1 "--sse.cluster.redis.key-prefix=${PREFIX}")

for server in ${SERVERS}; do
  echo "=== ${server} ($(date -u +%H:%M:%S))" >&2
  case "${server}" in
    single)
      start_node single 8081
      drive single 8081 '/sse?token={token}' bench true true "${NODE_PID}" ;;
    cluster)
      start_node cluster-a 8081 "${CLUSTER[@]}" --sse.cluster.node-id=a
      A=${NODE_PID}
      start_node cluster-b 8082 "${CLUSTER[@]}" --sse.cluster.node-id=b
      drive cluster 8081,8082 '/sse?token={token}' bench true true "${A}" "${NODE_PID}" 8082 ;;
    nchan-cluster)
      # nchan keeps its channel (/all) in Redis across runs.
      delete_keys '{channel:/all}*'
      start_nchan nchan-a 8084
      A=${NODE_PID}
      start_nchan nchan-b 8087
      drive nchan-cluster 8084,8087 '/sub?user={user}' nchan false false "${A}" "${NODE_PID}" 8087 ;;
    inprocess)
      "${JAVA}" -Xmx2g -cp "${CP}" dev.sseboot.benchmarks.ClusterPublishRate 10 2>"${RUN}/publish.log" \
        | tee results/cluster-publish.md
      "${JAVA}" -Xmx2g -cp "${CP}" dev.sseboot.benchmarks.ClusterRedisMemory 2>"${RUN}/memory.log" \
        | tee results/cluster-redis-memory.md ;;
    *) echo "unknown server ${server}" >&2; exit 2 ;;
  esac
  stop_all
  delete_keys "{${PREFIX}}*"
  if [[ "${server}" == nchan-cluster ]]; then delete_keys '{channel:/all}*'; fi
  sleep 2
done

"${JAVA}" -cp "${CP}" dev.sseboot.benchmarks.LoadDriver --cluster-report results
