#!/usr/bin/env bash
# The custody ledger's benchmark, against peers on the same data in the same run:
#
#   appends    durable ledger appends per second (one transaction each, synchronous=FULL),
#              next to sqlite3 inserting rows of the same size the same way
#   verify     recomputing a ledger of LEDGER_ENTRIES (default 1,000,000) events and its
#              checkpoints, next to an independent Python recomputation of the same
#              leaves and root (hashlib, reading the same index)
#   verify --full  re-hashing the stored files of a store, next to sha256sum over the
#              same blob files (both from the page cache)
set -euo pipefail
bin="$(cd "${1:-.build-release/release}" && pwd)"
repo="$(cd "$(dirname "$0")/.." && pwd)"
entries="${LEDGER_ENTRIES:-1000000}"
appends="${LEDGER_APPENDS:-2000}"
runs="${RUNS:-3}"
work="$repo/out/bench/ledger"
data="$repo/out/bench/data"
mkdir -p "$work"

median() { printf '%s\n' "$@" | sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
now() { date +%s.%N; }

echo
echo "ledger: durable appends ($appends, median of $runs runs)"
ours=(); peer=()
for r in $(seq 1 "$runs"); do
  rm -rf "$work/appends-$r"
  ours+=("$("$bin/custody-ledger-bench" appends "$appends" "$work/appends-$r")")
  # The peer: sqlite3 with the same journal and durability, one row per transaction,
  # each row as large as one event plus its leaf.
  db="$work/peer-$r.sqlite"; rm -f "$db"*
  sqlite3 "$db" "PRAGMA journal_mode=WAL; CREATE TABLE t (seq INTEGER PRIMARY KEY, entry TEXT, leaf BLOB);" > /dev/null
  row="$(printf 'x%.0s' $(seq 1 300))"
  t0=$(now)
  { echo "PRAGMA synchronous=FULL;"; for i in $(seq 1 "$appends"); do echo "INSERT INTO t (entry, leaf) VALUES ('$row$i', randomblob(32));"; done; } | sqlite3 "$db" > /dev/null
  t1=$(now)
  peer+=("$(echo "$appends / ($t1 - $t0)" | bc -l)")
  rm -rf "$work/appends-$r" "$db"*
done
a_ours=$(median "${ours[@]}"); a_peer=$(median "${peer[@]}")
printf '  %-44s %10.1f appends/s\n' "custody ledger (event + leaf, durable)" "$a_ours"
printf '  %-44s %10.1f rows/s\n' "sqlite3, same pragmas, one row per commit" "$a_peer"
printf '  ratio: %.2fx sqlite3\n' "$(echo "$a_ours / $a_peer" | bc -l)"

echo
echo "ledger: verification of $entries entries"
state="$work/big-$entries"
if [ ! -f "$state/.built" ]; then
  rm -rf "$state"
  echo "  building a ledger of $entries events (batched; a checkpoint every 100,000)"
  "$bin/custody-ledger-bench" build "$entries" "$state" > /dev/null
  touch "$state/.built"
fi
v_ours=(); v_peer=()
for _ in $(seq 1 "$runs"); do
  read -r secs size checkpoints < <("$bin/custody-ledger-bench" verify "$state")
  v_ours+=("$secs")
  t0=$(now)
  /usr/bin/python3 "$repo/scripts/ledger-root.py" "$state/index.sqlite" > "$work/peer-root.txt"
  t1=$(now)
  v_peer+=("$(echo "$t1 - $t0" | bc -l)")
done
t_ours=$(median "${v_ours[@]}"); t_peer=$(median "${v_peer[@]}")
printf '  %-44s %10.2f s  (%d entries, %d checkpoints)\n' "custody verify (ledger and checkpoints)" "$t_ours" "$size" "$checkpoints"
printf '  %-44s %10.2f s  (%s)\n' "Python hashlib: same leaves and root" "$t_peer" "$(cat "$work/peer-root.txt")"
printf '  ratio: %.2fx the Python recomputation\n' "$(echo "$t_peer / $t_ours" | bc -l)"

echo
echo "verify --full: stored files re-hashed, against sha256sum over the same blobs"
store="$work/full"
rm -rf "$store"; mkdir -p "$store"
cat > "$store/custodyd.toml" <<TOML
[ingest]
allowedPaths = ["$data"]
[control]
socketGroup = ""
TOML
"$bin/custodyd" --config "$store/custodyd.toml" --state-dir "$store/state" --socket "$store/control.sock" > "$store/custodyd.log" 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null || true' EXIT
for _ in $(seq 1 200); do "$bin/custodyctl" --socket "$store/control.sock" status > /dev/null 2>&1 && break; sleep 0.05; done
"$bin/custodyctl" --socket "$store/control.sock" ingest "$data/large" --wait > /dev/null
bytes=$(find "$store/state/blobs" -type f -printf '%s\n' | awk '{s+=$1} END {print s}')
find "$store/state/blobs" -type f -print0 | xargs -0 cat > /dev/null
f_ours=(); f_peer=()
for _ in $(seq 1 "$runs"); do
  t0=$(now); "$bin/custodyctl" --socket "$store/control.sock" verify --full > /dev/null; t1=$(now)
  f_ours+=("$(echo "$t1 - $t0" | bc -l)")
  t0=$(now); find "$store/state/blobs" -type f -print0 | xargs -0 sha256sum > /dev/null; t1=$(now)
  f_peer+=("$(echo "$t1 - $t0" | bc -l)")
done
kill $pid; wait $pid || true; trap - EXIT
t_ours=$(median "${f_ours[@]}"); t_peer=$(median "${f_peer[@]}")
mib=$(echo "$bytes / 1048576" | bc -l)
printf '  %-44s %10.2f s  %8.1f MiB/s\n' "custodyctl verify --full" "$t_ours" "$(echo "$mib / $t_ours" | bc -l)"
printf '  %-44s %10.2f s  %8.1f MiB/s\n' "sha256sum over the blob files" "$t_peer" "$(echo "$mib / $t_peer" | bc -l)"
printf '  ratio: %.2fx sha256sum\n' "$(echo "$t_peer / $t_ours" | bc -l)"
rm -rf "$store"
