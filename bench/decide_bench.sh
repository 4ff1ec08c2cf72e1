#!/usr/bin/env bash
# Decisions: the in-memory path against its two baselines in one run, then
# over HTTP.
#   1. bench/decide_bench (Google Benchmark, release build): 1M customers in
#      the approval index (loaded from SQLite): single-decision latency p50/p99,
#      batch decisions/s on one core, index bytes per customer; baseline 1:
#      one indexed SQLite query per decision (same questions, same process).
#   2. Cedar (bench/cedar: @cedar-policy/cedar-wasm under Node, policies
#      preparsed, statefulIsAuthorized) answering the questions decide_bench
#      wrote, which must agree with every answer given by rules::Decide.
#   3. HTTP: proprio serve on loopback, wrk with keep-alive POSTing decisions
#      (one per request, and batches), each decision logged before the answer.
# Targets (issues 4, 14, 23): p50 <= 0.25 us, p99 <= 1 us at 1M customers, batch >= 1M decisions/s,
# index <= 200 bytes per customer, >= 10x Cedar's decisions/s, HTTP >= 50k
# decisions/s.
#
#   bench/decide_bench.sh [--record]    --record appends to bench/RESULTS.md
# Environment: BUILD (default build/release), BENCH_DIR (/var/tmp),
# CEDAR_QUESTIONS (200000), HTTP_CUSTOMERS (100000), DURATION (10s),
# CONNECTIONS (64), THREADS (2), BATCH (100).
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD=${BUILD:-build/release}
CEDAR_QUESTIONS=${CEDAR_QUESTIONS:-200000}
HTTP_CUSTOMERS=${HTTP_CUSTOMERS:-100000}
DURATION=${DURATION:-10s}
CONNECTIONS=${CONNECTIONS:-64}
THREADS=${THREADS:-2}
BATCH=${BATCH:-100}
record=false
[[ ${1:-} == --record ]] && record=true
bench=$BUILD/bench/decide_bench
bin=$BUILD/src/cli/proprio
[[ -x $bench && -x $bin ]] || { echo "bench/decide_bench.sh: build first (make build)" >&2; exit 1; }
for tool in node npm wrk curl; do
  command -v $tool >/dev/null || { echo "bench/decide_bench.sh: needs $tool (scripts/setup --bench; nodejs, npm)" >&2; exit 1; }
done
[[ -d bench/cedar/node_modules/@cedar-policy/cedar-wasm ]] ||
  (cd bench/cedar && npm ci --no-audit --no-fund >/dev/null)

