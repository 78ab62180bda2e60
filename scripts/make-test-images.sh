#!/usr/bin/env bash
# Makes the FAT12/16/32 and exFAT test images of CustodyVolumes with the real tools:
# mkfs.fat + mtools for FAT, mkfs.exfat + exfat-fuse (through a loop device) for
# exFAT, sfdisk for MBR (with an extended partition holding logical ones) and GPT.
#
#   make-test-images.sh OUTDIR           the everyday set (a few seconds, ~200 MiB)
#   make-test-images.sh --big OUTDIR     exfat-big.img: a file over 4 GiB (slow, ~4.3 GiB)
#   make-test-images.sh --seeds OUTDIR   tiny images for the fuzzer's seed corpus
#
# Idempotent: OUTDIR's images are made anew each time. Needs root (loop devices and
# FUSE for exFAT) and: dosfstools mtools exfatprogs exfat-fuse fdisk (sfdisk) coreutils.
set -euo pipefail
export MTOOLS_SKIP_CHECK=1 TZ=UTC LC_ALL=C.UTF-8

mode=small
case "${1:-}" in
  --big) mode=big; shift ;;
  --seeds) mode=seeds; shift ;;
esac
out="${1:?usage: make-test-images.sh [--big|--seeds] OUTDIR}"
mkdir -p "$out"
out="$(cd "$out" && pwd)"

for tool in mkfs.fat mcopy mmd mdel mattrib mkfs.exfat mount.exfat-fuse fusermount losetup sfdisk truncate dd; do
  command -v "$tool" >/dev/null || { echo "make-test-images: '$tool' is not installed (see scripts/install-deps.sh)" >&2; exit 1; }
done
[ "$(id -u)" -eq 0 ] || { echo "make-test-images: must run as root (loop devices and FUSE for exFAT)" >&2; exit 1; }

