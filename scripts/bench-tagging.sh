#!/usr/bin/env bash
# Search latency over a station's index of a million recordings (tagging, issue 6).
#
#   bash scripts/bench-tagging.sh [BIN_DIR]     (scripts/bench.sh runs it after the ingest benchmark)
#
# custodyd makes a fresh index (the real schema, every migration), stops, and
# scripts/bench-tagging-index.py fills it through that schema: 200 officers with their
# cameras, 20 courtrooms with their recorders and hearing calendars, ITEMS recordings
# (default 1,000,000) tagged to officers and hearings. custodyd then serves it, and
# scripts/bench-tagging-client.py times requests through the control socket as
# custodyctl makes them (a connection per request): p50 and p99 of (a) one officer's
# items in a 7-day window, (b) one hearing's items, (c) text searches. The aim is a
# p99 under 10 ms for (a) and (b). The index is kept in out/bench-tagging between
# runs (delete it to make a new one).
set -euo pipefail
bin="$(cd "${1:-.build-release/release}" && pwd)"
repo="$(cd "$(dirname "$0")/.." && pwd)"
items="${ITEMS:-1000000}"
runs="${QUERY_RUNS:-500}"
work="$repo/out/bench-tagging"
state="$work/state-$items"
sock="$work/control.sock"
mkdir -p "$work"
cat > "$work/custodyd.toml" <<TOML
[ingest]
allowedPaths = ["$work"]
[control]
socketGroup = ""
[devices]
enabled = false
TOML

daemon_pid=""
start_daemon() {
  "$bin/custodyd" --config "$work/custodyd.toml" --state-dir "$state" --socket "$sock" >> "$work/custodyd.log" 2>&1 &
  daemon_pid=$!
  for _ in $(seq 1 600); do "$bin/custodyctl" --socket "$sock" status > /dev/null 2>&1 && return; sleep 0.1; done
  echo "custodyd did not start"; tail "$work/custodyd.log"; exit 1
}
stop_daemon() { [ -n "$daemon_pid" ] && kill "$daemon_pid" && wait "$daemon_pid" || true; daemon_pid=""; }
trap stop_daemon EXIT

echo
echo "tagging: search latency over an index of $items items (binaries: $bin)"
if [ ! -f "$state/.generated" ]; then
  rm -rf "$state"
  start_daemon   # the schema, by custodyd's own migrations
  stop_daemon
  t0=$(date +%s)
  /usr/bin/python3 "$repo/scripts/bench-tagging-index.py" "$state" "$items" > "$work/spec-$items.json"
  echo "  generated in $(( $(date +%s) - t0 )) s: $(du -sh "$state/index.sqlite" | cut -f1) index"
  touch "$state/.generated"
fi
start_daemon
echo "  $("$bin/custodyctl" --socket "$sock" status | grep -i items || true)"
/usr/bin/python3 "$repo/scripts/bench-tagging-client.py" "$sock" "$work/spec-$items.json" "$runs"

# The same query through custodyctl itself (process start included), for scale.
officer=$(/usr/bin/python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["officers"][7])' "$work/spec-$items.json")
times=()
for _ in $(seq 1 20); do
  t0=$(date +%s%N)
  "$bin/custodyctl" --socket "$sock" --json items --officer "$officer" --from 2025-03-10T00:00:00Z --to 2025-03-17T00:00:00Z > /dev/null
  times+=($(( ($(date +%s%N) - t0) / 1000 )))
done
median=$(printf '%s\n' "${times[@]}" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')
printf '  custodyctl items --officer … --from … --to … (whole process, 20 runs): median %.1f ms\n' "$(echo "$median / 1000" | bc -l)"
/usr/bin/python3 - "$work/spec-$items.json.results" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
ok = r["a"]["p99"] < 10 and r["b"]["p99"] < 10
print(f"  aim: p99 under 10 ms for (a) and (b): (a) {r['a']['p99']:.2f} ms, (b) {r['b']['p99']:.2f} ms: {'met' if ok else 'NOT met'}")
PY
stop_daemon
