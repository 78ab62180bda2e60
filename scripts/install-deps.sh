#!/usr/bin/env bash
# Installs every Debian package Custody needs to build, test, demo and benchmark.
# Idempotent: packages already present are skipped, and apt is only consulted when
# something is missing. Run as root (or through sudo).
set -euo pipefail

packages=(
  # build: the C libraries Custody wraps
  libusb-1.0-0-dev libasound2-dev libsqlite3-dev pkg-config
  # build: libudev, whose monitor tells when a docked device's disk or medium appears
  libudev-dev
  # hardware emulation (design brief: umockdev, ALSA file/null PCMs)
  umockdev libumockdev-dev gir1.2-umockdev-1.0 python3-gi alsa-utils
  # real file-system images and independent cross-checks
  dosfstools mtools exfatprogs exfat-fuse fdisk fuse mount sleuthkit mediainfo libimage-exiftool-perl
  # realistic media for tests and the demo
  ffmpeg sox espeak-ng
  # integration tests run on Debian's own python3 (the umockdev bindings live there)
  python3 python3-pytest python3-yaml python3-jsonschema python3-cryptography python3-venv
  # peers for the benchmark, and tools the tests and demo use
  coreutils openssl rsync curl util-linux procps file bc sqlite3 unzip
  # running as a service: systemd-analyze (verify, security), Prometheus text
  # parser for the metrics test, man for the units' Documentation= check
  systemd python3-prometheus-client man-db
  # packaging: make deb (strip, runtime paths) and its lintian check
  dpkg-dev binutils patchelf lintian
  # the package test: a minimal Debian 12 root (debootstrap) that installs the .deb,
  # and udevadm (udev), whose `udevadm test` evaluates the generated rules
  debootstrap udev
  # the service tests: which calls custodyd makes while binding its socket (strace),
  # and the backlog the kernel holds for it (ss)
  strace iproute2
  # the capture benchmark: CPU time of custody-capture-bench against arecord
  time
  # retention tests: a daemon run with its wall clock set back (libfaketime) ingests
  # "a month ago", since retention counts from the later of recording and ingest
  faketime
)

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

if [ ${#missing[@]} -eq 0 ]; then
  echo "install-deps: all ${#packages[@]} packages present"
else
  echo "install-deps: installing ${missing[*]}"
  sudo_cmd=()
  [ "$(id -u)" -eq 0 ] || sudo_cmd=(sudo)
  export DEBIAN_FRONTEND=noninteractive
  "${sudo_cmd[@]}" apt-get update -qq
  "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

# The CASE/UCO validator (PyPI case-utils, not packaged by Debian), pinned, in a
# virtual environment of the repository's own: the tests check export bundles with it.
repo="$(cd "$(dirname "$0")/.." && pwd)"
venv="$repo/.build-venv"
if [ ! -x "$venv/bin/case_validate" ]; then
  echo "install-deps: installing case-utils into $venv"
  /usr/bin/python3 -m venv "$venv"
  "$venv/bin/pip" install -q --disable-pip-version-check case-utils==0.18.0
fi
# An independent RFC 8785 (JSON canonicalization) implementation, pinned: the ledger's
# tests check the canonical number form of custody entries against it.
if ! "$venv/bin/python" -c "import rfc8785" 2>/dev/null; then
  echo "install-deps: installing rfc8785 into $venv"
  "$venv/bin/pip" install -q --disable-pip-version-check rfc8785==0.1.4
fi

# Schemathesis (PyPI), pinned, in the same environment: the adversarial suite holds
# docs/api/openapi.yaml to the running daemon with it (system-tests/adversarial/test_fapi_schemathesis.py).
if [ ! -x "$venv/bin/st" ] || ! "$venv/bin/st" --version 2>/dev/null | grep -q "version 4.32.5$"; then
  echo "install-deps: installing schemathesis into $venv"
  [ -x "$venv/bin/pip" ] || /usr/bin/python3 -m venv "$venv"
  "$venv/bin/pip" install -q --disable-pip-version-check schemathesis==4.32.5
fi
