#!/usr/bin/env bash
# Slow clients against proprio serve (issue 15): SLOW_CLIENTS connections that
# each send one byte of a request header per second must not slow other
# clients' p99 by more than 2x. On loopback, bounded in requests and in time.
#
# bench/signin_flood_client (kind slow-headers) times PROBES sequential rounds
# of GET /healthz, GET /readyz and POST /v1/carriers/1/decisions (a CSR's
# session token) on one keep-alive connection, alone, then again while the slow
# connections trickle; the server cuts each at its header timeout (10 s by
# default) and the client reopens it.
#
#   bench/slow_clients_bench.sh [--record]   --record appends the figures to bench/RESULTS.md
# Environment: BUILD (build/release), SLOW_CLIENTS (500), PROBES (2000),
# MAX_SECONDS (30), BENCH_DIR (/var/tmp).
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD=${BUILD:-build/release}
SLOW_CLIENTS=${SLOW_CLIENTS:-500}
PROBES=${PROBES:-2000}
MAX_SECONDS=${MAX_SECONDS:-30}
record=false
[[ ${1:-} == --record ]] && record=true
bin=$BUILD/src/cli/proprio
client=$BUILD/bench/signin_flood_client
for f in "$bin" "$client"; do
  [[ -x $f ]] || { echo "bench/slow_clients_bench.sh: build first ($f)" >&2; exit 1; }
done
ulimit -n 4096 2>/dev/null || true

work=$(mktemp -d "${BENCH_DIR:-/var/tmp}/proprio-slow-bench.XXXXXX")
port=18496
serve_pid=
cleanup() {
  if [[ -n $serve_pid ]]; then
    kill -TERM "$serve_pid" 2>/dev/null || true
    wait "$serve_pid" 2>/dev/null || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT

db=$work/proprio.db
$bin --db "$db" init >/dev/null
$bin --db "$db" demo --customers 1000 >/dev/null
$bin --db "$db" serve --listen 127.0.0.1:$port --quiet >"$work/serve.out" 2>"$work/serve.log" &
serve_pid=$!
for _ in $(seq 100); do curl -sf http://127.0.0.1:$port/readyz >/dev/null && break; sleep 0.1; done
token=$(curl -sf -X POST http://127.0.0.1:$port/v1/sessions -H 'Content-Type: application/json' \
  -d '{"login":"alicia.gomez","password":"proprio-demo-2013"}' | sed -E 's/.*"token":"([^"]+)".*/\1/')
timeout $((3 * MAX_SECONDS + 30)) "$client" $port "$token" "$SLOW_CLIENTS" "$PROBES" \
  "$MAX_SECONDS" slow-headers | tee "$work/out.txt"

line() {  # phase route -> "p50 x ms, p99 y ms, max z ms"
  awk -v ph="$1" -v rt="$2" '$1 == ph && index($0, rt) {
      for (i = 1; i <= NF; i++) { split($i, kv, "="); v[kv[1]] = kv[2] }
      printf "p50 %s, p99 %s, max %s ms%s", v["p50"], v["p99"], v["max"], (v["unexpected"] > 0 ? " (" v["unexpected"] " unexpected statuses)" : "") }' "$work/out.txt"
}
p99() { awk -v ph="$1" -v rt="$2" '$1 == ph && index($0, rt) {
      for (i = 1; i <= NF; i++) { split($i, kv, "="); if (kv[1] == "p99") print kv[2] } }' "$work/out.txt"; }
rows=""
for route in "GET /healthz" "GET /readyz" "POST /v1/carriers/1/decisions"; do
  ratio=$(awk -v a="$(p99 alone "$route")" -v b="$(p99 flood "$route")" 'BEGIN { if (a > 0) printf "%.2f", b / a; else print "?" }')
  rows+="  - $route: alone $(line alone "$route"); with the slow clients $(line flood "$route"); p99 ratio ${ratio}x"$'\n'
done
summary=$(cat <<TXT
### $(date -u +%Y-%m-%dT%H:%M:%SZ) HTTP: $SLOW_CLIENTS connections sending a header byte per second vs /healthz, /readyz, decisions (issue 15)
- machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), load average $(cut -d' ' -f1-3 /proc/loadavg) (shared); commit $(git rev-parse --short HEAD 2>/dev/null || echo '?'); client and server share the machine
- command: \`bench/slow_clients_bench.sh\` (release build; $PROBES sequential rounds of the three probes on one keep-alive connection, alone then with the slow connections; each phase capped at $MAX_SECONDS s; server defaults: header timeout 10 s, 10,000 connections, 512 per address)
$rows- $(grep '^flood:' "$work/out.txt" | sed 's/^flood: //')
- target: p99 with the slow clients at most 2x the p99 alone
TXT
)
echo
echo "$summary"
if $record; then
  printf '\n%s\n' "$summary" >>bench/RESULTS.md
  echo "(appended to bench/RESULTS.md)"
fi
