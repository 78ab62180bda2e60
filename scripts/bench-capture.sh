#!/usr/bin/env bash
# Capture CPU cost: custody-capture-bench (ALSA capture + level/clip/silence
# metering + Broadcast Wave segment with bext/iXML and a synced checkpoint every
# 2 s) against arecord writing a plain WAV, both reading the same ALSA `file` PCM
# (16 channels, 48 kHz, S24_3LE) for the same number of frames, in the same run.
#
# Prints CPU seconds (user + sys, from /usr/bin/time) per minute of audio for
# each, and the ratio. A third row runs custody with its checkpoints (fdatasync,
# header update, fdatasync) only at the end of the segment, to show what the
# crash safety costs: a synced write-back runs in the caller's time, where
# arecord's dirty pages are written back later by the kernel's flusher threads. The input is read once first so both read from the page
# cache; each figure is the median of RUNS runs (default 3).
#
#   MINUTES=10 RUNS=3 scripts/bench-capture.sh [RELEASE_BIN_DIR]
#
# RELEASE_BIN_DIR defaults to .build-release/release (`make release`, which
# `make bench` runs first and which builds custody-capture-bench with the rest).
# The input is kept in out/bench/capture between runs (WORK overrides it).
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
minutes="${MINUTES:-10}"
runs="${RUNS:-3}"
rate=48000 channels=16 format=S24_3LE
frames=$((minutes * 60 * rate))

bin="${1:-$repo/.build-release/release}"
bench="$bin/custody-capture-bench"
if [ ! -x "$bench" ]; then
  (cd "$repo" && swift build -c release -j 2 --static-swift-stdlib --scratch-path .build-release --product custody-capture-bench >&2)
  bench="$repo/.build-release/release/custody-capture-bench"
fi
for tool in sox arecord bc /usr/bin/time; do
  command -v "$tool" > /dev/null || { echo "bench-capture: '$tool' is missing (Debian: sox alsa-utils bc time)" >&2; exit 1; }
done

work="${WORK:-$repo/out/bench/capture}"
mkdir -p "$work"
trap 'rm -rf "$work/out" "$work/arecord.wav"' EXIT
input="$work/input-${minutes}min.raw"
if [ ! -f "$input" ]; then
  echo "bench-capture: making $minutes min of $channels-channel $format audio in $input" >&2
  spec=()
  for i in $(seq 1 "$channels"); do spec+=(sine "$((110 * i))"); done
  sox -D -n -r "$rate" -c "$channels" -b 24 -e signed-integer -t raw "$work/minute.raw" synth 60 "${spec[@]}" gain -12
  for _ in $(seq 1 "$minutes"); do cat "$work/minute.raw"; done > "$input.part"
  mv "$input.part" "$input"
  rm -f "$work/minute.raw"
fi

# A custom ALSA_CONFIG_PATH replaces alsa.conf: define every PCM used here.
cat > "$work/alsa.conf" <<EOF
pcm.bench_null { type null }
pcm.bench_file {
    type file
    slave.pcm "bench_null"
    file "/dev/null"
    infile "$input"
    format "raw"
}
EOF
export ALSA_CONFIG_PATH="$work/alsa.conf"
cat "$input" > /dev/null

# cpu CMD...: "user sys" seconds of one run
cpu() {
  /usr/bin/time -f "%U %S" -o "$work/time.txt" "$@" > /dev/null
  cat "$work/time.txt"
}
median() { printf '%s\n' "$@" | sort -g | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'; }

c_total=() c_user=() c_sys=() a_total=() a_user=() a_sys=() n_total=() n_user=() n_sys=()
for run in $(seq 1 "$runs"); do
  rm -rf "$work/out" "$work/arecord.wav"; mkdir -p "$work/out"; sync
  read -r user sys < <(cpu "$bench" --pcm bench_file --frames "$frames" --output "$work/out" \
                         --format "$format" --channels "$channels" --rate "$rate")
  c_user+=("$user"); c_sys+=("$sys"); c_total+=("$(echo "$user + $sys" | bc -l)")
  segment=$(ls "$work"/out/*.wav)
  expected=$((frames * channels * 3))
  size=$(stat -c %s "$segment")
  [ "$size" -gt "$expected" ] || { echo "bench-capture: $segment is $size bytes, less than $expected of audio" >&2; exit 1; }
  rm -rf "$work/out"; mkdir -p "$work/out"; sync
  read -r user sys < <(cpu "$bench" --pcm bench_file --frames "$frames" --output "$work/out" \
                         --format "$format" --channels "$channels" --rate "$rate" --checkpoint-frames "$frames")
  n_user+=("$user"); n_sys+=("$sys"); n_total+=("$(echo "$user + $sys" | bc -l)")
  rm -rf "$work/out"; sync
  read -r user sys < <(cpu arecord -q -D bench_file -f "$format" -c "$channels" -r "$rate" -s "$frames" -t wav "$work/arecord.wav")
  a_user+=("$user"); a_sys+=("$sys"); a_total+=("$(echo "$user + $sys" | bc -l)")
  rm -f "$work/arecord.wav"; sync
  echo "run $run: custody user ${c_user[-1]} sys ${c_sys[-1]}; custody, checkpoint at end only: user ${n_user[-1]} sys ${n_sys[-1]}; arecord user ${a_user[-1]} sys ${a_sys[-1]} (CPU s, $minutes min of audio)" >&2
done

awk -v m="$minutes" -v ch="$channels" -v r="$rate" -v f="$format" -v runs="$runs" \
    -v ct="$(median "${c_total[@]}")" -v cu="$(median "${c_user[@]}")" -v cs="$(median "${c_sys[@]}")" \
    -v at="$(median "${a_total[@]}")" -v au="$(median "${a_user[@]}")" -v as="$(median "${a_sys[@]}")" \
    -v nt="$(median "${n_total[@]}")" -v nu="$(median "${n_user[@]}")" -v ns="$(median "${n_sys[@]}")" 'BEGIN {
  printf "capture of %d min, %d ch x %d Hz %s; CPU seconds per minute of audio, median of %d runs:\n", m, ch, r, f, runs
  printf "  %-22s %8s %8s %8s\n", "", "user+sys", "user", "sys"
  printf "  %-22s %8.4f %8.4f %8.4f\n", "custody-capture-bench", ct / m, cu / m, cs / m
  printf "  %-22s %8.4f %8.4f %8.4f\n", "  (checkpoint at end)", nt / m, nu / m, ns / m
  printf "  %-22s %8.4f %8.4f %8.4f\n", "arecord", at / m, au / m, as / m
  printf "  %-22s", "ratio custody/arecord"
  if (at > 0) printf " %8.2f", ct / at; else printf " %8s", "-"
  if (au > 0) printf " %8.2f", cu / au; else printf " %8s", "-"
  if (as > 0) printf " %8.2f", cs / as; else printf " %8s", "-"
  printf "\n"
}'
