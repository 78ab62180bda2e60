#!/usr/bin/env bash
# Prints the package's Depends: field for the packaged (stripped) binaries:
#
#   scripts/deb-depends.sh ROOT/usr/bin/custodyd ROOT/usr/bin/custodyctl
#
# The shared libraries are what dpkg-shlibdeps finds the binaries linking (never a
# typed list: a library added to the build is a dependency at once). The rest is
# what the package uses besides: systemd (sysusers, tmpfiles, the units), udev (its
# rules), init-system-helpers (deb-systemd-helper in the maintainer scripts).
set -euo pipefail
[ $# -gt 0 ] || { echo "usage: $0 BINARY..." >&2; exit 64; }
declared="systemd, udev, init-system-helpers (>= 1.50)"

binaries=()
for b in "$@"; do binaries+=("$(cd "$(dirname "$b")" && pwd)/$(basename "$b")"); done
# dpkg-shlibdeps reads debian/control from the directory it runs in.
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir "$work/debian"
printf 'Source: custody\n\nPackage: custody\nArchitecture: any\n' > "$work/debian/control"
if ! out=$(cd "$work" && dpkg-shlibdeps -O "${binaries[@]}" 2> "$work/stderr"); then
  cat "$work/stderr" >&2
  echo "deb-depends: dpkg-shlibdeps failed on ${binaries[*]}" >&2
  exit 1
fi
# A library no installed Debian package provides (a debug build's Swift runtime in
# the toolchain) would be missing on every machine the package is installed on.
missing=$(sed -n 's/.*cannot find library \([^ ]*\) needed by.*/\1/p' "$work/stderr" | sort -u | tr '\n' ' ')
if [ -n "$missing" ]; then
  echo "deb-depends: the binaries link libraries no Debian package provides: $missing" >&2
  echo "deb-depends: package a release build (make deb without BIN=; the Swift runtime is linked statically)" >&2
  exit 1
fi
libraries=$(printf '%s\n' "$out" | sed -n 's/^shlibs:Depends=//p')
[ -n "$libraries" ] || { echo "deb-depends: dpkg-shlibdeps found no shared libraries in ${binaries[*]}" >&2; exit 1; }
echo "$libraries, $declared"
