#!/usr/bin/env bash
# What the starter's meters cost: broadcast deliveries/s and p99 at 10 000 streams with
# sse.metrics.enabled=true against false, both with a Prometheus registry scraped every
# second as Prometheus would, in alternating pairs on the same machine, with quick.sh's scenario
# (N streams, a burst of B broadcasts, then 10 broadcasts/s). Writes
# results/metrics-cost.md.
#
#   benchmarks/metrics-cost.sh              # 3 pairs, 10 000 streams, bursts of 400
#   PAIRS=1 STREAMS=2000 benchmarks/metrics-cost.sh
set -euo pipefail
cd "$(dirname "$0")"
PAIRS=${PAIRS:-3}
STREAMS=${STREAMS:-10000}
BURST=${BURST:-400}
OUT=target/metrics-cost

run() {
  local mode=$1 pair=$2
  local scraper=""
  if [[ "${SCRAPE:-1}" == 1 ]]; then
    # Both sides scraped, as Prometheus would: the registry and its other meters are there
    # either way; only the starter's meters differ.
    (while sleep 1; do
      curl -s -o /dev/null -w '%{time_total} %{size_download}\n' http://127.0.0.1:8090/actuator/prometheus || true
    done) >"${OUT}/${mode}-${pair}.scrapes" &
    scraper=$!
  fi
  BENCH_METRICS=$([[ "${mode}" == on ]] && echo true || echo false) ./quick.sh starter "${STREAMS},${BURST}" \
    >"${OUT}/${mode}-${pair}.txt"
  [[ -n "${scraper}" ]] && kill "${scraper}" 2>/dev/null || true
  cp target/quick/starter.json "${OUT}/${mode}-${pair}.json"
  echo "pair ${pair}, meters ${mode}: $(grep -o '"deliveries_per_s": *[0-9.]*' "${OUT}/${mode}-${pair}.json" | head -1)"
}

# SUMMARY_ONLY=1 writes the table again from the last run's figures.
if [[ "${SUMMARY_ONLY:-0}" != 1 ]]; then
rm -rf "${OUT}"
mkdir -p "${OUT}"
for pair in $(seq 1 "${PAIRS}"); do
  # Alternating order, so that neither side always runs on a warmer machine.
  if (( pair % 2 )); then run on "${pair}"; run off "${pair}"; else run off "${pair}"; run on "${pair}"; fi
done
fi

python3 - "${OUT}" "${STREAMS}" "${BURST}" >results/metrics-cost.md <<'PY'
import glob, json, os, statistics, sys
out, streams, burst = sys.argv[1], sys.argv[2], sys.argv[3]
def figures(mode):
    rows = []
    for path in sorted(glob.glob(os.path.join(out, mode + '-*.json'))):
        results = json.load(open(path))
        burst_row = results['burst_' + streams]
        paced = results['latency_' + streams]
        rows.append((burst_row['deliveries_per_s'], burst_row['p99_ms'], paced['p99_ms'], burst_row['lost']))
    return rows
on, off = figures('on'), figures('off')
print('# Cost of the meters: broadcast at %s streams, meters on against off\n' % streams)
print('`benchmarks/metrics-cost.sh`: the starter with `sse.metrics.enabled=true` and `false`, both with')
print('a Prometheus registry whose `/actuator/prometheus` is scraped every second, in alternating pairs, each a fresh')
print('server: %s streams, a burst of %s broadcasts, then 10 broadcasts/s.\n' % (streams, burst))
print('| pair | on: deliveries/s | off: deliveries/s | on / off | on: burst p99 ms | off: burst p99 ms | on: paced p99 ms | off: paced p99 ms |')
print('|---|---|---|---|---|---|---|---|')
for i, (a, b) in enumerate(zip(on, off), 1):
    print('| %d | %.0f | %.0f | %.2f | %.0f | %.0f | %.1f | %.1f |' % (i, a[0], b[0], a[0] / b[0], a[1], b[1], a[2], b[2]))
ratios = [a[0] / b[0] for a, b in zip(on, off)]
mean_ratio = statistics.mean(a[0] for a in on) / statistics.mean(b[0] for b in off)
print('\nOn / off: median of the pairs **%.2f**, mean deliveries/s with meters over mean without **%.2f**'
      % (statistics.median(ratios), mean_ratio))
print('(target ≥ 0.95). Single bursts vary by far more than the meters cost (pairs from %.2f to %.2f),'
      % (min(ratios), max(ratios)))
print('so only the aggregate over several pairs says anything. Events lost: %d with meters, %d without.'
      % (sum(a[3] for a in on), sum(b[3] for b in off)))
PY
cat results/metrics-cost.md
