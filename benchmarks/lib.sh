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
