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
