"""Docking under umockdev: the real custodyd and the real libusb see emulated USB
devices (system-tests/umockdev/*.umockdev), match them against the shipped catalog, and
show them to operators."""

import json
import subprocess
import time

import pytest

from conftest import CUSTODYCTL, REPO

UMOCKDEV = REPO / "system-tests" / "umockdev"
CATALOG = REPO / "catalog"
TEST_CATALOG = REPO / "system-tests" / "catalog"

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
        assert dev["state"] in ("docked", "waitingForMedium", "ingesting", "done", "error"), (name, dev)
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


class UmockdevTestbed:
    """Docks and undocks emulated devices while custodyd runs (system-tests/umockdev/testbed-driver.py)."""

    def __init__(self, control):
        self.control = control
        self.control.mkdir(parents=True, exist_ok=True)
        self.count = 0

    def wrapper(self):
        return ["umockdev-wrapper", "/usr/bin/python3", str(UMOCKDEV / "testbed-driver.py"), str(UMOCKDEV), "-"]

    def request(self, words, timeout=10.0):
        self.count += 1
        name = f"{self.count:04d}"
        tmp = self.control / f"tmp-{name}"
        tmp.write_text(words)
        tmp.rename(self.control / f"request-{name}")
        done = self.control / f"done-{name}"
        deadline = time.monotonic() + timeout
        while not done.exists():
            assert time.monotonic() < deadline, f"the testbed did not answer {words!r}"
            time.sleep(0.005)
        reply = done.read_text().split()
        assert reply[0] == "ok", " ".join(reply)
        return time.monotonic()


def test_a_hotplugged_body_camera_is_docked_and_its_removal_recorded(daemon_factory, tmp_path):
    testbed = UmockdevTestbed(tmp_path / "control")
    d = daemon_factory(config=devices_config(), start=False)
    d.start(wrapper=testbed.wrapper(), extra_env={"CUSTODY_UMOCKDEV_CONTROL": str(testbed.control)})
    try:
        assert d.request("GET", "/v1/devices").json()["devices"] == []
        testbed.request("add bodycam-mass-storage")
        # Its disk is there, with no medium in it yet (the emulated node is empty): it waits.
        devices = wait_for(d, lambda ds: any(x["state"] != "removed" and x["slots"] for x in ds), timeout=30)
        cam = devices[0]
        assert (cam["vendorId"], cam["productId"], cam["serial"], cam["kind"], cam["driver"]) == \
            ("2e8a", "0c10", "BWC0001234", "bodyCamera", "massStorage")
        assert cam["blockDevice"] == "/dev/sdb" and cam["state"] == "waitingForMedium", cam
        assert [(s["slot"], s["state"], s["message"]) for s in cam["slots"]] == [(0, "waitingForMedium", "no medium in /dev/sdb")]

        testbed.request("remove bodycam-mass-storage")
        devices = wait_for(d, lambda ds: ds and ds[0]["state"] == "removed", timeout=5)
        assert devices[0]["undockedAt"]
        assert d.request("GET", "/v1/devices").json()["devices"] == []
        actions = [(e["action"], e["subject"]) for e in d.request("GET", "/v1/events").json()["events"]
                   if e["action"].startswith("device.")]
        assert actions == [("device.dock", f"dock:{cam['id']}"), ("device.undock", f"dock:{cam['id']}")]
    finally:
        assert d.stop() == 0
