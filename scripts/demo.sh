#!/usr/bin/env bash
# The whole pipeline on emulated evidence: generate a realistic card, start custodyd
# in a scratch directory, ingest the card, show what was stored, stop cleanly.
set -euo pipefail
bin="${1:-.build/debug}"
bin="$(cd "$bin" && pwd)"
repo="$(cd "$(dirname "$0")/.." && pwd)"
scratch="$repo/out/demo"
rm -rf "$scratch"
mkdir -p "$scratch/card"

step() { printf '\n\033[1m== %s\033[0m\n' "$*"; }

step "Making a body camera's and a recorder's card (ffmpeg, sox, espeak-ng, exiftool)"
bash "$repo/scripts/make-sample-media.sh" "$scratch/card"

cat > "$scratch/custodyd.toml" <<TOML
# Demo configuration: everything else keeps its documented default.
[ingest]
allowedPaths = ["$scratch/card"]
[control]
socketGroup = ""
[devices]
# The shipped catalog, and the models of the emulated test devices.
catalog = ["$repo/catalog", "$repo/system-tests/catalog"]

# Courtroom 3's microphones (judge, witness), emulated by an ALSA file PCM (below).
[[courtroom]]
id = "CR3"
pcm = "demo_courtroom3"
channels = 2
rate = 48000
format = "S16_LE"
channelNames = ["judge", "witness"]
segmentMinutes = 30
# Five-second segments, so that a short demo hearing makes several.
segmentFrames = 240000
silenceSeconds = 3

# A courtroom whose interface is not plugged in: recording there fails, naming its PCM.
[[courtroom]]
id = "CR7"
pcm = "hw:CARD=Courtroom7"
TOML

# The emulated hearing: the judge's and the witness's microphones (espeak-ng voices,
# sox), replayed by a real alsa-lib `file` PCM; ALSA_CONFIG_PATH gives custodyd this
# configuration instead of the system's (it defines every PCM it names).
hearing="$scratch/hearing"
mkdir -p "$hearing"
espeak-ng -v en-gb -s 150 -w "$hearing/judge.wav" \
  "All rise. The court is in session. We are here for the main hearing in case K seventeen of twenty twenty six. The witness may take the stand."
espeak-ng -v en-us -s 140 -w "$hearing/witness.wav" \
  "Thank you, your honour. My name is Ana Petrovic and I saw the car leave the market at about nine in the morning."
sox -D "$hearing/judge.wav" -r 48000 -b 16 "$hearing/judge48.wav"
# The witness speaks after four seconds of silence (long enough for the silence alarm).
sox -D "$hearing/witness.wav" -r 48000 -b 16 "$hearing/witness48.wav" pad 4 0
sox -D -M "$hearing/judge48.wav" "$hearing/witness48.wav" -t raw -e signed-integer -b 16 "$hearing/hearing.raw"
hearing_frames=$(( $(stat -c %s "$hearing/hearing.raw") / 4 ))
cat > "$hearing/alsa.conf" <<ALSA
# The demo's ALSA configuration: courtroom 3's microphones, replayed from a recording.
pcm.demo_null { type null }
pcm.demo_courtroom3 {
    type file
    slave.pcm "demo_null"
    file "/dev/null"
    infile "$hearing/hearing.raw"
    format "raw"
}
ALSA

# custodyd runs inside a umockdev testbed: the real libusb sees emulated USB devices,
# which the demo docks and undocks (system-tests/umockdev/testbed-driver.py).
control="$scratch/umockdev-control"
mkdir -p "$control"
request=0
testbed() {
  request=$((request + 1))
  local name; name=$(printf %04d $request)
  echo "$*" > "$control/tmp-$name"
  mv "$control/tmp-$name" "$control/request-$name"
  while [ ! -f "$control/done-$name" ]; do sleep 0.01; done
  grep -q '^ok' "$control/done-$name" || { echo "testbed: $(cat "$control/done-$name")"; exit 1; }
}

