#!/usr/bin/env bash
# Ingest from evidence media read in user space, against peers on the same data in the
# same run: the large (20 x 100 MiB) and small (20,000 x 50 KiB) sets of bench.sh, each
# on a FAT32 image (mkfs.fat + mcopy) and an exFAT image (mkfs.exfat + exfat-fuse).
#
#   sha256sum        over the same files on the ordinary file system (one core)
#   mcopy + sha256sum  copying the files out of the FAT32 image with mtools, then hashing
#   custody          custodyctl ingest --image IMAGE --wait into a fresh store (read the
#                    file system itself, hash while copying, fsync, re-read to verify, commit)
#
# Images and data are read once first: every contender reads from the page cache.
set -euo pipefail
bin="$(cd "${1:-.build-release/release}" && pwd)"
repo="$(cd "$(dirname "$0")/.." && pwd)"
runs="${RUNS:-3}"
data="$repo/out/bench/data"
work="$repo/out/bench/volumes"
images="$work/images"
mkdir -p "$images"
export MTOOLS_SKIP_CHECK=1

now() { date +%s.%N; }
median() { printf '%s\n' "$@" | sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

make_images() { # SET
  local set="$1" bytes mib
  bytes=$(du -sb --apparent-size "$data/$set" | cut -f1)
  mib=$(( bytes / 1048576 * 115 / 100 + 256 ))
  if [ ! -f "$images/$set-fat32.img" ]; then
    echo "making $images/$set-fat32.img (${mib} MiB, mkfs.fat + mcopy)"
    truncate -s "${mib}M" "$images/$set-fat32.img.tmp"
    mkfs.fat -F 32 -n BENCH "$images/$set-fat32.img.tmp" > /dev/null
    mcopy -s -i "$images/$set-fat32.img.tmp" "$data/$set" ::
    mv "$images/$set-fat32.img.tmp" "$images/$set-fat32.img"
  fi
  if [ ! -f "$images/$set-exfat.img" ]; then
    echo "making $images/$set-exfat.img (${mib} MiB, mkfs.exfat + exfat-fuse)"
    truncate -s "${mib}M" "$images/$set-exfat.img.tmp"
    mkfs.exfat -L BENCH "$images/$set-exfat.img.tmp" > /dev/null
    local mnt="$work/mnt" loop
    mkdir -p "$mnt"
    loop=$(losetup -f --show "$images/$set-exfat.img.tmp")
    mount.exfat-fuse "$loop" "$mnt" > /dev/null
    cp -r "$data/$set" "$mnt/"
    fusermount -u "$mnt"
    losetup -d "$loop"
    mv "$images/$set-exfat.img.tmp" "$images/$set-exfat.img"
  fi
}

scratch="$work/scratch"
pid=""
start_daemon() {
  rm -rf "$scratch"; mkdir -p "$scratch"
  cat > "$scratch/custodyd.toml" <<TOML
[ingest]
allowedPaths = ["$images"]
[control]
socketGroup = ""
TOML
  "$bin/custodyd" --config "$scratch/custodyd.toml" --state-dir "$scratch/state" --socket "$scratch/control.sock" > "$scratch/custodyd.log" 2>&1 &
  pid=$!
  for _ in $(seq 1 200); do "$bin/custodyctl" --socket "$scratch/control.sock" status > /dev/null 2>&1 && return; sleep 0.05; done
  echo "custodyd did not start"; cat "$scratch/custodyd.log"; exit 1
}
stop_daemon() { [ -n "$pid" ] && kill "$pid" && wait "$pid" || true; pid=""; }
trap stop_daemon EXIT

bench() { # SET
  local set="$1" bytes files t
  bytes=$(du -sb --apparent-size "$data/$set" | cut -f1)
  files=$(find "$data/$set" -type f | wc -l)
  cat "$images/$set-fat32.img" "$images/$set-exfat.img" > /dev/null
  find "$data/$set" -type f -print0 | xargs -0 cat > /dev/null
  local sha=() mc=() fat=() exf=()
  for _ in $(seq 1 "$runs"); do
    t=$(now); find "$data/$set" -type f -print0 | xargs -0 sha256sum > /dev/null; sha+=("$(echo "$(now) - $t" | bc -l)")
    rm -rf "$work/mcopy"; mkdir -p "$work/mcopy"; sync
    t=$(now); mcopy -s -i "$images/$set-fat32.img" "::$set" "$work/mcopy/" && find "$work/mcopy" -type f -print0 | xargs -0 sha256sum > /dev/null && sync -f "$work/mcopy"
    mc+=("$(echo "$(now) - $t" | bc -l)")
    rm -rf "$work/mcopy"
    for fs in fat32 exfat; do
      start_daemon; sync
      t=$(now); "$bin/custodyctl" --socket "$scratch/control.sock" ingest --image "$images/$set-$fs.img" --wait > /dev/null
      local e; e=$(echo "$(now) - $t" | bc -l)
      if [ "$fs" = fat32 ]; then fat+=("$e"); else exf+=("$e"); fi
      stored=$(sqlite3 "$scratch/state/index.sqlite" "select count(*) from items")
      stop_daemon
      [ "$stored" = "$files" ] || { echo "custody stored $stored of $files files from $set-$fs.img"; exit 1; }
    done
  done
  local t_sha t_mc t_fat t_exf
  t_sha=$(median "${sha[@]}"); t_mc=$(median "${mc[@]}"); t_fat=$(median "${fat[@]}"); t_exf=$(median "${exf[@]}")
  mbps() { echo "scale=1; $bytes / 1048576 / $1" | bc -l; }
  printf '\n%s on media: %d files, %.1f MiB (median of %d runs)\n' "$set" "$files" "$(echo "$bytes/1048576" | bc -l)" "$runs"
  printf '  %-40s %8.2f s  %8s MiB/s\n' "sha256sum (ordinary file system)" "$t_sha" "$(mbps "$t_sha")"
  printf '  %-40s %8.2f s  %8s MiB/s\n' "mcopy + sha256sum (FAT32 image)" "$t_mc" "$(mbps "$t_mc")"
  printf '  %-40s %8.2f s  %8s MiB/s\n' "custodyctl ingest --image (FAT32)" "$t_fat" "$(mbps "$t_fat")"
  printf '  %-40s %8.2f s  %8s MiB/s\n' "custodyctl ingest --image (exFAT)" "$t_exf" "$(mbps "$t_exf")"
  printf '  ratios: FAT32 %.2fx sha256sum, %.2fx mcopy+sha256sum; exFAT %.2fx sha256sum\n' \
    "$(echo "$t_sha / $t_fat" | bc -l)" "$(echo "$t_mc / $t_fat" | bc -l)" "$(echo "$t_sha / $t_exf" | bc -l)"
}

echo
echo "evidence media (user-space FAT32/exFAT), $(nproc) cores"
make_images large
make_images small
bench large
bench small
