#!/usr/bin/env bash
# Customer password checks through proprio serve (issue 5, item 10): how many
# telephone password steps per second the server verifies at the chosen
# argon2id cost, and what that load does to other requests.
#
#   POST /v1/carriers/1/verifications/{id}/steps {"kind":"password",...}   (argon2id)
#   GET  /v1/carriers/1/customers/42   (a CPNI read, recorded in the ledger)
#
# Three runs of $DURATION each: the GET alone (baseline), the checks alone,
# then both at once; the checks run on proprio's own hashing pool
# (PROPRIO_AUTH_HASH_THREADS, default cores/2), so the GET's latency under
# password load shows whether other requests starve.
#
#   bench/auth_http_bench.sh [--record]   --record appends the figures to bench/RESULTS.md
# Environment: BUILD (build/release), DURATION (10s), CHECK_CONNECTIONS (16),
# READ_CONNECTIONS (8), PROPRIO_ARGON2 (the cost; default the built-in one),
# PROPRIO_AUTH_HASH_THREADS, BENCH_DIR (/var/tmp).
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD=${BUILD:-build/release}
DURATION=${DURATION:-10s}
CHECK_CONNECTIONS=${CHECK_CONNECTIONS:-16}
READ_CONNECTIONS=${READ_CONNECTIONS:-8}
record=false
[[ ${1:-} == --record ]] && record=true
bin=$BUILD/src/cli/proprio
[[ -x $bin ]] || { echo "bench/auth_http_bench.sh: build first (make build)" >&2; exit 1; }
for tool in wrk curl; do
  command -v $tool >/dev/null || { echo "bench/auth_http_bench.sh: needs $tool" >&2; exit 1; }
done