work="$(mktemp -d "${TMPDIR:-/tmp}/custody-images.XXXXXX")"
mounted=""
loopdev=""
cleanup() {
  if [ -n "$mounted" ]; then fusermount -u "$mounted" 2>/dev/null || umount "$mounted" 2>/dev/null || true; fi
  if [ -n "$loopdev" ]; then losetup -d "$loopdev" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

# Source files: random bytes of a given size, so every cluster differs.
src="$work/src"
mkdir -p "$src"
make_file() { head -c "$2" /dev/urandom > "$src/$1"; }

make_sources() {
  printf 'Custody test volume.\r\nShort 8.3 name only.\r\n' > "$src/README.TXT"
  printf 'lower-case 8.3 name\n' > "$src/lower.txt"
  make_file video 70001
  make_file testimony 12345
  make_file audio 40960
  make_file longname 3000
  : > "$src/empty"
  make_file deep 777
  make_file cluster 32768
  make_file trash 5000
  printf 'read only\n' > "$src/readonly"
  printf 'hidden system\n' > "$src/hidden"
  printf 'dated\n' > "$src/dated"
  touch -d '2024-03-05 14:07:32' "$src/dated"
}

deep_path() { local p=""; for i in 01 02 03 04 05 06 07 08 09 10 11 12; do p="${p}level$i/"; done; echo "${p%/}"; }

# Free bytes of a FAT image, as mdir reports them.
fat_free() { mdir -i "$1" :: | awk '/bytes free/ { gsub(/[^0-9]/, ""); print }'; }

# FAT through mtools: IMAGE
populate_fat() {
  local img="$1" deep
  deep="$(deep_path)"
  mcopy -i "$img" "$src/README.TXT" ::README.TXT
  mcopy -i "$img" "$src/lower.txt" ::lower.txt
  mcopy -i "$img" "$src/video" "::Доказ_001.mp4"
  mmd -i "$img" "::свидетель"
  mcopy -i "$img" "$src/testimony" "::свидетель/показания.txt"
  mcopy -i "$img" "$src/audio" "::свидетель/Запись 2024-03-05.wav"
  mcopy -i "$img" "$src/longname" "::A rather long file name for the evidence log (version 2).txt"
  mcopy -i "$img" "$src/empty" ::empty.dat
  local p=""
  for part in ${deep//\// }; do p="$p/$part"; mmd -i "$img" "::$p"; done
  mcopy -i "$img" "$src/deep" "::$deep/deep.bin"
  mcopy -i "$img" "$src/cluster" ::exact-32k.bin
  mcopy -i "$img" "$src/readonly" ::readonly.txt
  mattrib -i "$img" +r ::readonly.txt
  mcopy -i "$img" "$src/hidden" ::hidden.sys
  mattrib -i "$img" +h +s ::hidden.sys
  mcopy -m -i "$img" "$src/dated" ::dated.txt
  # Fill most of the volume, free every other file, then write a file larger than
  # any free gap: it must be fragmented (mtools also wraps past its next-free hint).
  mmd -i "$img" ::frag
  local i piece
  piece=$(( $(fat_free "$img") / 12 / 512 * 512 ))
  for i in 1 2 3 4 5 6 7 8 9 10; do
    head -c "$piece" /dev/urandom > "$src/fill"
    mcopy -i "$img" "$src/fill" "::frag/fill$i.bin"
  done
  for i in 2 4 6 8 10; do mdel -i "$img" "::frag/fill$i.bin"; done
  head -c $(( $(fat_free "$img") - 65536 )) /dev/urandom > "$src/fragmented"
  mcopy -i "$img" "$src/fragmented" ::frag/fragmented.bin
  mmd -i "$img" ::trash
  mcopy -i "$img" "$src/trash" ::trash/deleted.txt
  mdel -i "$img" ::trash/deleted.txt
}

# exFAT through exfat-fuse on a loop device: IMAGE FUNCTION
with_exfat_mount() {
  local img="$1" fn="$2"
  local mnt="$work/mnt"
  mkdir -p "$mnt"
  loopdev="$(losetup -f --show "$img")"
  mount.exfat-fuse "$loopdev" "$mnt" >/dev/null
  mounted="$mnt"
  "$fn" "$mnt"
  sync
  fusermount -u "$mnt"
  mounted=""
  losetup -d "$loopdev"
  loopdev=""
}

populate_exfat_dir() {
  local m="$1" deep
  deep="$(deep_path)"
  cp "$src/README.TXT" "$m/README.TXT"
  cp "$src/lower.txt" "$m/lower.txt"
  cp "$src/video" "$m/Доказ_001.mp4"
  mkdir "$m/свидетель"
  cp "$src/testimony" "$m/свидетель/показания.txt"
  cp "$src/audio" "$m/свидетель/Запись 2024-03-05.wav"
  cp "$src/longname" "$m/A rather long file name for the evidence log (version 2).txt"
  cp "$src/empty" "$m/empty.dat"
  mkdir -p "$m/$deep"
  cp "$src/deep" "$m/$deep/deep.bin"
  cp "$src/cluster" "$m/exact-32k.bin"
  cp "$src/readonly" "$m/readonly.txt"
  chmod a-w "$m/readonly.txt" 2>/dev/null || true
  cp -p "$src/dated" "$m/dated.txt"
  mkdir "$m/frag"
  # Fill most of the volume, free every other file, then write a file larger than
  # any free gap: it must be fragmented.
  local i piece
  piece=$(( $(df -k --output=avail "$m" | tail -1 | tr -d ' ') / 12 * 1024 ))
  for i in 1 2 3 4 5 6 7 8 9 10; do head -c "$piece" /dev/urandom > "$m/frag/fill$i.bin"; done
  for i in 2 4 6 8 10; do rm "$m/frag/fill$i.bin"; done
  local free_kb
  free_kb="$(df -k --output=avail "$m" | tail -1 | tr -d ' ')"
  head -c $(( (free_kb - 256) * 1024 )) /dev/urandom > "$m/frag/fragmented.bin"
  mkdir "$m/trash"
  cp "$src/trash" "$m/trash/deleted.txt"
  sync
  rm "$m/trash/deleted.txt"
}

new_image() { rm -f "$1"; truncate -s "$2" "$1"; }

make_fat() { # IMAGE SIZE FATBITS LABEL SERIAL [mkfs options…]
  local img="$1" size="$2" bits="$3" label="$4" serial="$5"; shift 5
  new_image "$img" "$size"
  mkfs.fat -F "$bits" -n "$label" -i "$serial" "$@" "$img" >/dev/null 2>"$work/mkfs.log" || { cat "$work/mkfs.log" >&2; exit 1; }
}

make_exfat() { # IMAGE SIZE LABEL
  new_image "$1" "$2"
  mkfs.exfat -L "$3" "$1" >/dev/null
}

case "$mode" in
small)
  make_sources
  make_fat "$work/fat12.img" 1440K 12 EVIDENCE12 12AB34CD
  populate_fat "$work/fat12.img"
  make_fat "$work/fat16.img" 16M 16 EVIDENCE16 0016CAFE
  populate_fat "$work/fat16.img"
  make_fat "$work/fat32.img" 40M 32 EVIDENCE32 BEEF0032 -s 1
  populate_fat "$work/fat32.img"
  make_exfat "$work/exfat.img" 16M "ДОКАЗ"
  with_exfat_mount "$work/exfat.img" populate_exfat_dir

  # MBR: a primary FAT16, an extended partition with a logical FAT32 and a logical
  # exFAT, and a primary Linux partition that holds no FAT (reported as unknown).
  new_image "$work/mbr.img" 80M
  sfdisk --quiet "$work/mbr.img" <<LAYOUT
label: dos
$work/mbr.img1 : start=2048, size=32768, type=e
$work/mbr.img2 : start=34816, size=122880, type=5
$work/mbr.img3 : start=157696, size=2048, type=83
$work/mbr.img5 : start=36864, size=75776, type=c
$work/mbr.img6 : start=114688, size=18432, type=7
LAYOUT
  make_fat "$work/p1.img" 16M 16 MBRFAT16 11112222 -h 2048
  populate_fat "$work/p1.img"
  make_fat "$work/p5.img" $((75776 * 512)) 32 MBRFAT32 55556666 -s 1
  populate_fat "$work/p5.img"
  make_exfat "$work/p6.img" $((18432 * 512)) MBREXFAT
  with_exfat_mount "$work/p6.img" populate_exfat_dir
  sfdisk --dump "$work/mbr.img" > "$work/mbr.img.layout"
  place() { # DISK PARTITION-NUMBER IMAGE
    local start
    start="$(awk -v dev="$1$2" '$1 == dev { for (i = 1; i <= NF; i++) if ($i == "start=") { print $(i+1); exit } }' "$work/$(basename "$1").layout" | tr -d ,)"
    dd if="$3" of="$1" bs=512 seek="$start" conv=notrunc status=none
  }
  place "$work/mbr.img" 1 "$work/p1.img"
  place "$work/mbr.img" 5 "$work/p5.img"
  place "$work/mbr.img" 6 "$work/p6.img"

  # GPT: a FAT32 and an exFAT partition.
  new_image "$work/gpt.img" 64M
  sfdisk --quiet "$work/gpt.img" <<'LAYOUT'
label: gpt
start=2048, size=75776, type=EBD0A0A2-B9E5-4433-87C0-68B6B72699C7, name="Evidence FAT32"
start=77824, size=40960, type=EBD0A0A2-B9E5-4433-87C0-68B6B72699C7, name="Evidence exFAT"
LAYOUT
  make_fat "$work/g1.img" $((75776 * 512)) 32 GPTFAT32 77778888 -s 1
  populate_fat "$work/g1.img"
  make_exfat "$work/g2.img" $((40960 * 512)) GPTEXFAT
  with_exfat_mount "$work/g2.img" populate_exfat_dir
  sfdisk --dump "$work/gpt.img" > "$work/gpt.img.layout"
  place "$work/gpt.img" 1 "$work/g1.img"
  place "$work/gpt.img" 2 "$work/g2.img"

  for image in fat12 fat16 fat32 exfat mbr gpt; do mv -f "$work/$image.img" "$out/$image.img"; done
  ;;
big)
  # exFAT holding one file over 4 GiB: zeros with distinctive bytes at the start, the
  # middle and the end, plus a small file after it.
  new_image "$work/exfat-big.img" 4400M
  mkfs.exfat -L BIGFILE "$work/exfat-big.img" >/dev/null
  write_big() {
    local m="$1"
    truncate -s 4200M "$m/big.bin"
    printf 'START-OF-BIG-FILE' | dd of="$m/big.bin" bs=1 seek=0 conv=notrunc status=none
    printf 'MIDDLE-OF-BIG-FILE' | dd of="$m/big.bin" bs=1 seek=$((2100 * 1048576)) conv=notrunc status=none
    printf 'END-OF-BIG-FILE' | dd of="$m/big.bin" bs=1 seek=$((4200 * 1048576 - 15)) conv=notrunc status=none
    printf 'after the big file\n' > "$m/after.txt"
  }
  with_exfat_mount "$work/exfat-big.img" write_big
  mv -f "$work/exfat-big.img" "$out/exfat-big.img"
  ;;
