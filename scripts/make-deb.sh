#!/usr/bin/env bash
# Builds the Debian package of exactly what `make install PREFIX=/usr` installs:
#
#   scripts/make-deb.sh BIN GENERATED OUTDIR      # prints the .deb's path
#
# Binaries are stripped and lose the build machine's library search path; man
# pages are compressed; the maintainer scripts (packaging/debian/) create the
# users (systemd-sysusers), reload udev and enable the service. Depends: is the
# shared libraries dpkg-shlibdeps finds in the stripped binaries, plus what the
# package needs besides (scripts/deb-depends.sh).
set -euo pipefail
bin=${1:?directory of custodyd and custodyctl}
generated=${2:?directory of generated man pages and completions}
out=${3:?output directory}
repo=$(cd "$(dirname "$0")/.." && pwd)
mkdir -p "$out"
out=$(cd "$out" && pwd)

version=$(sed -n 's/.*static let string = "\(.*\)".*/\1/p' "$repo/Sources/CustodyCore/Version.swift")
arch=$(dpkg --print-architecture)
root="$out/custody_${version}_${arch}"
rm -rf "$root"

DESTDIR="$root" PREFIX=/usr SYSCONFDIR=/etc bash "$repo/scripts/install.sh" install "$bin" "$generated" >/dev/null

for b in "$root/usr/bin/custodyd" "$root/usr/bin/custodyctl"; do
  strip --strip-unneeded --remove-section=.comment --remove-section=.note "$b"
  # A runtime search path into a build tree means nothing on the target machine.
  if patchelf --print-rpath "$b" | grep -q .; then patchelf --remove-rpath "$b"; fi
done
gzip -9n "$root/usr/share/man/man8/custodyd.8" "$root/usr/share/man/man1/custodyctl.1" "$root/usr/share/man/man5/custodyd.toml.5"

doc="$root/usr/share/doc/custody"
install -m 0644 "$repo/packaging/debian/copyright" "$doc/copyright"
# The notices the Apache-2.0 licensed packages built into the binaries ask to be passed on.
install -m 0644 "$repo/NOTICE" "$doc/NOTICE"
date=$(date -u -R -d "@$(git -C "$repo" log -1 --format=%ct 2>/dev/null || date +%s)")
sed -e "s/@VERSION@/$version/" -e "s/@DATE@/$date/" "$repo/packaging/debian/changelog.in" | gzip -9n > "$doc/changelog.gz"
chmod 0644 "$doc/changelog.gz"

mkdir -p "$root/DEBIAN"
for s in prerm postrm; do install -m 0755 "$repo/packaging/debian/$s" "$root/DEBIAN/$s"; done
# The postinst re-runs the udev rules beneath the devices they match: the
# enumerations that find those come from the same catalog as the rules.
enumerations=$("$bin/custodyctl" catalog udev-trigger --catalog "$repo/catalog" | sed 's/^/    /')
awk -v text="$enumerations" '$0 == "#UDEV_TRIGGER_ENUMERATIONS#" { if (text != "") print text; next } { print }' \
  "$repo/packaging/debian/postinst" > "$root/DEBIAN/postinst"
chmod 0755 "$root/DEBIAN/postinst"
install -m 0644 "$repo/packaging/debian/conffiles" "$root/DEBIAN/conffiles"
size=$(du -sk --exclude=DEBIAN "$root" | cut -f1)
depends=$(bash "$repo/scripts/deb-depends.sh" "$root/usr/bin/custodyd" "$root/usr/bin/custodyctl")
sed -e "s/@VERSION@/$version/" -e "s/@ARCH@/$arch/" -e "s/@SIZE@/$size/" -e "s/@DEPENDS@/$depends/" \
  "$repo/packaging/debian/control.in" > "$root/DEBIAN/control"
(cd "$root" && find . -type f ! -path './DEBIAN/*' -printf '%P\0' | sort -z | xargs -0 md5sum) > "$root/DEBIAN/md5sums"
chmod 0644 "$root/DEBIAN/control" "$root/DEBIAN/md5sums"

deb="$out/custody_${version}_${arch}.deb"
dpkg-deb --root-owner-group -Zxz --build "$root" "$deb" >/dev/null
echo "$deb"