step "Starting custodyd (state in $scratch/state), with emulated USB"
ALSA_CONFIG_PATH="$hearing/alsa.conf" CUSTODY_UMOCKDEV_CONTROL="$control" umockdev-wrapper /usr/bin/python3 "$repo/system-tests/umockdev/testbed-driver.py" \
  "$repo/system-tests/umockdev" - \
  "$bin/custodyd" --config "$scratch/custodyd.toml" --state-dir "$scratch/state" --socket "$scratch/control.sock" \
  > "$scratch/custodyd.log" 2>&1 &
daemon=$!
trap 'kill $daemon 2>/dev/null || true' EXIT
export CUSTODY_SOCKET="$scratch/control.sock"
for _ in $(seq 1 100); do
  "$bin/custodyctl" status >/dev/null 2>&1 && break
  sleep 0.1
done
ctl() { echo "\$ custodyctl $*"; "$bin/custodyctl" "$@"; }
ctl status

step "Ingesting the card (hash while copying, verify, commit)"
ctl ingest "$scratch/card" --wait || true

step "The recordings, with the time each was recorded (from its own metadata)"
ctl items

step "One item in full: the truncated clip is kept as evidence, its problem noted"
truncated=$("$bin/custodyctl" --json items --text TRUNCATED | sed -n 's/^ *"id" : \([0-9]*\),*$/\1/p' | head -1)
ctl item "$truncated"

step "Docking the same card again: recognised, nothing duplicated"
ctl ingest "$scratch/card" --wait
ctl jobs

step "The custody events of one recording"
ctl audit --item 1

step "Cross-check: sha256sum of the originals against the store"
"$bin/custodyctl" --json items --limit 1000 | /usr/bin/python3 -c '
import json, subprocess, sys
items = json.load(sys.stdin)
root = sys.argv[1]
bad = 0
for i in items:
    out = subprocess.run(["sha256sum", root + "/" + i["source"]["path"]], capture_output=True, text=True, check=True).stdout.split()[0]
    bad += out != i["sha256"]
print(f"{len(items)} items, {len(items) - bad} match sha256sum of the original, {bad} differ")
sys.exit(1 if bad else 0)
' "$scratch/card"

step "Tagging: the registry from CSV and the court calendar (scripts/demo-data)"
data="$repo/scripts/demo-data"
for kind in officers courtrooms devices assignments; do ctl import "$kind" "$data/$kind.csv"; done
ctl import hearings "$data/hearings.ics"
ctl import hearings "$data/hearings.ics"   # again: nothing changes, no new custody event
echo "A bad file is refused whole, each bad line named (nothing is written):"
ctl import hearings "$data/bad-hearings.csv" || true
ctl assignments --device BWC-0042
ctl hearings

step "Tagging: the body camera's and the courtroom recorder's cards, through a card reader"
ctl ingest "$scratch/card/DCIM" --device BWC-0042 --wait || true
ctl ingest "$scratch/card/AUDIO" --device REC-CR3 --wait || true
echo "Recordings of body camera BWC-0042, each tagged to the officer holding it at its own recording time:"
ctl items --device BWC-0042
echo "Officer B-2077's recordings in the week, and the courtroom's recordings of hearing H-2026-0142 (case K-17/2026):"
ctl items --officer B-2077 --from 2026-03-09T00:00:00Z --to 2026-03-16T00:00:00Z
ctl items --hearing H-2026-0142
clip=$("$bin/custodyctl" --json items --device BWC-0042 --text CLIP0003 | sed -n 's/^ *"id" : \([0-9]*\),*$/\1/p' | head -1)
ctl tag "$clip" --category evidential --case K-17/2026 --note "Arrest at the market, shown in court"
ctl items --text "market"

step "Gaps: what is missing from the record"
ctl gaps --from 2026-03-14T00:00:00Z --to 2026-03-18T00:00:00Z

