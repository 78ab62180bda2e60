#!/usr/bin/env bash
# Fuzzes the partition, FAT and exFAT parsers of CustodyVolumes with libFuzzer.
#
#   scripts/fuzz.sh [SECONDS]     default 120
#
# Builds fuzz/FuzzVolumes.swift together with Sources/CustodyVolumes as one module
# (swiftc -sanitize=fuzzer,address -parse-as-library -O -D CUSTODY_FUZZING: checksums
# are reported but not enforced, so mutations get past them), makes a seed corpus of tiny
# FAT12/16/32 and exFAT images and MBR/GPT headers with the real tools
# (scripts/make-test-images.sh --seeds: needs root, FUSE and a loop device), then runs
# for SECONDS. Everything lives under .build/fuzz: the growing corpus in corpus/,
# crashing inputs in crashes/ (`fuzz.sh --regression FILE` turns one into a test input
# for Tests/CustodyVolumesTests/FuzzCrashers.swift).
# Exits non-zero when libFuzzer finds a crash, a leak, a timeout or runaway memory.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"

# `fuzz.sh --regression FILE [NAME]` prints a crashing input as a FuzzInput literal to
# paste into Tests/CustodyVolumesTests/FuzzCrashers.swift.
if [ "${1:-}" = "--regression" ]; then
  python3 - "$2" "${3:-$(basename "$2")}" <<'PY'
import base64, sys
data = open(sys.argv[1], "rb").read()
runs, i = [], 0
while i < len(data):
    if data[i] == 0:
        i += 1
        continue
    j = i
    while j < len(data) and (data[j] != 0 or (j + 1 < len(data) and data[j + 1] != 0)):
        j += 1
    runs.append((i, base64.b64encode(data[i:j]).decode()))
    i = j
print('        FuzzInput(name: "%s", length: %d, runs: [' % (sys.argv[2], len(data)))
for offset, text in runs:
    print('            (%d, "%s"),' % (offset, text))
print('        ]),')
PY
  exit 0
fi

seconds="${1:-120}"
out="$root/.build/fuzz"
mkdir -p "$out/seeds" "$out/corpus" "$out/crashes"

echo "fuzz: building $out/fuzz-volumes"
swiftc -sanitize=fuzzer,address -parse-as-library -O -D CUSTODY_FUZZING -module-name CustodyVolumesFuzz \
  "$root"/Sources/CustodyVolumes/*.swift "$root/fuzz/FuzzVolumes.swift" \
  -o "$out/fuzz-volumes" 2> "$out/build.log" || { cat "$out/build.log" >&2; exit 1; }
# ld.gold warns that it cannot export the sanitizer's local symbols; harmless.
grep -v "Cannot export local symbol" "$out/build.log" >&2 || true

if [ ! -f "$out/seeds/seed-exfat.img" ] || [ "$root/scripts/make-test-images.sh" -nt "$out/seeds/seed-exfat.img" ]; then
  echo "fuzz: making the seed corpus"
  "$root/scripts/make-test-images.sh" --seeds "$out/seeds"
fi

echo "fuzz: running for ${seconds}s"
# -max_len covers the boot sector, FATs and first directories of every seed (the
# parsers treat the rest as a truncated image); -timeout catches hangs; -rss_limit_mb
# catches unbounded memory.
"$out/fuzz-volumes" \
  -max_total_time="$seconds" -max_len=1048576 -timeout=10 -rss_limit_mb=2048 -malloc_limit_mb=1024 \
  -print_final_stats=1 -artifact_prefix="$out/crashes/" \
  "$out/corpus" "$out/seeds"
