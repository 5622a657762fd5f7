#!/usr/bin/env bash
# Benchmarks recorded in BENCHMARKS.md. Not part of CI: CI machines are shared and noisy.
#   1. `errtui list --limit 10000 --json` against `errtui demo-server --errors 10000`:
#      wall time and peak resident memory, over several runs.
#   2. One frame of the list with 100,000 errors loaded (cargo bench --bench frame).
#   3. The demo server with 100,000 generated errors: start-up and a first page; its own time
#      per page of 100; the same list through sentry-cli when SENTRY_CLI or PATH has it.
#   4. Enter → detail and latest event on screen after the selection rested 300 ms, against
#      the demo at 300 ms latency (cargo bench --bench enter).
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release --quiet
BIN=target/release/errtui
RUNS=${RUNS:-5}

start_server() { # $1 = errors, $2 = flavor (sentry or glitchtip)
  local log; log=$(mktemp)
  "$BIN" demo-server --errors "$1" --flavor "${2:-sentry}" >"$log" 2>/dev/null &
  SERVER_PID=$!
  for _ in $(seq 1 100); do
    grep -q '^listening on ' "$log" && break
    sleep 0.05
  done
  URL=$(sed -n 's/^listening on //p' "$log")
  rm -f "$log"
}

start_server 10000
trap 'kill $SERVER_PID 2>/dev/null || true' EXIT
export SENTRY_URL="$URL" SENTRY_ORG=demo SENTRY_PROJECT=demo SENTRY_AUTH_TOKEN=bench
echo "## errtui list --limit 10000 --json against demo-server --errors 10000 ($RUNS runs)"
for i in $(seq 1 "$RUNS"); do
  /usr/bin/time -f "run $i: wall %e s, peak RSS %M KiB" "$BIN" list --status all --limit 10000 --json 2>&1 >/tmp/errtui-bench.json | tail -1
done
echo "errors returned: $(python3 -c 'import json;print(len(json.load(open("/tmp/errtui-bench.json"))))')"

# The same list through sentry-cli (`pip download sentry-cli` has its binary), when present.
SENTRY_CLI=${SENTRY_CLI:-$(command -v sentry-cli || true)}
if [ -n "$SENTRY_CLI" ]; then
  echo
  echo "## $("$SENTRY_CLI" --version) issues list --pages 100, same server ($RUNS runs)"
  for i in $(seq 1 "$RUNS"); do
    /usr/bin/time -f "run $i: wall %e s, peak RSS %M KiB" "$SENTRY_CLI" --url "$URL" --auth-token bench \
      issues list -o demo -p demo --pages 100 2>&1 >/tmp/errtui-bench.txt | tail -1
  done
  echo "rows printed: $(grep -c '^| [0-9]' /tmp/errtui-bench.txt)"
else
  echo "(sentry-cli not found: set SENTRY_CLI to compare)"
fi

echo
echo "## demo server time per page of 100 (its Server-Timing header, latency aside), 100 pages"
for off in $(seq 0 100 9900); do
  curl -s -D - -o /dev/null -H 'Authorization: Bearer x' \
    "$URL/api/0/organizations/demo/issues/?query=&limit=100&cursor=0:$off:0" |
    sed -n 's/^server-timing: app;dur=//Ip' | tr -d '\r'
done | sort -g | python3 -c '
import sys; t=[float(x) for x in sys.stdin]
print(f"pages {len(t)}: median {t[len(t)//2]:.3f} ms, mean {sum(t)/len(t):.3f} ms, worst {t[-1]:.3f} ms")'
kill $SERVER_PID; wait $SERVER_PID 2>/dev/null || true

start_server 10000 glitchtip
export SENTRY_URL="$URL"
echo
echo "## the same against the demo's GlitchTip (detection, wrapped Link headers, its sorts) ($RUNS runs)"
for i in $(seq 1 "$RUNS"); do
  /usr/bin/time -f "run $i: wall %e s, peak RSS %M KiB" "$BIN" list --status all --limit 10000 --json 2>&1 >/tmp/errtui-bench.json | tail -1
done
echo "errors returned: $(python3 -c 'import json;print(len(json.load(open("/tmp/errtui-bench.json"))))')"
kill $SERVER_PID; wait $SERVER_PID 2>/dev/null || true

echo
echo "## demo-server --errors 100000: time to a first page"
t0=$(date +%s.%N)
start_server 100000
curl -sf -H 'Authorization: Bearer x' "$URL/api/0/organizations/demo/issues/?query=&limit=100" -o /dev/null
t1=$(date +%s.%N)
echo "start + first page: $(python3 -c "print(round($t1-$t0, 3))") s; server RSS $(ps -o rss= -p $SERVER_PID) KiB"
kill $SERVER_PID; wait $SERVER_PID 2>/dev/null || true

echo
echo "## one frame of the list with 100,000 errors loaded"
cargo bench --quiet --bench frame

echo
echo "## Enter → data on screen after a 300 ms rest, demo latency 300 ms"
cargo bench --quiet --bench enter