seeds)
  # Tiny images: small enough for the fuzzer to mutate quickly.
  make_sources
  make_fat "$work/seed-fat12.img" 160K 12 SEED12 5EED0012
  mmd -i "$work/seed-fat12.img" "::свидетель"
  mcopy -i "$work/seed-fat12.img" "$src/testimony" "::свидетель/показания.txt"
  mcopy -i "$work/seed-fat12.img" "$src/README.TXT" ::README.TXT
  mcopy -i "$work/seed-fat12.img" "$src/longname" "::A rather long file name.txt"
  mcopy -i "$work/seed-fat12.img" "$src/trash" ::gone.txt
  mdel -i "$work/seed-fat12.img" ::gone.txt
  make_fat "$work/seed-fat16.img" 2200K 16 SEED16 5EED0016 -s 1
  mcopy -i "$work/seed-fat16.img" "$src/README.TXT" ::README.TXT
  mmd -i "$work/seed-fat16.img" ::a
  mmd -i "$work/seed-fat16.img" ::a/b
  mcopy -i "$work/seed-fat16.img" "$src/deep" "::a/b/Доказ.bin"
  make_fat "$work/seed-fat32.img" 34M 32 SEED32 5EED0032 -s 1
  mcopy -i "$work/seed-fat32.img" "$src/README.TXT" ::README.TXT
  mmd -i "$work/seed-fat32.img" "::Папка"
  mcopy -i "$work/seed-fat32.img" "$src/deep" "::Папка/long name file.bin"
  new_image "$work/seed-exfat.img" 4M
  mkfs.exfat -L SEEDEX -b 4K -c 512 "$work/seed-exfat.img" >/dev/null
  seed_exfat() {
    mkdir "$1/Папка"
    cp "$src/testimony" "$1/Папка/показания.txt"
    cp "$src/README.TXT" "$1/README.TXT"
    cp "$src/trash" "$1/gone.txt"
    rm "$1/gone.txt"
    # A file through the FAT: written into the gaps that deleted files left.
    local i
    for i in 1 2 3 4 5 6; do head -c 2048 /dev/urandom > "$1/f$i.bin"; done
    rm "$1/f2.bin" "$1/f4.bin"
    head -c 9000 /dev/urandom > "$1/fragmented.bin"
  }
  with_exfat_mount "$work/seed-exfat.img" seed_exfat
  new_image "$work/seed-mbr.img" 1M
  sfdisk --quiet "$work/seed-mbr.img" <<LAYOUT