work=$(mktemp -d "${BENCH_DIR:-/var/tmp}/proprio-decide-bench.XXXXXX")
serve_pid=
cleanup() {
  [[ -n $serve_pid ]] && kill -TERM "$serve_pid" 2>/dev/null && wait "$serve_pid" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

echo "== 1. decide_bench (1M customers in memory; baseline: one SQLite query per decision) =="
PROPRIO_BENCH_DIR=$work PROPRIO_CEDAR_QUESTIONS=$work/questions.jsonl PROPRIO_CEDAR_COUNT=$CEDAR_QUESTIONS \
  $bench --benchmark_min_time=3 --benchmark_counters_tabular=true \
  --benchmark_out=$work/decide.json --benchmark_out_format=json | tee $work/decide.txt

echo "== 2. Cedar on the same questions =="
cedar_out=$(node bench/cedar/decide.js $work/questions.jsonl)
echo "$cedar_out"

echo "== 3. HTTP: proprio serve, wrk -t$THREADS -c$CONNECTIONS -d$DURATION, keep-alive =="
db=$work/proprio.db
port=18490
$bin --db "$db" init >/dev/null
$bin --db "$db" demo --customers "$HTTP_CUSTOMERS" >/dev/null
$bin --db "$db" serve --listen 127.0.0.1:$port --quiet >"$work/serve.out" 2>"$work/serve.log" &
serve_pid=$!
for _ in $(seq 100); do curl -sf http://127.0.0.1:$port/readyz >/dev/null && break; sleep 0.1; done
token=$(curl -sf -X POST http://127.0.0.1:$port/v1/sessions -H 'Content-Type: application/json' \
  -d '{"login":"alicia.gomez","password":"proprio-demo-2013"}' | sed -E 's/.*"token":"([^"]+)".*/\1/')
export PROPRIO_TOKEN=$token CUSTOMERS=$HTTP_CUSTOMERS
# The index loads in the background; wait until a decision comes from it.
sleep 3
run_wrk() {  # batch
  DECISION_BATCH=$1 wrk -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" --latency -s bench/decide_wrk.lua \
    "http://127.0.0.1:$port"
}
DECISION_BATCH=1 wrk -t"$THREADS" -c"$CONNECTIONS" -d2s -s bench/decide_wrk.lua "http://127.0.0.1:$port" >/dev/null
single_out=$(run_wrk 1)
batch_out=$(run_wrk "$BATCH")
echo "-- one decision per request"; echo "$single_out"
echo "-- $BATCH decisions per request"; echo "$batch_out"
logged=$(sqlite3 "$db" "SELECT COUNT(*) FROM decisions" 2>/dev/null || echo "?")

python3 - "$work/decide.json" "$cedar_out" "$single_out" "$batch_out" "$BATCH" "$logged" >"$work/summary.md" <<'PY'
import json, re, sys
bench = {b['name']: b for b in json.load(open(sys.argv[1]))['benchmarks']}
cedar = json.loads(sys.argv[2])
def wrk(text):
    rps = float(re.search(r'Requests/sec:\s+([\d.]+)', text).group(1))
    lat = dict(re.findall(r'^\s+(50|99)%\s+(\S+)', text, re.M))
    non2xx = re.search(r'Non-2xx or 3xx responses: (\d+)', text)
    return rps, lat, int(non2xx.group(1)) if non2xx else 0
def named(prefix):
    return [b for n, b in bench.items() if n.startswith(prefix)][0]
single = named('BM_DecideSingle')
batch = [b for n, b in bench.items() if n.startswith('BM_DecideBatch')][0]
sql = named('BM_SqliteQueryPerDecision')
mem = [b for n, b in bench.items() if n.startswith('BM_IndexMemory')][0]
s_rps, s_lat, s_bad = wrk(sys.argv[3])
b_rps, b_lat, b_bad = wrk(sys.argv[4])
n = int(sys.argv[5])
ours = batch['items_per_second']
print(f"- in memory, 1M customers (index loaded from SQLite in {mem['load_s']:.1f} s):")
print(f"  - single decision through DecisionService::Evaluate: p50 {single['p50_ns']/1000:.2f} us, p99 {single['p99_ns']/1000:.2f} us, p99.9 {single['p999_ns']/1000:.2f} us; {single['items_per_second']/1e6:.2f}M/s (targets p50 <= 0.25 us, p99 <= 1 us)")
print(f"  - batch of 1024, one core: {ours/1e6:.2f}M decisions/s (target >= 1M/s)")
catch = named('BM_CatchUpAfterOneChange')
print(f"  - index catch-up after one consent change (its write not timed): mean {catch['real_time']:.0f} {catch['time_unit']} over {catch['iterations']} changes")
print(f"  - index: {mem['index_bytes_per_customer']:.0f} bytes per customer (entries and page table; target <= 200); resident memory added by the load: {mem['rss_bytes_per_customer']:.0f} bytes per customer")
print(f"- baseline 1, one indexed SQLite query per decision (customer joined with its approval events, folded, decided; connection warmed first): p50 {sql['p50_ns']/1000:.2f} us, p99 {sql['p99_ns']/1000:.2f} us; {sql['items_per_second']/1e3:.0f}k decisions/s -> in-memory batch is {ours/sql['items_per_second']:.0f}x")
print(f"- baseline 2, Cedar ({cedar['engine']}, policies preparsed, statefulIsAuthorized, bench/cedar/cpni.cedar): {cedar['decisions_per_second']:,} decisions/s, p50 {cedar['p50_ns']/1000:.1f} us, p99 {cedar['p99_ns']/1000:.1f} us over {cedar['decisions']:,} questions, {cedar['mismatches']} answers differing from rules::Decide -> in-memory batch is {ours/cedar['decisions_per_second']:.0f}x Cedar (target >= 10x), single decisions {single['items_per_second']/cedar['decisions_per_second']:.0f}x")
print(f"- HTTP, keep-alive, every decision logged (group commit) before the answer:")
print(f"  - one decision per request: {s_rps:,.0f} decisions/s, p50 {s_lat.get('50')}, p99 {s_lat.get('99')}, non-2xx {s_bad}")
print(f"  - {n} decisions per request: {b_rps*n:,.0f} decisions/s ({b_rps:,.0f} requests/s), p50 {b_lat.get('50')}, p99 {b_lat.get('99')}, non-2xx {b_bad} (target >= 50k decisions/s)")
print(f"  - decisions in the log afterwards: {sys.argv[6]}")
PY
header="### $(date -u +%Y-%m-%dT%H:%M:%SZ) Decisions: in-memory index vs one SQLite query per decision vs Cedar; HTTP"
machine="- machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), load average $(cut -d' ' -f1-3 /proc/loadavg) at the end (other work shares it); commit $(git rev-parse --short HEAD 2>/dev/null || echo '?'); wrk, the server and its writer share the machine"
command="- command: \`bench/decide_bench.sh\` (decide_bench --benchmark_min_time=3; node bench/cedar/decide.js on $CEDAR_QUESTIONS of the same questions; wrk -t$THREADS -c$CONNECTIONS -d$DURATION -s bench/decide_wrk.lua, demo database of $HTTP_CUSTOMERS customers)"
summary=$(printf '%s\n%s\n%s\n%s\n' "$header" "$machine" "$command" "$(cat $work/summary.md)")
echo
echo "$summary"
if $record; then
  [[ -f bench/RESULTS.md ]] || printf '# Benchmark results\n\nEach entry: the command, the figures, and the baseline measured in the same run.\n' >bench/RESULTS.md
  printf '\n%s\n' "$summary" >>bench/RESULTS.md
  echo "(appended to bench/RESULTS.md)"
fi
