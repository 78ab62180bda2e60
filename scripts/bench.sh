#!/usr/bin/env bash
# Ingest throughput, measured against peer tools on the same data in the same run.
#
#   large: 20 files x 100 MiB      small: 20,000 files x 50 KiB
#
# Peers: sha256sum alone (one core), cp + sha256sum of the copy + sync (a naive
# verified copy), and openssl dgst -sha256 on two files at once (the fastest
# SHA-256 this machine has, on both cores). Custody: `custodyctl ingest --wait`
# into a fresh store (hash while copying, fsync, re-read to verify, index commit).
# The data is read once first, so every contender reads from the page cache; each
# figure is the median of RUNS runs (default 3).
set -euo pipefail
bin="$(cd "${1:-.build-release/release}" && pwd)"
repo="$(cd "$(dirname "$0")/.." && pwd)"
runs="${RUNS:-3}"
large_count="${LARGE_COUNT:-20}" large_mib="${LARGE_MIB:-100}"
small_count="${SMALL_COUNT:-20000}" small_kib="${SMALL_KIB:-50}"
work="$repo/out/bench"
data="$work/data"
mkdir -p "$data"

make_data() {
  if [ ! -f "$data/.made-$large_count-$large_mib-$small_count-$small_kib" ]; then
    rm -rf "$data"/*; mkdir -p "$data/large" "$data/small"
    echo "making $large_count x $large_mib MiB and $small_count x $small_kib KiB of random data in $data"
    for i in $(seq -w 1 "$large_count"); do head -c "$((large_mib << 20))" /dev/urandom > "$data/large/clip$i.mp4"; done
    /usr/bin/python3 - "$data/small" "$small_count" "$small_kib" <<'PY'
import os, sys
root, count, kib = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
block = os.urandom(kib * 1024 + 4096)
for i in range(count):
    d = os.path.join(root, f"{i // 1000:03d}")
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, f"IMG{i:05d}.JPG"), "wb") as f:
        f.write(block[i % 4096:i % 4096 + kib * 1024])
PY
    touch "$data/.made-$large_count-$large_mib-$small_count-$small_kib"
  fi
  # Warm the page cache: every contender reads the same cached bytes.
  cat "$data"/large/* > /dev/null
  find "$data/small" -type f -print0 | xargs -0 cat > /dev/null
}

now() { date +%s.%N; }

# median of the arguments
median() { printf '%s\n' "$@" | sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

# time_cmd SETUP CMD: runs SETUP (untimed) then CMD (timed), RUNS times; sets $elapsed
# to the median seconds. (No subshell: SETUP may start the daemon this shell stops.)
elapsed=""
time_cmd() {
  local setup="$1" cmd="$2" times=() t0 t1
  for _ in $(seq 1 "$runs"); do
    eval "$setup"
    sync
    t0=$(now); eval "$cmd" > /dev/null; t1=$(now)
    times+=("$(echo "$t1 - $t0" | bc -l)")
  done
  elapsed=$(median "${times[@]}")
}

scratch="$work/scratch"
mkdir -p "$scratch"
daemon_pid=""
run_no=0
start_daemon() {
  # A new state directory per run; old ones are removed only after the set is timed
  # (ext4 avoids reusing just-freed inodes, which would slow the next run unfairly).
  run_no=$((run_no + 1))
  state="$scratch/state-$run_no"
  mkdir -p "$scratch"
  cat > "$scratch/custodyd.toml" <<TOML
[ingest]
allowedPaths = ["$data"]
[control]
socketGroup = ""
TOML
  "$bin/custodyd" --config "$scratch/custodyd.toml" --state-dir "$state" --socket "$scratch/control.sock" \
    > "$scratch/custodyd.log" 2>&1 &
  daemon_pid=$!
  for _ in $(seq 1 200); do "$bin/custodyctl" --socket "$scratch/control.sock" status > /dev/null 2>&1 && return; sleep 0.05; done
  echo "custodyd did not start"; cat "$scratch/custodyd.log"; exit 1
}
stop_daemon() { [ -n "$daemon_pid" ] && kill "$daemon_pid" && wait "$daemon_pid" || true; daemon_pid=""; }
trap stop_daemon EXIT

bench_set() {
  local name="$1" dir="$data/$1" bytes files
  bytes=$(du -sb --apparent-size "$dir" | cut -f1)
  files=$(find "$dir" -type f | wc -l)
  local t_sha t_cp t_ssl t_cust
  time_cmd ":" "find '$dir' -type f -print0 | xargs -0 sha256sum"; t_sha=$elapsed
  time_cmd "copy=\$scratch/copy-\$RANDOM\$RANDOM" "cp -r '$dir' \$copy && find \$copy -type f -print0 | xargs -0 sha256sum && sync -f \$copy"; t_cp=$elapsed
  time_cmd ":" "find '$dir' -type f -print0 | xargs -0 -n 64 -P 2 openssl dgst -sha256"; t_ssl=$elapsed
  time_cmd "stop_daemon; start_daemon" "'$bin/custodyctl' --socket '$scratch/control.sock' ingest '$dir' --wait"; t_cust=$elapsed
  stop_daemon
  local stored
  stored=$(sqlite3 "$state/index.sqlite" "select count(*) from items" 2>/dev/null || echo "?")
  rm -rf "$scratch"/copy-* "$scratch"/state-*
  sync; sleep 2
  mbps() { echo "scale=1; $bytes / 1048576 / $1" | bc -l; }
  ratio() { echo "scale=2; $2 / $1" | bc -l; }
  printf '\n%s: %d files, %.1f MiB (custodyd stored %s items; median of %d runs)\n' "$name" "$files" "$(echo "$bytes/1048576" | bc -l)" "$stored" "$runs"
  printf '  %-34s %8s s  %8s MiB/s\n' "sha256sum alone" "$t_sha" "$(mbps "$t_sha")"
  printf '  %-34s %8s s  %8s MiB/s\n' "cp + sha256sum + sync" "$t_cp" "$(mbps "$t_cp")"
  printf '  %-34s %8s s  %8s MiB/s\n' "openssl dgst -sha256, 2 at once" "$t_ssl" "$(mbps "$t_ssl")"
  printf '  %-34s %8s s  %8s MiB/s\n' "custodyctl ingest --wait" "$t_cust" "$(mbps "$t_cust")"
  printf '  ratios (custody throughput / peer): %.2fx sha256sum, %.2fx cp+sha256sum, %.2fx openssl x2\n' \
    "$(ratio "$t_cust" "$t_sha")" "$(ratio "$t_cust" "$t_cp")" "$(ratio "$t_cust" "$t_ssl")"
  eval "ratio_${name}_sha=$(ratio "$t_cust" "$t_sha") ratio_${name}_cp=$(ratio "$t_cust" "$t_cp")"
}

echo "custody bench on $(nproc) cores, $(uname -r); binaries: $bin"
make_data
bench_set large
bench_set small
echo
echo "aims: large >= 1.40x sha256sum (got ${ratio_large_sha}x); small >= 1.00x cp + sha256sum (got ${ratio_small_cp}x)"

# Evidence media read in user space: FAT32 and exFAT images.
RUNS="$runs" bash "$repo/scripts/bench-volumes.sh" "$bin"

# The custody ledger: durable appends, verification of a large ledger, verify --full.
RUNS="$runs" bash "$repo/scripts/bench-ledger.sh" "$bin"

# Search over a million tagged recordings: its own script (the index is kept between runs).
bash "$repo/scripts/bench-tagging.sh" "$bin"
