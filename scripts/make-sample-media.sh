#!/usr/bin/env bash
# make-sample-media.sh DIR
#
# Fills DIR with a small, realistic evidence set, laid out the way a body camera's
# card and a courtroom recorder's card hold it:
#
#   DIR/DCIM/100BWC01/CLIP0001.MP4 .. CLIP0003.MP4   body-camera clips (H.264 + AAC)
#   DIR/DCIM/100BWC01/CLIP0004_TRUNCATED.MP4         a clip cut in half (camera yanked
#                                                    mid-write): still evidence, no moov
#   DIR/DCIM/100BWC01/CLIP0005.MOV                   a QuickTime clip
#   DIR/DCIM/101PHOTO/IMG_0001.JPG .. IMG_0003.JPG    photos with EXIF DateTimeOriginal
#                                                    + OffsetTimeOriginal
#   DIR/AUDIO/HEARING_0001.WAV, DIR/AUDIO/саслушање.wav  Broadcast Wave speech (bext, UTC)
#   DIR/AUDIO/NOTE0001.WAV                           a plain WAV (no recording time)
#
# Every file's embedded recording time is fixed (so the set is deterministic in
# names and embedded times), and every file's mtime is set to a different, later
# time, so a reader can tell which of the two it used.
#
# Prints one line per file made:  <path relative to DIR> TAB recorded=<UTC time or
# none> TAB mtime=<UTC time>.  Needs ffmpeg, exiftool, sox and espeak-ng
# (scripts/install-deps.sh installs them).
set -euo pipefail

if [ $# -ne 1 ] || [ -z "$1" ]; then
  echo "usage: $0 DIR" >&2
  exit 2
fi

for tool in ffmpeg exiftool sox espeak-ng; do
  if ! command -v "$tool" >/dev/null 2>&1; then
    echo "make-sample-media: required tool '$tool' is not installed (run scripts/install-deps.sh)" >&2
    exit 1
  fi
done

export TZ=UTC LC_ALL=C.UTF-8

out=$1
cam="$out/DCIM/100BWC01"
photos="$out/DCIM/101PHOTO"
audio="$out/AUDIO"
mkdir -p "$cam" "$photos" "$audio"

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

ff() {
  ffmpeg -hide_banner -loglevel error -nostdin -y "$@"
}

# report FILE RECORDED MTIME: set the file's mtime and print its line.
report() {
  local file=$1 recorded=$2 mtime=$3
  touch -d "$mtime" "$file"
  printf '%s\trecorded=%s\tmtime=%s\n' "${file#"$out"/}" "$recorded" "$(date -u -r "$file" +%Y-%m-%dT%H:%M:%SZ)"
}

# clip OUT CREATION_TIME SECONDS TONE_HZ [extra ffmpeg output options...]
clip() {
  local dest=$1 created=$2 seconds=$3 tone=$4
  shift 4
  ff -f lavfi -i "testsrc2=size=320x240:rate=15:duration=$seconds" \
     -f lavfi -i "sine=frequency=$tone:sample_rate=22050:duration=$seconds" \
     -map 0:v -map 1:a -c:v libx264 -preset veryfast -crf 32 -pix_fmt yuv420p \
     -c:a aac -b:a 32k -ac 1 -shortest \
     -metadata creation_time="$created" "$@" "$dest"
}

# Body camera: three clips over a shift, each with its own creation time.
clip "$cam/CLIP0001.MP4" 2026-03-14T09:26:53Z 4 440
report "$cam/CLIP0001.MP4" 2026-03-14T09:26:53Z "2026-04-02 08:00:01 UTC"
clip "$cam/CLIP0002.MP4" 2026-03-14T09:41:07Z 3 523 -movflags +faststart
report "$cam/CLIP0002.MP4" 2026-03-14T09:41:07Z "2026-04-02 08:00:02 UTC"
clip "$cam/CLIP0003.MP4" 2026-03-14T10:02:30Z 5 659
report "$cam/CLIP0003.MP4" 2026-03-14T10:02:30Z "2026-04-02 08:00:03 UTC"

# A clip whose recording was cut off: the first half of a file whose moov is at the end.
clip "$work/full.mp4" 2026-03-14T10:15:00Z 4 784
full_size=$(stat -c %s "$work/full.mp4")
head -c $((full_size / 2)) "$work/full.mp4" >"$cam/CLIP0004_TRUNCATED.MP4"
report "$cam/CLIP0004_TRUNCATED.MP4" none "2026-04-02 08:00:04 UTC"

# A QuickTime clip (ftyp major brand 'qt  ').
clip "$cam/CLIP0005.MOV" 2026-03-14T10:30:12Z 3 880 -f mov
report "$cam/CLIP0005.MOV" 2026-03-14T10:30:12Z "2026-04-02 08:00:05 UTC"

# Still camera: EXIF DateTimeOriginal in local time plus its UTC offset. ModifyDate
# (IFD0 DateTime) is set to a later time: it is not the recording time.
# photo NAME PATTERN LOCAL_TIME OFFSET SUBSEC RECORDED_UTC MTIME
photo() {
  local name=$1 pattern=$2 local_time=$3 offset=$4 subsec=$5 recorded=$6 mtime=$7
  ff -f lavfi -i "$pattern=size=640x480" -frames:v 1 -q:v 6 "$photos/$name"
  exiftool -q -overwrite_original \
    -Make=Custody -Model="Evidence Camera EC-1" \
    -DateTimeOriginal="$local_time" -OffsetTimeOriginal="$offset" -SubSecTimeOriginal="$subsec" \
    -ModifyDate="2026:03:20 12:00:00" "$photos/$name"
  report "$photos/$name" "$recorded" "$mtime"
}
photo IMG_0001.JPG testsrc2 "2026:03:14 10:45:10" "+01:00" 00 2026-03-14T09:45:10Z "2026-04-02 08:01:01 UTC"
photo IMG_0002.JPG smptebars "2026:03:14 10:45:42" "+01:00" 50 2026-03-14T09:45:42.5Z "2026-04-02 08:01:02 UTC"
photo IMG_0003.JPG rgbtestsrc "2026:03:14 06:47:05" "-05:00" 00 2026-03-14T11:47:05Z "2026-04-02 08:01:03 UTC"

# Courtroom recorder: speech as Broadcast Wave, origination date/time in UTC.
# speech NAME TEXT DATE TIME DESCRIPTION MTIME
speech() {
  local name=$1 text=$2 date=$3 time=$4 description=$5 mtime=$6
  espeak-ng -s 165 -w "$work/speech.wav" "$text"
  ff -i "$work/speech.wav" -ar 48000 -ac 1 -c:a pcm_s16le -write_bext 1 \
     -metadata origination_date="$date" -metadata origination_time="$time" \
     -metadata description="$description" -metadata originator="Custody" \
     "$audio/$name"
  report "$audio/$name" "${date}T${time}Z" "$mtime"
}
speech HEARING_0001.WAV "Case twenty twenty six, zero one four two. The court is in session. Please be seated." \
  2026-03-16 09:00:00 "Courtroom 3, hearing 2026-0142" "2026-04-03 09:10:01 UTC"
speech "саслушање.wav" "Witness statement, recorded in courtroom three. Please state your name for the record." \
  2026-03-16 13:30:00 "Courtroom 3, witness hearing" "2026-04-03 09:10:02 UTC"

# A plain WAV (no bext): a recorder's test tone, made by sox.
sox -n -r 16000 -c 1 -b 16 "$audio/NOTE0001.WAV" synth 2 sine 1000 vol 0.3
report "$audio/NOTE0001.WAV" none "2026-04-03 09:10:03 UTC"
