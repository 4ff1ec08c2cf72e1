#!/usr/bin/env bash
# A flood of wrong staff sign-ins against proprio serve (issue 22): does it
# starve everything else? On loopback, bounded in requests and in time.
#
# bench/signin_flood_client (a plain HTTP/1.1 client) times PROBES sequential
# rounds of GET /healthz, GET /readyz and POST /v1/carriers/1/decisions (one
# decision, a CSR's session token) alone, then again while FLOOD_CLIENTS
# connections post wrong sign-ins (POST /v1/sessions) as fast as answered.
# Two server settings, each a fresh server on the same demo database:
#   limits on:  the defaults (30 failures per address and 10 per login a minute:
#               the flood, all from 127.0.0.1, is mostly answered 429 at once)
#   limits off: --sign-in-failures-per-address 0 --sign-in-failures-per-login 0,
#               so every sign-in is hashed (argon2id, the staff default cost) on
#               the sign-in pool or shed 503 past its queue
# With BASELINE_BIN=path/to/an/older/proprio the "limits off" run is repeated
# on that binary (e.g. main's build, before the sign-in pool) for comparison.
#
#   bench/signin_flood_bench.sh [--record]   --record appends the figures to bench/RESULTS.md
# Environment: BUILD (build/release), FLOOD_CLIENTS (64), PROBES (300),
# MAX_SECONDS (60: each phase stops by then), BASELINE_BIN, BENCH_DIR (/var/tmp).
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD=${BUILD:-build/release}
FLOOD_CLIENTS=${FLOOD_CLIENTS:-64}
PROBES=${PROBES:-300}
MAX_SECONDS=${MAX_SECONDS:-60}
record=false
[[ ${1:-} == --record ]] && record=true
bin=$BUILD/src/cli/proprio
client=$BUILD/bench/signin_flood_client
for f in "$bin" "$client"; do
  [[ -x $f ]] || { echo "bench/signin_flood_bench.sh: build first ($f)" >&2; exit 1; }
done
command -v curl >/dev/null || { echo "bench/signin_flood_bench.sh: needs curl" >&2; exit 1; }

work=$(mktemp -d "${BENCH_DIR:-/var/tmp}/proprio-signin-bench.XXXXXX")
port=18495
serve_pid=
stop_server() {
  if [[ -n $serve_pid ]]; then
    kill -TERM "$serve_pid" 2>/dev/null || true
    wait "$serve_pid" 2>/dev/null || true
    serve_pid=
  fi
}
cleanup() {
  stop_server
  rm -rf "$work"
}
trap cleanup EXIT

db=$work/proprio.db
$bin --db "$db" init >/dev/null
$bin --db "$db" demo --customers 1000 >/dev/null

run() {  # label binary serve-args...
  local label=$1 server=$2
  shift 2
  $server --db "$db" serve --listen 127.0.0.1:$port --quiet "$@" >"$work/serve.out" 2>"$work/serve.log" &
  serve_pid=$!
  for _ in $(seq 100); do curl -sf http://127.0.0.1:$port/readyz >/dev/null && break; sleep 0.1; done
  local token
  token=$(curl -sf -X POST http://127.0.0.1:$port/v1/sessions -H 'Content-Type: application/json' \
    -d '{"login":"alicia.gomez","password":"proprio-demo-2013"}' | sed -E 's/.*"token":"([^"]+)".*/\1/')
  echo "== $label =="
  timeout $((3 * MAX_SECONDS + 30)) "$client" $port "$token" "$FLOOD_CLIENTS" "$PROBES" "$MAX_SECONDS" |
    tee "$work/$label.txt"
  stop_server
}

run limits-on "$bin"
run limits-off "$bin" --sign-in-failures-per-address 0 --sign-in-failures-per-login 0
[[ -n ${BASELINE_BIN:-} ]] && run baseline "$BASELINE_BIN"

line() {  # file phase route -> "p50 x ms, p99 y ms, max z ms"
  awk -v ph="$2" -v rt="$3" '$1 == ph && index($0, rt) {
      for (i = 1; i <= NF; i++) { split($i, kv, "="); v[kv[1]] = kv[2] }
      printf "p50 %s, p99 %s, max %s ms%s", v["p50"], v["p99"], v["max"], (v["unexpected"] > 0 ? " (" v["unexpected"] " unexpected statuses)" : "") }' "$1"
}
flood() { grep '^flood:' "$1" | sed 's/^flood: //'; }

summary_for() {  # label
  local f=$work/$1.txt
  for route in "GET /healthz" "GET /readyz" "POST /v1/carriers/1/decisions"; do
    echo "  - $route: alone $(line "$f" alone "$route"); under the flood $(line "$f" flood "$route")"
  done
  echo "  - flood: $(flood "$f")"
}

summary=$(cat <<TXT
### $(date -u +%Y-%m-%dT%H:%M:%SZ) HTTP: $FLOOD_CLIENTS clients posting wrong staff sign-ins vs /healthz, /readyz, decisions (issue 22)
- machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), load average $(cut -d' ' -f1-3 /proc/loadavg) (shared); commit $(git rev-parse --short HEAD 2>/dev/null || echo '?'); client and server share the machine
- command: \`bench/signin_flood_bench.sh\` (release build; $PROBES sequential rounds of the three probes on one keep-alive connection, alone then under the flood; each phase capped at $MAX_SECONDS s; staff argon2id default cost)
- limits on (defaults: 30 failed sign-ins per address, 10 per login, per minute):
$(summary_for limits-on)
- limits off (every sign-in hashed on the sign-in pool, or shed 503 past its queue of 32):
$(summary_for limits-off)
TXT
)
if [[ -n ${BASELINE_BIN:-} ]]; then
  summary+=$'\n'"- baseline, $BASELINE_BIN (sign-ins hashed on the request workers, no limits):"$'\n'"$(summary_for baseline)"
fi
echo
echo "$summary"
if $record; then
  printf '\n%s\n' "$summary" >>bench/RESULTS.md
  echo "(appended to bench/RESULTS.md)"
fi
