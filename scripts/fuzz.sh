#!/usr/bin/env bash
# Fuzzes Custody's parsers of outside input with libFuzzer, one target after another.
#
#   scripts/fuzz.sh [SECONDS] [TARGET...]   SECONDS per target (default 120); all targets by default
#   scripts/fuzz.sh --regression FILE [NAME] a volumes crash as a FuzzInput literal (below)
#
# Targets (fuzz/README.md says what each runs and what counts as a finding):
#   volumes   MBR/GPT, FAT12/16/32 and exFAT (Sources/CustodyVolumes)
#   metadata  MP4/MOV, JPEG EXIF, WAV/BWF/RF64 (Sources/CustodyMetadata)
#   json      the event-detail JSON reader (Sources/CustodyModel/JSON/JSONValueParser.swift)
#   registry  the CSV and iCalendar registry readers and their row checks (Sources/CustodyStore/Registry)
#   http      the control server's request path: NIO's HTTP/1.1 decoder, request assembly, ControlRoutes
#
# volumes, metadata and json are built with swiftc from their module's sources plus
# fuzz/Fuzz*.swift (-sanitize=fuzzer,address -D CUSTODY_FUZZING: CustodyVolumes then
# reports checksums without enforcing them, so mutations get past them); registry and
# http are SwiftPM products (fuzz/Registry, fuzz/HTTP) built with the same flags in
# .build/fuzz/spm. Seeds come from real files (scripts/make-test-images.sh --seeds,
# scripts/make-fuzz-seeds.sh). Everything lives under .build/fuzz/TARGET: the growing
# corpus in corpus/, crashing inputs in crashes/. Inputs that once crashed stay in
# fuzz/regressions/TARGET/ and are run first every time (and by the unit tests).
# Exits non-zero when libFuzzer finds a crash, a leak, a timeout or runaway memory.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"

# `fuzz.sh --regression FILE [NAME]` prints a crashing volumes input as a FuzzInput
# literal to paste into Tests/CustodyVolumesTests/FuzzCrashers.swift.
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
shift || true
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(volumes metadata json registry http)
out="$root/.build/fuzz"
flags=(-sanitize=fuzzer,address -parse-as-library -O -D CUSTODY_FUZZING)

# build_module TARGET MODULE-SOURCES-DIR HARNESS [FILE...]: one module of the sources, the harness
# and any further source files it needs.
build_module() {
  local target=$1 sources=$2 harness=$3 dir="$out/$1"
  shift 3
  local extra=("${@/#/$root/}")
  # Built again only when a source or the harness is newer than the binary.
  if [ -x "$dir/fuzz-$target" ] && [ -z "$(find "$root/$sources" "$root/fuzz/$harness" "${extra[@]}" -name '*.swift' -newer "$dir/fuzz-$target" | head -1)" ]; then
    echo "fuzz: $dir/fuzz-$target is up to date"
    return
  fi
  echo "fuzz: building $dir/fuzz-$target"
  swiftc "${flags[@]}" -module-name "Custody${target^}Fuzz" "$root/$sources"/*.swift "${extra[@]}" "$root/fuzz/$harness" \
    -o "$dir/fuzz-$target" 2> "$dir/build.log" || { cat "$dir/build.log" >&2; exit 1; }
  # ld.gold warns that it cannot export the sanitizer's local symbols; harmless.
  grep -v "Cannot export local symbol" "$dir/build.log" >&2 || true
}

# build_product TARGET: the SwiftPM product custody-fuzz-TARGET, sanitized, in its own build directory.
build_product() {
  local target=$1 dir="$out/$1"
  echo "fuzz: building custody-fuzz-$target (SwiftPM, $out/spm)"
  (cd "$root" && swift build -c debug --product "custody-fuzz-$target" --scratch-path "$out/spm" \
      -Xswiftc -sanitize=fuzzer,address -Xswiftc -parse-as-library -Xswiftc -DCUSTODY_FUZZING \
      > "$dir/build.log" 2>&1) || { tail -50 "$dir/build.log" >&2; exit 1; }
  cp "$out/spm/debug/custody-fuzz-$target" "$dir/fuzz-$target"
}

# seeds TARGET: made once, and again when the script that makes them changes.
seeds() {
  local target=$1 dir="$out/$1/seeds" maker
  maker="$root/scripts/make-fuzz-seeds.sh"
  [ "$target" = volumes ] && maker="$root/scripts/make-test-images.sh"
  if [ -f "$dir/.made" ] && [ ! "$maker" -nt "$dir/.made" ]; then return; fi
  echo "fuzz: making the $target seed corpus"
  rm -rf "$dir"
  mkdir -p "$dir"
  if [ "$target" = volumes ]; then "$maker" --seeds "$dir"; else "$maker" "$target" "$dir"; fi
  touch "$dir/.made"
}

status=0
for target in "${targets[@]}"; do
  dir="$out/$target"
  mkdir -p "$dir/corpus" "$dir/crashes" "$root/fuzz/regressions/$target"
  # -max_len covers what each reader examines of a seed; -timeout catches hangs;
  # -rss_limit_mb and -malloc_limit_mb catch unbounded memory.
  extra=()
  unset ASAN_OPTIONS
  case "$target" in
    volumes)  build_module volumes Sources/CustodyVolumes FuzzVolumes.swift Sources/CustodyCRC32/CRC32.swift; max_len=1048576 ;;
    metadata) build_module metadata Sources/CustodyMetadata FuzzMetadata.swift; max_len=65536 ;;
    json)     build_module json Sources/CustodyModel/JSON FuzzJSON.swift Sources/CustodyProtocol/WireCoding.swift; max_len=16384 ;;
    registry) build_product registry; max_len=16384 ;;
    # The routes' store, station key and event loops live across inputs by design (a new
    # store per input would cost more than the request), and LeakSanitizer counts what the
    # first input makes of them (and a 65-byte Data inside swift-crypto's Ed25519 key) as
    # leaked: leaks are not what this target looks for.
    http)     build_product http; max_len=16384; extra=(-detect_leaks=0); export ASAN_OPTIONS=detect_leaks=0 ;;
    *) echo "fuzz: unknown target $target (volumes metadata json registry http)" >&2; exit 2 ;;
  esac
  seeds "$target"
  # A dictionary of the format's tokens, where the target has one (fuzz/TARGET.dict).
  [ -f "$root/fuzz/$target.dict" ] && extra+=(-dict="$root/fuzz/$target.dict")
  echo "fuzz: running $target for ${seconds}s"
  # The regressions come first on the command line: libFuzzer runs every input of
  # every directory before mutating, so a crash found once fails every later run.
  code=0
  "$dir/fuzz-$target" \
    -max_total_time="$seconds" -max_len="$max_len" -timeout=10 -rss_limit_mb=2048 -malloc_limit_mb=1024 \
    -print_final_stats=1 -artifact_prefix="$dir/crashes/" ${extra[@]+"${extra[@]}"} \
    "$dir/corpus" "$root/fuzz/regressions/$target" "$dir/seeds" > "$dir/last-run.log" 2>&1 || code=$?
  # The figures (executions, per second, coverage) and any finding, from the full log.
  grep -E "^#[0-9]+ +(INITED|DONE)|^stat::(number_of_executed_units|average_exec_per_sec|peak_rss_mb)|ERROR|SUMMARY|Fatal error|failed|Test unit written|^Done" \
    "$dir/last-run.log" | sed "s/^/fuzz $target: /" || true
  if [ "$code" -ne 0 ]; then
    echo "fuzz $target: FAILED (exit $code); the whole log is $dir/last-run.log" >&2
    status=1
  fi
done
exit $status
