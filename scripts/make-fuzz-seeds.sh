#!/usr/bin/env bash
# Makes the seed corpus of one fuzz target from real files (scripts/fuzz.sh calls it).
#
#   make-fuzz-seeds.sh metadata DIR   MP4/MOV by ffmpeg, JPEG with EXIF by ffmpeg + exiftool,
#                                     WAV by sox, Broadcast Wave (bext) and RF64 by ffmpeg
#   make-fuzz-seeds.sh json DIR       event details and API bodies as the daemon writes them
#   make-fuzz-seeds.sh registry DIR   the demo's and tests' CSV and iCalendar files, each
#                                     behind the byte that picks its kind
#   make-fuzz-seeds.sh http DIR       one request per documented route, behind the byte that
#                                     picks the caller's roles
#
# Each seed is small (a few KiB): the fuzzer mutates headers, not payloads.
set -euo pipefail
export TZ=UTC LC_ALL=C.UTF-8
root="$(cd "$(dirname "$0")/.." && pwd)"
target="${1:?usage: make-fuzz-seeds.sh metadata|json|registry|http DIR}"
out="${2:?usage: make-fuzz-seeds.sh metadata|json|registry|http DIR}"
mkdir -p "$out"

ff() { ffmpeg -hide_banner -loglevel error -nostdin -y "$@"; }

# prefixed BYTE FILE OUT: OUT is the byte (decimal) followed by FILE's bytes.
prefixed() { { printf "\\$(printf '%03o' "$1")"; cat "$2"; } > "$3"; }

case "$target" in
metadata)
  for tool in ffmpeg exiftool sox; do
    command -v "$tool" >/dev/null || { echo "make-fuzz-seeds: '$tool' is not installed (scripts/install-deps.sh)" >&2; exit 1; }
  done
  when=2026-03-14T09:30:00Z
  # Video: one tiny frame each, moov first (faststart) and last, MP4 and QuickTime.
  ff -f lavfi -i color=c=blue:s=16x16:d=0.04 -c:v mpeg4 -metadata creation_time=$when -movflags +faststart "$out/clip-faststart.mp4"
  ff -f lavfi -i color=c=red:s=16x16:d=0.04 -c:v mpeg4 -metadata creation_time=$when "$out/clip-moov-last.mp4"
  ff -f lavfi -i color=c=green:s=16x16:d=0.04 -c:v mpeg4 -metadata creation_time=$when "$out/clip.mov"
  ff -f lavfi -i sine=f=440:d=0.05 -c:a aac -b:a 16k -metadata creation_time=$when "$out/audio.m4a"
  # Photos: EXIF DateTimeOriginal with OffsetTimeOriginal and SubSecTimeOriginal, big- and little-endian.
  ff -f lavfi -i color=c=white:s=8x8 -frames:v 1 "$out/photo.jpg"
  cp "$out/photo.jpg" "$out/photo-le.jpg"
  exiftool -q -overwrite_original -DateTimeOriginal="2026:03:14 10:30:00" -OffsetTimeOriginal="+01:00" \
    -SubSecTimeOriginal=25 -Make=Custody -Model=Seed "$out/photo.jpg"
  exiftool -q -overwrite_original -ExifByteOrder=Little-endian -DateTimeOriginal="2026:03:14 10:30:00" "$out/photo-le.jpg"
  # Audio: plain WAV (sox), Broadcast Wave with bext (ffmpeg), RF64 with ds64 (ffmpeg), 24-bit extensible.
  sox -n -r 8000 -c 1 -b 16 "$out/plain.wav" synth 0.02 sine 440
  ff -f lavfi -i sine=f=440:d=0.02:sample_rate=8000 -c:a pcm_s16le -write_bext 1 \
    -metadata origination_date=2026-03-14 -metadata origination_time=09:30:00 -metadata time_reference=273600000 \
    -metadata originator=Custody -metadata description="fuzz seed" "$out/bext.wav"
  ff -f lavfi -i sine=f=440:d=0.02:sample_rate=8000 -c:a pcm_s16le -rf64 always -write_bext 1 \
    -metadata origination_date=2026-03-14 -metadata origination_time=09:30:00 "$out/rf64.wav"
  sox -n -r 8000 -c 3 -b 24 "$out/extensible.wav" synth 0.01 sine 440
  ;;
json)
  printf '%s' '{}' > "$out/empty.json"
  printf '%s' '{"path":"DCIM\/100BWC01\/CLIP0001.MP4","size":1048576,"sha256":"9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08","ratio":-1.5e3,"tiny":2.5E-7}' > "$out/item-store.json"
  printf '%s' '{"cyr":"Саслушање","esc":"\u0421\u0430","pair":"\ud83d\udcf9","ctl":"\b\f\n\r\t\u0001","q":"say \"hi\""}' > "$out/strings.json"
  printf '%s' '[[[[true,false,null]]],{"a":[1,2.5,-0.0,1e300]}]' > "$out/nested.json"
  printf '%s' '{"method":"GET","needs":"auditor, supervisor, admin","findings":["dropped a partial trailing frame of 3 bytes"],"treeSize":42}' > "$out/detail.json"
  printf '%s' '"just a string"' > "$out/string.json"
  ;;
