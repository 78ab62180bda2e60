#!/usr/bin/env bash
# Installs Custody, lists what it installs, or removes exactly that.
#
#   scripts/install.sh install   BIN GENERATED   # DESTDIR, PREFIX, SYSCONFDIR from the environment
#   scripts/install.sh uninstall BIN GENERATED
#   scripts/install.sh manifest  BIN GENERATED   # "mode destination source", one a line
#
# BIN holds custodyd and custodyctl (release binaries for a real install; the
# tests use the debug ones); GENERATED holds the man pages and shell completions
# made from them by scripts/generate-docs.sh. `make install`, `make uninstall` and
# `make deb` call this; the manifest is the one list all three follow.
set -euo pipefail

action=${1:?install, uninstall or manifest}
bin=${2:?directory of custodyd and custodyctl}
generated=${3:?directory of generated man pages and completions}
repo=$(cd "$(dirname "$0")/.." && pwd)

DESTDIR=${DESTDIR:-}
PREFIX=${PREFIX:-/usr/local}
SYSCONFDIR=${SYSCONFDIR:-/etc}
bindir=$PREFIX/bin
libdir=$PREFIX/lib
datadir=$PREFIX/share
mandir=$datadir/man
docdir=$datadir/doc/custody

manifest() {
  echo "0755 $bindir/custodyd $bin/custodyd"
  echo "0755 $bindir/custodyctl $bin/custodyctl"
  echo "0644 $libdir/systemd/system/custodyd.service $repo/systemd/custodyd.service"
  echo "0644 $libdir/systemd/system/custodyd.socket $repo/systemd/custodyd.socket"
  echo "0644 $libdir/sysusers.d/custody.conf $repo/systemd/custody.sysusers"
  echo "0644 $libdir/tmpfiles.d/custody.conf $repo/systemd/custody.tmpfiles"
  echo "0644 $libdir/udev/rules.d/70-custody.rules $repo/udev/70-custody.rules"
  echo "0644 $SYSCONFDIR/custody/custodyd.toml $repo/config/custodyd.toml"
  for f in "$repo"/catalog/*.toml; do
    echo "0644 $datadir/custody/catalog/$(basename "$f") $f"
  done
  echo "0644 $docdir/README.md $repo/README.md"
  echo "0644 $docdir/configuration.md $repo/docs/configuration.md"
  echo "0644 $docdir/openapi.yaml $repo/docs/api/openapi.yaml"
  echo "0644 $mandir/man8/custodyd.8 $generated/man/custodyd.8"
  echo "0644 $mandir/man1/custodyctl.1 $generated/man/custodyctl.1"
  echo "0644 $mandir/man5/custodyd.toml.5 $generated/man/custodyd.toml.5"
  for tool in custodyd custodyctl; do
    echo "0644 $datadir/bash-completion/completions/$tool $generated/completions/$tool.bash"
    echo "0644 $datadir/zsh/vendor-completions/_$tool $generated/completions/_$tool"
    echo "0644 $datadir/fish/vendor_completions.d/$tool.fish $generated/completions/$tool.fish"
  done
}

case $action in
  manifest)
    manifest
    ;;
  install)
    manifest | while read -r mode dest src; do
      [ -e "$src" ] || { echo "install: missing $src" >&2; exit 1; }
      install -D -m "$mode" "$src" "$DESTDIR$dest"
    done
    # The units name the binary where it was installed.
    if [ "$bindir" != /usr/bin ]; then
      sed -i "s|/usr/bin/custodyd|$bindir/custodyd|" "$DESTDIR$libdir/systemd/system/custodyd.service"
    fi
    echo "install: $(manifest | wc -l) files under ${DESTDIR:-/}"
    ;;
  uninstall)
    manifest | while read -r mode dest src; do
      rm -f "$DESTDIR$dest"
    done
    # Our own directories, if nothing else is left in them (never /var/lib/custody: evidence).
    for d in "$datadir/custody/catalog" "$datadir/custody" "$docdir" "$SYSCONFDIR/custody"; do
      rmdir "$DESTDIR$d" 2>/dev/null || true
    done
    echo "uninstall: removed $(manifest | wc -l) files from ${DESTDIR:-/}"
    ;;
  *)
    echo "usage: $0 install|uninstall|manifest BIN GENERATED" >&2
    exit 2
    ;;
esac
