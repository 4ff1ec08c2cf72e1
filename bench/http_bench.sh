#!/usr/bin/env bash
# HTTP benchmark: wrk on loopback against proprio serve's
#   GET /v1/carriers/1/customers/{id}   (session token; random customers, each
#                                        read recorded in the ledger, durably,
#                                        before the answer; bench/customer_wrk.lua)
# beside nginx serving one customer's response body as a static file, in the
# same run. wrk is closed-loop (each connection sends its next request when the
# answer arrives), so its latencies are those of a saturated server at that
# concurrency, not of an open arrival rate.
# Target (issue 3): >= 50% of nginx's requests/s, p99 < 5 ms at 64 connections.
#
#   bench/http_bench.sh [--record]      --record appends the figures to bench/RESULTS.md
# Environment: BUILD (default build/release), DURATION (10s), CONNECTIONS (64),
# THREADS (2), ROUNDS (3), CUSTOMERS (10000), BENCH_DIR (default /var/tmp, a real disk), SERVE_ARGS
# (extra options for proprio serve, e.g. "--workers 4").
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD=${BUILD:-build/release}
DURATION=${DURATION:-10s}
CONNECTIONS=${CONNECTIONS:-64}
THREADS=${THREADS:-2}
ROUNDS=${ROUNDS:-3}
CUSTOMERS=${CUSTOMERS:-10000}
record=false
[[ ${1:-} == --record ]] && record=true
bin=$BUILD/src/cli/proprio
[[ -x $bin ]] || { echo "bench/http_bench.sh: build first (make build)" >&2; exit 1; }
for tool in wrk nginx curl; do
  command -v $tool >/dev/null || { echo "bench/http_bench.sh: needs $tool: scripts/setup --bench" >&2; exit 1; }
done