# Waits (at most 60 s) until `custodyctl --json devices` shows the JSON fragment $1.
devices_show() {
  for _ in $(seq 1 600); do
    "$bin/custodyctl" --json devices | grep -q "$1" && return 0
    sleep 0.1
  done
  echo "devices never showed $1"; "$bin/custodyctl" devices; exit 1
}

step "Docking an emulated body camera in the kernel's order (real libusb and libudev, umockdev): its USB device first, its storage a second later, while custodyctl watch follows"
# The camera's medium: a FAT12 image (mkfs.fat, mcopy) with the sample card's photos, a
# half-written .TMP its catalog entry excludes, and a deleted clip.
camera="$scratch/bodycam-fat12.img"
truncate -s 4M "$camera"
mkfs.fat -F 12 -n BWC0001234 "$camera" > /dev/null
MTOOLS_SKIP_CHECK=1 mmd -i "$camera" ::DCIM
MTOOLS_SKIP_CHECK=1 mcopy -s -i "$camera" "$scratch/card/DCIM/101PHOTO" ::DCIM
echo "interrupted" > "$scratch/REC0009.TMP"
MTOOLS_SKIP_CHECK=1 mcopy -i "$camera" "$scratch/REC0009.TMP" ::DCIM/REC0009.TMP
MTOOLS_SKIP_CHECK=1 mcopy -i "$camera" "$scratch/REC0009.TMP" ::DCIM/DELETED.MP4
MTOOLS_SKIP_CHECK=1 mdel -i "$camera" ::DCIM/DELETED.MP4
"$bin/custodyctl" watch --seconds 300 > "$scratch/watch.log" 2>&1 &
watcher=$!
sleep 0.5
testbed dock bodycam-mass-storage
devices_show '"state" : "waitingForMedium"'
echo "Its USB device is there, its storage not yet: it waits (nothing is polled meanwhile), saying since when:"
ctl devices
sleep 1   # the emulation's: usb-storage scans a second after the device enumerates
testbed present bodycam-mass-storage sdb "$camera"
devices_show '"state" : "done"'
ctl devices
echo "Its recordings, read from the FAT12 file system in user space (never mounted); the .TMP was left out by its catalog entry:"
ctl items --device BWC0001234
testbed remove bodycam-mass-storage

step "A two-slot card reader docked with no card: it waits; a FAT32 card inserted into its first slot is ingested"
# The card: a FAT32 image made by mkfs.fat and mcopy from the sample card.
image="$scratch/card-fat32.img"
truncate -s 64M "$image"
mkfs.fat -F 32 -n EVIDENCE01 "$image" > /dev/null
MTOOLS_SKIP_CHECK=1 mcopy -s -i "$image" "$scratch/card/DCIM" ::
testbed dock card-reader-two-slot
testbed present card-reader-two-slot sdc
testbed present card-reader-two-slot sdd
devices_show '"blockDevice" : "/dev/sdd"'
ctl devices
testbed insert sdc "$image"
devices_show '"state" : "done"'
echo "The card in slot 0 was read as its own job; slot 1 still waits:"
ctl devices
ctl items --device CRD0000050 --text 100BWC01
echo "The job's custody record names the medium (label, serial, deleted entries seen) and the slot it was in:"
"$bin/custodyctl" audit | grep "job.create.*volume:/dev/sdc" | cut -c1-420
testbed eject sdc
testbed remove card-reader-two-slot
sleep 1   # custodyctl watch looks every 250 ms: let it see the undock
kill $watcher 2>/dev/null || true
wait $watcher || true
echo "\$ custodyctl watch"
cat "$scratch/watch.log"
ctl devices --all