registry)
  # Kinds by first byte (fuzz/Registry/FuzzRegistry.swift): 0 officers, 1 devices, 2 courtrooms,
  # 3 assignments, 4 hearings (CSV), 5 hearings (iCalendar).
  demo="$root/scripts/demo-data"
  prefixed 0 "$demo/officers.csv" "$out/officers.csv"
  prefixed 1 "$demo/devices.csv" "$out/devices.csv"
  prefixed 2 "$demo/courtrooms.csv" "$out/courtrooms.csv"
  prefixed 3 "$demo/assignments.csv" "$out/assignments.csv"
  prefixed 4 "$demo/bad-hearings.csv" "$out/bad-hearings.csv"
  prefixed 5 "$demo/hearings.ics" "$out/hearings.ics"
  tmp="$(mktemp)"
  printf 'id,case,courtroom,judge,start,end,title\r\nH-1,K-1,3,"Judge ""J"" Doe",2026-03-16T09:00:00+01:00,2026-03-16T11:30:00.250Z,"Line one\nline two"\r\n' > "$tmp"
  prefixed 4 "$tmp" "$out/hearings-quoted.csv"
  printf 'device_serial;badge;from;to;kind\nBWC-0042;B-1042;2026-03-09T06:00:00Z;;shift\n' > "$tmp"
  prefixed 3 "$tmp" "$out/assignments-semicolon.csv"
  printf 'BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nUID:H-2\r\nSUMMARY:Hearing\\, two\r\nLOCATION:3\r\nX-CUSTODY-CASE:K-2\r\nORGANIZER;CN="Judge Roe":mailto:roe@example.org\r\nDTSTART;TZID=Europe/Belgrade:20260316T090000\r\nDURATION:PT1H30M\r\nBEGIN:VALARM\r\nTRIGGER:-PT15M\r\nEND:VALARM\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n' > "$tmp"
  prefixed 5 "$tmp" "$out/hearing-duration.ics"
  rm -f "$tmp"
  ;;
http)
  # Roles by first byte (fuzz/HTTP/FuzzHTTP.swift): 1 operator, 2 supervisor, 4 auditor, 8 admin, 0 none.
  n=0
  req() {  # req ROLES METHOD PATH [BODY]
    local body="${4:-}" file
    n=$((n + 1))
    file="$out/$(printf '%02d' "$n")-$2$(printf '%s' "$3" | tr -c 'a-zA-Z0-9' '-' | cut -c1-40)"
    {
      printf "\\$(printf '%03o' "$1")"
      printf '%s %s HTTP/1.1\r\nHost: custodyd\r\n' "$2" "$3"
      if [ -n "$body" ]; then printf 'Content-Type: application/json\r\nContent-Length: %d\r\n' "${#body}"; fi
      printf '\r\n%s' "$body"
    } > "$file"
  }
  req 1 GET /v1/status
  req 15 GET '/v1/items?from=2026-03-14T00:00:00Z&to=2026-03-15T00:00:00Z&limit=10&text=CLIP'
  req 1 GET /v1/items/1
  req 1 GET '/v1/jobs?limit=5'
  req 1 GET '/v1/jobs/1?files=false'
  req 1 POST /v1/jobs '{"path":"/srv/custody/import/card","device":"BWC-0042"}'
  req 4 GET '/v1/events?item=1&after=0&limit=100'
  req 1 GET '/v1/devices?all=true'
  req 1 GET /v1/ledger
  req 8 POST /v1/checkpoints
  req 4 GET '/v1/proofs?item=1'
  req 4 POST /v1/verify '{"full":false}'
  req 4 POST /v1/exports '{"items":[1],"reason":"disclosure"}'
  req 4 GET /v1/blobs/9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08
  req 8 PUT /v1/log-level '{"level":"debug"}'
  req 1 GET /v1/recordings
  req 1 POST /v1/clocks '{"device":"BWC-0042","offsetSeconds":150}'
  req 2 POST /v1/imports '{"kind":"officers","format":"csv","content":"badge,name,unit\nB-1,A,U\n"}'
  req 2 POST /v1/holds '{"case":"K-17/2026","reason":"appeal"}'
  req 2 POST /v1/retention '{"apply":false}'
  req 2 GET '/v1/gaps?from=2026-03-01T00:00:00Z&to=2026-03-31T00:00:00Z'
  req 1 POST /v1/checkouts '{"device":"POOL-03","officer":"B-1042"}'
  req 0 GET /v1/officers
  req 4 GET /metrics
  # Two requests on one connection, the second with a chunked body.
  n=$((n + 1))
  printf '\001GET /v1/status HTTP/1.1\r\nHost: x\r\n\r\nPOST /v1/jobs HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n5\r\n{"pat\r\n7\r\nh":"/"}\r\n0\r\n\r\n' > "$out/$(printf '%02d' "$n")-pipelined"
  ;;
*)
  echo "make-fuzz-seeds: unknown target $target (metadata, json, registry, http)" >&2
  exit 2
  ;;
esac