work=$(mktemp -d "${BENCH_DIR:-/var/tmp}/proprio-http-bench.XXXXXX")
chmod 755 "$work"
proprio_port=18480
nginx_port=18481
serve_pid=
cleanup() {
  [[ -n $serve_pid ]] && kill -TERM "$serve_pid" 2>/dev/null && wait "$serve_pid" 2>/dev/null || true
  [[ -f $work/nginx/nginx.pid ]] && nginx -p "$work/nginx" -c "$work/nginx/nginx.conf" -s stop 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

db=$work/proprio.db
$bin --db "$db" init >/dev/null
$bin --db "$db" demo --customers "$CUSTOMERS" >/dev/null
$bin --db "$db" serve --listen 127.0.0.1:$proprio_port --quiet ${SERVE_ARGS:-} >"$work/serve.out" 2>"$work/serve.log" &
serve_pid=$!
for _ in $(seq 50); do curl -sf http://127.0.0.1:$proprio_port/readyz >/dev/null && break; sleep 0.1; done
token=$(curl -sf -X POST http://127.0.0.1:$proprio_port/v1/sessions -H 'Content-Type: application/json' \
  -d '{"login":"alicia.gomez","password":"proprio-demo-2013"}' | sed -E 's/.*"token":"([^"]+)".*/\1/')
path=/v1/carriers/1/customers/42

# nginx serves the very body proprio answers with.
mkdir -p "$work/nginx/www" "$work/nginx/tmp"
curl -sf "http://127.0.0.1:$proprio_port$path" -H "Authorization: Bearer $token" >"$work/nginx/www/customer.json"
chmod -R a+rX "$work/nginx"
sed -e "s|@PREFIX@|$work/nginx|g" -e "s|@PORT@|$nginx_port|g" bench/nginx.conf >"$work/nginx/nginx.conf"
nginx -p "$work/nginx" -c "$work/nginx/nginx.conf"
for _ in $(seq 50); do curl -sf http://127.0.0.1:$nginx_port/customer.json >/dev/null && break; sleep 0.1; done

export PROPRIO_TOKEN=$token CUSTOMERS
run_wrk() {  # url [header]   (with a header: proprio, random customers)
  if [[ -n ${2:-} ]]; then
    wrk -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" --latency -s bench/customer_wrk.lua "$1"
  else
    wrk -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" --latency "$1"
  fi
}
load=$(cut -d' ' -f1-3 /proc/loadavg)
# Warm both up, then measure.
DURATION=2s run_wrk "http://127.0.0.1:$proprio_port" "Authorization: Bearer $token" >/dev/null
DURATION=2s run_wrk "http://127.0.0.1:$nginx_port/customer.json" >/dev/null
rps() { awk '/^Requests\/sec/ {print $2}' <<<"$1"; }
p99() { awk '$1 == "99%" {print $2}' <<<"$1"; }
p50() { awk '$1 == "50%" {print $2}' <<<"$1"; }
non2xx() { awk '/Non-2xx/ {n = $NF} END {print n + 0}' <<<"$1"; }
ms() {  # wrk latency ("812.00us", "1.23ms", "1.02s") in ms
  awk -v v="$1" 'BEGIN { n = v + 0; if (v ~ /us$/) n /= 1000; else if (v ~ /ms$/) n += 0; else if (v ~ /s$/) n *= 1000; printf "%.2f", n }'
}
# The two servers take turns, ROUNDS times: this machine's speed drifts by
# tens of percent over minutes, so each ratio compares neighbours in time.
rounds=""
ratios=()
worst_p99=0
for round in $(seq "$ROUNDS"); do
  proprio_out=$(run_wrk "http://127.0.0.1:$proprio_port" "Authorization: Bearer $token")
  nginx_out=$(run_wrk "http://127.0.0.1:$nginx_port/customer.json")
  echo "== round $round: proprio =="; echo "$proprio_out"
  echo "== round $round: nginx =="; echo "$nginx_out"
  p_rps=$(rps "$proprio_out"); n_rps=$(rps "$nginx_out")
  ratio=$(awk -v a="$p_rps" -v b="$n_rps" 'BEGIN { printf "%.0f", 100 * a / b }')
  ratios+=("$ratio")
  p_p99=$(ms "$(p99 "$proprio_out")")
  worst_p99=$(awk -v a="$worst_p99" -v b="$p_p99" 'BEGIN { print (b > a) ? b : a }')
  rounds+="
  - round $round: proprio $p_rps req/s (p50 $(ms "$(p50 "$proprio_out")") ms, p99 $p_p99 ms, non-2xx $(non2xx "$proprio_out")); nginx $n_rps req/s (p50 $(ms "$(p50 "$nginx_out")") ms, p99 $(ms "$(p99 "$nginx_out")") ms): ${ratio}%"
done
median_ratio=$(printf '%s\n' "${ratios[@]}" | sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }')
# Entries of type cpni.accessed, in the open tail and in sealed blocks alike.
accesses=$(python3 - "$db" <<'PY' 2>/dev/null || echo "?"
import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
n = sum(row[0].count(b'cpni.accessed') for row in db.execute('SELECT entry FROM ledger_entries'))
n += sum(row[0].count(b'cpni.accessed') for row in db.execute('SELECT entries FROM ledger_blocks'))
print(n)
PY
)

summary=$(cat <<TXT
### $(date -u +%Y-%m-%dT%H:%M:%SZ) HTTP: GET customer (session token, CPNI read recorded) vs nginx static file
- machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'); commit $(git rev-parse --short HEAD 2>/dev/null || echo '?'); load average before the run $load; wrk and both servers share the machine
- command: \`bench/http_bench.sh\` (wrk -t$THREADS -c$CONNECTIONS -d$DURATION --latency, closed loop, $ROUNDS rounds taking turns; SQLite demo database, $CUSTOMERS customers, proprio reads them at random; nginx $(nginx -v 2>&1 | sed 's/.*\///') serves one customer's body, $(wc -c <"$work/nginx/www/customer.json") bytes, as a static file)$rounds
- proprio / nginx, median of the rounds: **${median_ratio}%** of requests/s (target >= 50%); worst proprio p99 **$worst_p99 ms** (target < 5 ms); cpni.accessed entries in the ledger afterwards: $accesses
TXT
)
echo
echo "$summary"
if $record; then
  [[ -f bench/RESULTS.md ]] || printf '# Benchmark results\n\nEach entry: the command, the figures, and the baseline measured in the same run.\n' >bench/RESULTS.md
  printf '\n%s\n' "$summary" >>bench/RESULTS.md
  echo "(appended to bench/RESULTS.md)"
fi