work=$(mktemp -d "${BENCH_DIR:-/var/tmp}/proprio-auth-bench.XXXXXX")
port=18490
serve_pid=
cleanup() {
  [[ -n $serve_pid ]] && kill -TERM "$serve_pid" 2>/dev/null && wait "$serve_pid" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

db=$work/proprio.db
password='Tangerine-Kayak-42'
$bin --db "$db" init >/dev/null
$bin --db "$db" demo --customers 1000 >/dev/null
# The demo's customers are imported (existing accounts): the password is set
# at service initiation for a customer opened now (47 CFR 64.2010(e)).
verified=$($bin --db "$db" --json customer add --carrier 1 --account BENCH-1 --name "Bench Customer" \
  --phone "(407) 555-0100" --street "1 Main St" --city Orlando --state FL --zip 32801 |
  python3 -c 'import json, sys; print(json.load(sys.stdin)["id"])')
printf '%s\n' "$password" | $bin --db "$db" auth password set --carrier 1 --customer "$verified" \
  --at-service-initiation --password-stdin >/dev/null
$bin --db "$db" serve --listen 127.0.0.1:$port --quiet >"$work/serve.out" 2>"$work/serve.log" &
serve_pid=$!
for _ in $(seq 50); do curl -sf http://127.0.0.1:$port/readyz >/dev/null && break; sleep 0.1; done
token=$(curl -sf -X POST http://127.0.0.1:$port/v1/sessions -H 'Content-Type: application/json' \
  -d '{"login":"alicia.gomez","password":"proprio-demo-2013"}' | sed -E 's/.*"token":"([^"]+)".*/\1/')
session=$(curl -sf -X POST http://127.0.0.1:$port/v1/carriers/1/verifications \
  -H "Authorization: Bearer $token" -H 'Content-Type: application/json' \
  -d '{"customer":'"$verified"',"channel":"phone","call_id":"bench"}' |
  python3 -c 'import json, sys; print(json.load(sys.stdin)["id"])')
cat >"$work/check.lua" <<LUA
wrk.method = "POST"
wrk.body = '{"kind":"password","password":"$password"}'
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer $token"
LUA
check_url=http://127.0.0.1:$port/v1/carriers/1/verifications/$session/steps
read_url=http://127.0.0.1:$port/v1/carriers/1/customers/42
first=$(curl -sf -X POST "$check_url" -H "Authorization: Bearer $token" \
  -H 'Content-Type: application/json' -d "{\"kind\":\"password\",\"password\":\"$password\"}")
[[ $first == *'"passed":true'* ]] ||
  { echo "bench/auth_http_bench.sh: the password step does not pass" >&2; exit 1; }

reads() { wrk -t1 -c"$READ_CONNECTIONS" -d"$DURATION" --latency -H "Authorization: Bearer $token" "$read_url"; }
checks() {
  wrk -t1 -c"$CHECK_CONNECTIONS" -d"$DURATION" --timeout 10s --latency -s "$work/check.lua" "$check_url"
}

rps() { awk '/^Requests\/sec/ {print $2}' <<<"$1"; }
pct() { awk -v p="$2" '$1 == p {print $2}' <<<"$1"; }
non2xx() { awk '/Non-2xx/ {n = $NF} END {print n + 0}' <<<"$1"; }
ms() {
  awk -v v="$1" 'BEGIN { n = v + 0; if (v ~ /us$/) n /= 1000; else if (v ~ /ms$/) n += 0; else if (v ~ /s$/) n *= 1000; printf "%.1f", n }'
}

DURATION=2s reads >/dev/null
read_alone=$(reads)
check_alone=$(checks)
checks >"$work/check_both.txt" &
check_pid=$!
sleep 1
read_both=$(reads)
wait $check_pid
check_both=$(cat "$work/check_both.txt")
threads=$(curl -sf http://127.0.0.1:$port/metrics | awk '/^proprio_auth_hash_threads/ {print $2}')
rejected=$(curl -sf http://127.0.0.1:$port/metrics | awk '/^proprio_auth_checks_rejected_total/ {print $2}')
cost=${PROPRIO_ARGON2:-m=65536,t=1,p=1 (the customer default)}

summary=$(cat <<TXT
### $(date -u +%Y-%m-%dT%H:%M:%SZ) HTTP: customer password checks (argon2id $cost) beside CPNI reads
- machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), load average $(cut -d' ' -f1-3 /proc/loadavg) (shared); commit $(git rev-parse --short HEAD 2>/dev/null || echo '?'); wrk and the server share the machine
- command: \`bench/auth_http_bench.sh\` (wrk -t1, $DURATION per run; checks: POST .../verifications/{id}/steps kind=password with $CHECK_CONNECTIONS connections; reads: GET .../customers/42 with $READ_CONNECTIONS connections); hashing pool: ${threads:-?} thread(s)
- baseline, reads alone: $(rps "$read_alone") req/s, p50 $(ms "$(pct "$read_alone" 50%)") ms, p99 $(ms "$(pct "$read_alone" 99%)") ms
- checks alone: $(rps "$check_alone") checks/s, p50 $(ms "$(pct "$check_alone" 50%)") ms, p99 $(ms "$(pct "$check_alone" 99%)") ms, non-2xx: $(non2xx "$check_alone")
- both at once: checks $(rps "$check_both")/s (p99 $(ms "$(pct "$check_both" 99%)") ms, non-2xx: $(non2xx "$check_both")); reads $(rps "$read_both") req/s, p50 $(ms "$(pct "$read_both" 50%)") ms, p99 $(ms "$(pct "$read_both" 99%)") ms; checks refused (503, queue full) in all: ${rejected:-?}
TXT
)
echo "== reads alone =="; echo "$read_alone"
echo "== checks alone =="; echo "$check_alone"
echo "== reads during checks =="; echo "$read_both"
echo "== checks during reads =="; echo "$check_both"
echo
echo "$summary"
if $record; then
  [[ -f bench/RESULTS.md ]] || printf '# Benchmark results\n\nEach entry: the command, the figures, and the baseline measured in the same run.\n' >bench/RESULTS.md
  printf '\n%s\n' "$summary" >>bench/RESULTS.md
  echo "(appended to bench/RESULTS.md)"
fi
