#!/usr/bin/env bash
# Runs the CustodyUSB tests that need emulated USB devices: the real libusb against
# umockdev testbeds built from the *.umockdev files next to this script.
#
#   1. enumeration and transfers: `umockdev-run` with all four descriptions loaded at
#      once (one bus each) and the still camera's usbfs ioctl replay, running the
#      "Umockdev enumeration" and "Umockdev transfers" suites;
#   2. hotplug: a Python driver (UMockdev.Testbed through python3-gi, itself run under
#      umockdev-wrapper so its uevents reach the test process) starts with the body
#      camera only, runs the "Umockdev hotplug" suite and adds or removes devices when
#      a test asks through $CUSTODY_UMOCKDEV_CONTROL;
#   3. block disks: the same driver starts with nothing, runs the "Umockdev block watcher"
#      suite (the real libudev monitor) and docks the two-slot card reader in the
#      kernel's order (USB device, then each slot's disk), inserting and taking out media.
#
# Each phase fails unless the test run passed, ran at least one test and skipped none.
# Usage (from anywhere): system-tests/umockdev/run-usb-tests.sh
#   Builds the tests first (`swift build --build-tests`) unless CUSTODY_SKIP_BUILD=1.
#   SWIFT and PYTHON override the tools (default: swift, /usr/bin/python3).
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
HERE="$ROOT/system-tests/umockdev"
SWIFT=${SWIFT:-swift}
PYTHON=${PYTHON:-/usr/bin/python3}
cd "$ROOT"

for tool in umockdev-run umockdev-wrapper "$PYTHON"; do
    command -v "$tool" >/dev/null || { echo "run-usb-tests: $tool not found (Debian: umockdev, python3-gi, gir1.2-umockdev-1.0)" >&2; exit 2; }
done
"$PYTHON" -c 'import gi; gi.require_version("UMockdev", "1.0"); from gi.repository import UMockdev' \
    || { echo "run-usb-tests: $PYTHON cannot import gi.repository.UMockdev (Debian: python3-gi gir1.2-umockdev-1.0)" >&2; exit 2; }

if [ "${CUSTODY_SKIP_BUILD:-0}" != 1 ]; then
    "$SWIFT" build --build-tests
fi

# Runs "$@" (a test run), shows its output, and checks the Swift Testing summary.
run_phase() {
    local phase=$1; shift
    local log status total
    log=$(mktemp)
    echo "== run-usb-tests: $phase"
    set +e
    "$@" 2>&1 | tee "$log"
    status=${PIPESTATUS[0]}
    set -e
    # Strip colours, then read "Test run with N tests in M suites passed".
    sed -i 's/\x1b\[[0-9;]*m//g' "$log"
    total=$(sed -n 's/.*Test run with \([0-9][0-9]*\) tests\{0,1\} in [0-9][0-9]* suites\{0,1\} passed.*/\1/p' "$log" | tail -n 1)
    if grep -q ' skipped' "$log"; then
        echo "run-usb-tests: $phase: tests were skipped (is the emulation missing?):" >&2
        grep ' skipped' "$log" >&2
        rm -f "$log"; return 1
    fi
    rm -f "$log"
    if [ "$status" -ne 0 ]; then
        echo "run-usb-tests: $phase: FAILED (exit status $status)" >&2; return 1
    fi
    if [ -z "$total" ] || [ "$total" -eq 0 ]; then
        echo "run-usb-tests: $phase: no umockdev test ran" >&2; return 1
    fi
    echo "run-usb-tests: $phase: $total tests passed"
}

# Phase 1: enumeration over all four emulated devices, and transfers to the still
# camera answered by umockdev's usbfs ioctl replay.
run_phase "enumeration and transfers (umockdev-run, 4 devices)" \
    umockdev-run \
        -d "$HERE/bodycam-mass-storage.umockdev" \
        -d "$HERE/ptp-still-camera.umockdev" \
        -d "$HERE/mtp-device.umockdev" \
        -d "$HERE/usb-audio-interface.umockdev" \
        -i /dev/bus/usb/002/004="$HERE/ptp-still-camera.ioctl" \
        -- "$SWIFT" test --skip-build --no-parallel --filter 'CustodyUSBTests\.Umockdev(Enumeration|Transfer)Tests'

# Phase 2: hotplug, driven from Python. The driver must itself run under
# umockdev-wrapper: the testbed resolves the devices it sends uevents for through
# the emulated /sys.
run_phase "hotplug (UMockdev.Testbed driver)" \
    umockdev-wrapper "$PYTHON" "$HERE/testbed-driver.py" "$HERE" bodycam-mass-storage \
        "$SWIFT" test --skip-build --no-parallel --filter 'CustodyUSBTests\.UmockdevHotplugTests'

# Phase 3: block disks through libudev's monitor on umockdev's emulated netlink, in
# the kernel's order, driven by the same Python driver.
run_phase "block disks (UMockdev.Testbed driver, libudev monitor)" \
    umockdev-wrapper "$PYTHON" "$HERE/testbed-driver.py" "$HERE" - \
        "$SWIFT" test --skip-build --no-parallel --filter 'CustodyUdevTests\.UmockdevBlockWatcherTests'

echo "run-usb-tests: all umockdev phases passed"