label: dos
$work/seed-mbr.img1 : start=64, size=512, type=c
$work/seed-mbr.img2 : start=640, size=1024, type=5
$work/seed-mbr.img5 : start=704, size=256, type=e
$work/seed-mbr.img6 : start=1024, size=256, type=7
LAYOUT
  new_image "$work/seed-gpt.img" 1M
  printf 'label: gpt\nstart=64, size=512, type=EBD0A0A2-B9E5-4433-87C0-68B6B72699C7, name="seed"\n' | sfdisk --quiet "$work/seed-gpt.img"
  # Small FAT12 volumes inside the partitions, so the fuzzer crosses from the tables into them.
  make_fat "$work/seed-part.img" 128K 12 SEEDPART 5EED0001
  mcopy -i "$work/seed-part.img" "$src/README.TXT" ::README.TXT
  mmd -i "$work/seed-part.img" "::Папка"
  mcopy -i "$work/seed-part.img" "$src/deep" "::Папка/Доказ.bin"
  for start in 64 704; do dd if="$work/seed-part.img" of="$work/seed-mbr.img" bs=512 seek="$start" conv=notrunc status=none; done
  dd if="$work/seed-part.img" of="$work/seed-gpt.img" bs=512 seek=64 conv=notrunc status=none
  rm -f "$work/seed-part.img"
  # The fuzzer reads at most 1 MiB of an input, and is faster on small ones: keep the
  # part that holds the boot sectors, FATs, directories and files (the parsers treat
  # the rest as a truncated image).
  truncate -s 128K "$work/seed-exfat.img" "$work/seed-fat16.img"
  for image in "$work"/seed-*.img; do
    [ "$(stat -c %s "$image")" -le 1048576 ] || truncate -s 1M "$image"
    mv -f "$image" "$out/"
  done
  ;;
esac
echo "make-test-images: $mode images in $out"
