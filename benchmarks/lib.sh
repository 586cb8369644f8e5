# Shell helpers the benchmark scripts source.

# wait_port PORT PID: waits until something listens on 127.0.0.1:PORT, or fails once
# process PID has exited or two minutes have passed.
wait_port() {
  for _ in $(seq 1 600); do
    if (echo >"/dev/tcp/127.0.0.1/$1") 2>/dev/null; then return 0; fi
    if ! kill -0 "$2" 2>/dev/null; then break; fi
    sleep 0.2
  done
  echo "server on port $1 did not start" >&2
  return 1
}

# Both servers' jars are in target/lib, and Boot would pick Jetty with both on the class
# path: classpath MODULE-DIR SERVER prints the class path of a benchmarks module with only
# that server's jars (tomcat or jetty).
classpath() {
  local leave_out='spring-boot-jetty|spring-boot-starter-jetty|jetty-'
  if [[ "$2" == jetty ]]; then leave_out='spring-boot-tomcat|spring-boot-starter-tomcat|tomcat-embed-'; fi
  echo "$1/target/classes:$(find "$1/target/lib" -name '*.jar' | grep -Ev "/(${leave_out})[^/]*\.jar$" | sort | tr '\n' ':')"
}

# cluster_bench NAME: what the cluster scripts share: JAVA, REVISION, SECRET, RUN (a
# scratch folder), PREFIX (their Redis keys), PIDS (the processes to stop) and CP (the class
# path, Tomcat); fails unless Redis answers on 127.0.0.1:6379.
cluster_bench() {
  JAVA=${JAVA:-java}
  REVISION=$(git describe --always --dirty 2>/dev/null || echo unknown)
  SECRET=bench-secret-bench-secret-bench-secret-0123
  RUN=$(mktemp -d "/tmp/sse-$1-bench.XXXXXX")
  PREFIX="bench-$1-$$:"
  PIDS=()
  CP=$(classpath . tomcat)
  mkdir -p results/raw
  if ! redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1; then
    echo "$1.sh needs Redis on 127.0.0.1:6379" >&2
    exit 1
  fi
}

# Starter nodes for the cluster scripts (after cluster_bench).

# start_node NAME PORT [ARGUMENTS...]: starts the bench app (profile starter) on PORT, its
# log in RUN/NAME.log, and waits for it to listen; sets NODE_PID.
start_node() {
  "${JAVA}" -Xms2g -Xmx2g -XX:+AlwaysPreTouch -Xss512k -cp "${CP}" dev.sseboot.benchmarks.BenchApplication \
    --spring.profiles.active=starter --server.port="$2" "${@:3}" >"${RUN}/$1.log" 2>&1 &
  NODE_PID=$!
  PIDS+=("${NODE_PID}")
  wait_port "$2" "${NODE_PID}"
}

# stop_all: SIGTERM to every process in PIDS, SIGKILL to those still there after 10 s.
stop_all() {
  for pid in "${PIDS[@]}"; do kill "${pid}" 2>/dev/null || true; done
  for pid in "${PIDS[@]}"; do
    for _ in $(seq 1 50); do kill -0 "${pid}" 2>/dev/null || break; sleep 0.2; done
    kill -9 "${pid}" 2>/dev/null || true
  done
  PIDS=()
}

# delete_keys PATTERN: deletes the keys of the Redis at 127.0.0.1:6379 that match.
delete_keys() {
  redis-cli -h 127.0.0.1 --scan --pattern "$1" | xargs -r redis-cli -h 127.0.0.1 del >/dev/null
}
