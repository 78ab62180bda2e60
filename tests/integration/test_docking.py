"""Docking under umockdev: the real custodyd and the real libusb see emulated USB
devices (tests/umockdev/*.umockdev), match them against the shipped catalog, and
show them to operators."""

import json
import subprocess
import time

import pytest

from conftest import CUSTODYCTL, REPO

UMOCKDEV = REPO / "tests" / "umockdev"
CATALOG = REPO / "catalog"
TEST_CATALOG = REPO / "tests" / "catalog"

# Each emulated device, and what the shipped catalog says it is.
EXPECTED = {
    "bodycam-mass-storage.umockdev": ("2e8a", "0c10", "bodyCamera", "massStorage"),
    "ptp-still-camera.umockdev": ("2e8a", "0c20", "stillCamera", "ptp"),
    "mtp-device.umockdev": ("2e8a", "0c30", "bodyCamera", "mtp"),
    "usb-audio-interface.umockdev": ("2e8a", "0c40", "audioRecorder", "alsaCapture"),
}


def devices_config():
    return f'[devices]\ncatalog = ["{CATALOG}", "{TEST_CATALOG}"]\n[control]\nsocketGroup = ""\n'


def umockdev_run(*descriptions):
    args = ["umockdev-run"]
    for d in descriptions:
        args += ["-d", str(UMOCKDEV / d)]
    return [*args, "--"]


def wait_for(d, predicate, timeout=10.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        devices = d.request("GET", "/v1/devices?all=true").json()["devices"]
        if predicate(devices):
            return devices
        time.sleep(0.05)
    raise AssertionError(f"devices never reached the expected state: {devices}")


def test_devices_docked_before_start_are_found_with_kind_and_driver(daemon_factory):
    d = daemon_factory(config=devices_config(), start=False)
    d.start(wrapper=umockdev_run(*EXPECTED))
    devices = wait_for(d, lambda ds: len(ds) >= len(EXPECTED))
    listed = json.loads(d.ctl("devices", "--json", check=True).stdout)
    assert sorted(x["id"] for x in listed) == sorted(x["id"] for x in devices if x["state"] != "removed")
    by_ids = {(x["vendorId"], x["productId"]): x for x in listed}
    for name, (vid, pid, kind, driver) in EXPECTED.items():
        dev = by_ids.get((vid, pid))
        assert dev is not None, f"{name} ({vid}:{pid}) not listed: {listed}"
        assert (dev["kind"], dev["driver"]) == (kind, driver), (name, dev)
        assert dev["state"] in ("docked", "ingesting", "done", "error"), (name, dev)
        assert dev["busPath"] and dev["dockedAt"]
    assert by_ids[("2e8a", "0c10")]["serial"] == "BWC0001234"
    assert by_ids[("2e8a", "0c10")]["blockDevice"] == "/dev/sdb"
    assert by_ids[("2e8a", "0c40")]["alsaCard"] == "Courtroom3"
    assert all(x["model"].startswith("Custody Test") for x in listed), "each matched its exact catalog entry"
    docks = [e for e in d.request("GET", "/v1/events").json()["events"] if e["action"] == "device.dock"]
    assert len(docks) >= len(EXPECTED)
    table = d.ctl("devices", check=True).stdout
    assert "Custody Test Bodycam" in table and "2e8a:0c10" in table


def test_the_committed_udev_rules_are_current():
    generated = subprocess.run([str(CUSTODYCTL), "catalog", "udev-rules", "--catalog", str(CATALOG)],
                               check=True, capture_output=True, text=True).stdout
    committed = (REPO / "udev" / "70-custody.rules").read_text()
    assert generated == committed, "udev/70-custody.rules is stale: run custodyctl catalog udev-rules --catalog catalog > udev/70-custody.rules"
    assert 'ACTION=="remove", GOTO="custody_end"' in committed
    assert 'ENV{SYSTEMD_WANTS}+="custodyd.service"' in committed


def test_a_bad_catalog_entry_stops_the_daemon_naming_file_and_line(daemon_factory, tmp_path):
    bad = tmp_path / "catalog.d"
    bad.mkdir()
    (bad / "local.toml").write_text('[[device]]\nname = "X"\nvendor = "2e8a"\nproduct = "zz"\nkind = "bodyCamera"\ndriver = "massStorage"\n')
    d = daemon_factory(config=f'[devices]\ncatalog = ["{CATALOG}", "{bad}"]\n[control]\nsocketGroup = ""\n', start=False)
    d.start(wait=False)
    assert d.proc.wait(timeout=60) == 78
    log = d.log_path.read_text()
    assert f"{bad}/local.toml:" in log, log
