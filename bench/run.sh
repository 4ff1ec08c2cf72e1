#!/usr/bin/env bash
# Runs the foundation benchmarks on the release build, each beside its
# baseline in the same run, and prints the figures bench/RESULTS.md records.
#   bench/run.sh            everything
#   bench/run.sh import     one of: import, ledger, decide, campaign
# Databases go to $PROPRIO_BENCH_DIR (default /var/tmp, a real disk).
set -euo pipefail
cd "$(dirname "$0")/.."
bin=build/release/bench
[[ -x $bin/import_bench ]] || { echo "bench/run.sh: build first: make build" >&2; exit 1; }
what=${1:-all}

echo "# $(date -u +%Y-%m-%dT%H:%M:%SZ) on $(nproc) cores: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')"

if [[ $what == all || $what == import ]]; then
  echo "## import: CSV -> SQLite, 1M customers, durable at the end (baseline: raw SQLite inserts of the same rows)"
  $bin/import_bench --benchmark_counters_tabular=true
fi

if [[ $what == all || $what == ledger ]]; then
  echo "## ledger: append with group commit (baseline: one commit per append, wall clock), verify warm and cold (baseline: openssl speed on as many cores)"
  $bin/ledger_bench --benchmark_counters_tabular=true --benchmark_format=console \
    --benchmark_out=/tmp/proprio-ledger-bench.json --benchmark_out_format=json
  # The verifier hashes on every core: compare it with openssl on every core.
  echo "## openssl speed -evp sha256 -multi $(nproc)"
  openssl speed -evp sha256 -seconds 3 -multi "$(nproc)" 2>/dev/null | tail -1 | tee /tmp/proprio-openssl-speed.txt
  python3 - <<'PY'
import json
bench = json.load(open('/tmp/proprio-ledger-bench.json'))
line = open('/tmp/proprio-openssl-speed.txt').read().strip().split()
# -multi prints "evp <16> <64> <256> <1024> <8192> <16384>" in kB/s, summed over the processes.
values = [float(x.rstrip('k')) for x in line if x.rstrip('k').replace('.', '', 1).isdigit()][-6:]
sizes = [16, 64, 256, 1024, 8192, 16384]
figures = dict(zip(sizes, [v * 1000 / 1e6 for v in values]))
for name in ('BM_Verify/', 'BM_VerifyCold/'):
    verify = [b for b in bench['benchmarks'] if b['name'].startswith(name)][0]
    ours = verify['bytes_per_second'] / 1e6
    label = 'verify, warm (file in the page cache)' if name == 'BM_Verify/' else 'verify, cold (file dropped from the page cache)'
    print(f"{label}: {ours:.0f} MB/s of ledger bytes")
    for size in (256, 16384):
        print(f"  = {100 * ours / figures[size]:.0f}% of openssl sha256 on the same cores at {size}-byte blocks ({figures[size]:.0f} MB/s)")
PY
fi

if [[ $what == all || $what == decide ]]; then
  echo "## decisions: in-memory index (1M customers) vs one SQLite query per decision vs Cedar; HTTP (bench/decide_bench.sh)"
  BUILD=build/release bench/decide_bench.sh
fi

if [[ $what == all || $what == campaign ]]; then
  echo "## campaign audience: 10M customers from the approval index on 2 threads vs one SQLite query per customer (200k measured, scaled)"
  PROPRIO_BENCH_CUSTOMERS=10000000 PROPRIO_BENCH_SAMPLE=200000 \
    $bin/decide_bench --benchmark_filter='BM_IndexMemory|BM_CampaignAudience' --benchmark_counters_tabular=true
fi