step "Recording hearing H-DEMO-0316 in courtroom 3 (real alsa-lib; a file PCM stands in for the microphones)"
# The clerk records a hearing of the court's calendar, due in half an hour; its case comes from the registry.
cat > "$scratch/hearing-now.csv" <<CSV
id,case,courtroom,judge,start,end,title
H-DEMO-0316,K-17/2026,CR3,Judge Demo,$(date -u -d '+30 min' +%Y-%m-%dT%H:%M:%SZ),$(date -u -d '+150 min' +%Y-%m-%dT%H:%M:%SZ),Main hearing
CSV
ctl import hearings "$scratch/hearing-now.csv"
echo "A hearing the registry does not have is refused:"
ctl record start --courtroom CR3 --hearing H-MADE-UP --case K-99/2026 || true
ctl record start --courtroom CR3 --hearing H-DEMO-0316 --duration "${hearing_frames}f"
for _ in $(seq 1 600); do
  status=$("$bin/custodyctl" --json record status --courtroom CR3)
  grep -q '"stopReason"' <<< "$status" && grep -q '"segmentsPending" : 0' <<< "$status" && break
  sleep 0.1
done
ctl record status
echo "Each segment, filed as evidence in order, with the gaps between them (none: they are contiguous):"
ctl record segments --hearing H-DEMO-0316
echo "The hearing's items: its segments by recording time (each the first sample's, from its bext chunk):"
ctl items --hearing H-DEMO-0316
segment=$("$bin/custodyctl" --json items --hearing H-DEMO-0316 | sed -n 's/^ *"id" : \([0-9]*\),*$/\1/p' | head -1)
echo "A segment's custody events: stored and verified, then its summary (levels, gaps, alarms):"
ctl audit --item "$segment"
sha=$("$bin/custodyctl" --json item "$segment" | sed -n 's/^ *"sha256" : "\([0-9a-f]*\)",*$/\1/p' | head -1)
echo "\$ mediainfo (the stored copy of segment 1)"
mediainfo "$scratch/state/blobs/sha256/${sha:0:2}/${sha:2:2}/$sha" | grep -E "^(Format|Duration|Channel\(s\)|Sampling rate|Bit depth|Description|Originator|Encoded date|Recorded date) " || true
echo "Courtroom 7's interface is not plugged in: the session reports the fault, naming the PCM:"
ctl record start --courtroom CR7 --hearing H-DEMO-0317 || true
ctl record status

step "Restarting custodyd outside the USB emulation (SIGTERM, then start): everything recorded is still there"
kill -TERM $daemon
wait $daemon || true
ALSA_CONFIG_PATH="$hearing/alsa.conf" "$bin/custodyd" --config "$scratch/custodyd.toml" --state-dir "$scratch/state" --socket "$scratch/control.sock" \
  >> "$scratch/custodyd.log" 2>&1 &
daemon=$!
for _ in $(seq 1 100); do
  "$bin/custodyctl" status >/dev/null 2>&1 && break
  sleep 0.1
done
ctl status

step "Verifying the whole store: every ledger entry, checkpoint signature and stored file"
ctl verify --full

step "Exporting case K-17/2026 for court (a custody event; a checkpoint is signed for it)"
ctl export --case K-17/2026 --out "$scratch/export" --reason "demo: disclosure to the defence"
ls -R "$scratch/export" | head -20

step "Checking the export with tools that are not Custody's"
echo "\$ sha256sum -c SHA256SUMS"
(cd "$scratch/export" && sha256sum -c SHA256SUMS)
echo "\$ python3 tools/verify-export/verify_export.py $scratch/export --key \"\$(custodyctl ledger key)\""
/usr/bin/python3 "$repo/tools/verify-export/verify_export.py" "$scratch/export" --key "$("$bin/custodyctl" ledger key)" | tail -6
echo "\$ case_validate case-uco.jsonld"
"$repo/.build-venv/bin/case_validate" "$scratch/export/case-uco.jsonld" | head -2

step "Stopping custodyd (SIGTERM: graceful)"
kill -TERM $daemon
wait $daemon && echo "custodyd exited cleanly"
trap - EXIT
echo "Log: $scratch/custodyd.log"
