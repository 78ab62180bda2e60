"""Media that appear after their device docked, under umockdev with the real libusb,
the real libudev monitor and emulated sysfs, the device tree added in the order the
kernel creates it (system-tests/umockdev/testbed-driver.py): the USB device and its
interfaces first, then the SCSI host, target, device and each disk; a card inserted
into or taken out of a reader's slot is a "change" uevent with DISK_MEDIA_CHANGE=1.
The delays are the emulation's; every assertion waits for a state."""

import ctypes
import hashlib
import json
import os
import signal
import sqlite3
import struct
import subprocess
import time
from pathlib import Path

import pytest

from conftest import CUSTODYCTL
from test_daemon import all_items
from held_store import SPACE, held_store  # noqa: F401  (fixture)
from test_docking import UmockdevTestbed, devices_config, wait_for

ENV = dict(os.environ, MTOOLS_SKIP_CHECK="1")
SLOW_COMMITS = "concurrency = 1\ncommitBatchFiles = 4\nchunkBytes = 65536\n"
# Bytes a held store lets ingest copy before it holds the next file: more than the index's
# write-ahead log can grow (about 4 MiB before a checkpoint) plus 8 files of 50 KB, less
# than the files left on the cards pulled mid-job (12 MB or more).
HOLD_AFTER = 8 << 20


def run(*cmd):
    return subprocess.run([str(c) for c in cmd], check=True, capture_output=True, env=ENV)


def card_image(path: Path, label: str, volume_id: str, files: int, size: int, fat=16, size_mib=16, name="CLIP"):
    """A FAT card made by mkfs.fat and mcopy, its clips under DCIM/100MEDIA; returns {path: bytes}."""
    subprocess.run(["truncate", "-s", f"{size_mib}M", str(path)], check=True)
    run("mkfs.fat", "-F", fat, "-n", label, "-i", volume_id, path)
    src = path.parent / (path.name + ".src")
    src.mkdir()
    contents = {}
    for i in range(files):
        data = os.urandom(size + i)
        (src / f"{name}{i:04d}.MP4").write_bytes(data)
        contents[f"DCIM/100MEDIA/{name}{i:04d}.MP4"] = data
    run("mmd", "-i", path, "::DCIM", "::DCIM/100MEDIA")
    run("mcopy", "-i", path, *sorted(src.iterdir()), "::DCIM/100MEDIA/")
    return contents


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


class OpenWatch:
    """Counts the opens of files (inotify IN_OPEN): the daemon under umockdev opens an
    emulated /dev node as the testbed's plain file, so each of its opens is seen here."""

    IN_OPEN = 0x20

    def __init__(self, paths):
        self.libc = ctypes.CDLL("libc.so.6", use_errno=True)
        self.fd = self.libc.inotify_init1(os.O_NONBLOCK | os.O_CLOEXEC)
        assert self.fd >= 0, os.strerror(ctypes.get_errno())
        for p in paths:
            assert self.libc.inotify_add_watch(self.fd, str(p).encode(), self.IN_OPEN) >= 0, os.strerror(ctypes.get_errno())

    def opens(self):
        count = 0
        while True:
            try:
                data = os.read(self.fd, 65536)
            except BlockingIOError:
                return count
            offset = 0
            while offset < len(data):
                _, mask, _, length = struct.unpack_from("iIII", data, offset)
                count += bool(mask & self.IN_OPEN)
                offset += 16 + length

    def close(self):
        os.close(self.fd)


class Watch:
    """custodyctl watch --json, running while the test docks and inserts."""

    def __init__(self, d):
        self.out = d.root / "watch.jsonl"
        self.proc = subprocess.Popen([str(CUSTODYCTL), "watch", "--json"], stdout=open(self.out, "wb"), stderr=subprocess.STDOUT,
                                     env=dict(os.environ, CUSTODY_SOCKET=str(d.socket)))

    def events(self):
        return [json.loads(line) for line in self.out.read_text().splitlines() if line.startswith("{")]

    def wait_for(self, predicate, timeout=60):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if any(predicate(e) for e in self.events()):
                return
            time.sleep(0.1)
        raise AssertionError(f"watch never showed it: {self.events()}")

    def stop(self):
        self.proc.send_signal(signal.SIGTERM)
        self.proc.wait(timeout=30)


def start(daemon_factory, tmp_path, ingest="", store=None):
    """custodyd under the hotplug testbed; with `store` (a HeldStore), its state there and
    the free-space gate set to hold ingest when the store is nearly full."""
    testbed = UmockdevTestbed(tmp_path / "control")
    d = daemon_factory(config=devices_config() + (SPACE if store else ""), start=False, ingest=ingest)
    if store is not None:
        d.state = store.state
    d.start(wrapper=testbed.wrapper(), extra_env={"CUSTODY_UMOCKDEV_CONTROL": str(testbed.control)})
    return testbed, d


def the_dock(d, product):
    docks = [x for x in d.request("GET", "/v1/devices?all=true").json()["devices"] if x["productId"] == product]
    return docks[0] if docks else None


def wait_dock(d, product, predicate, timeout=60):
    devices = wait_for(d, lambda ds: any(x["productId"] == product and predicate(x) for x in ds), timeout=timeout)
    return next(x for x in devices if x["productId"] == product and predicate(x))


def job_of(d, job_id):
    return d.request("GET", f"/v1/jobs/{job_id}").json()


def wait_job_state(d, job_id, states, timeout=120):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        job = job_of(d, job_id)
        if job["state"] in states:
            return job
        time.sleep(0.05)
    raise AssertionError(f"job {job_id} never reached {states}: {job}")


def copied(d, hashes):
    """How many of these files custodyd has copied so far, at most: a file's bytes go into a
    temporary blob under state/tmp before they are read, and that blob becomes
    state/blobs/sha256/XX/YY/<sha256> once verified; so every file copied (or being copied)
    is one or the other."""
    blobs = d.state / "blobs" / "sha256"
    in_store = sum((blobs / h[:2] / h[2:4] / h).exists() for h in hashes)
    return in_store + len(os.listdir(d.state / "tmp"))


def wait_until(predicate, what, timeout=60):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.05)
    raise AssertionError(f"not reached within {timeout}s: {what}")


def newest_job(d, medium):
    """The newest job whose medium's identity holds `medium` (the newest job at all, with
    medium None), read from the index (WAL: readable while custodyd writes), or None."""
    index = sqlite3.connect(f"file:{d.state / 'index.sqlite'}?mode=ro", uri=True, timeout=5)
    try:
        return index.execute("SELECT id, state FROM jobs ORDER BY id DESC LIMIT 1").fetchone() if medium is None \
            else index.execute("SELECT id, state FROM jobs WHERE instr(medium, ?) ORDER BY id DESC LIMIT 1", (medium,)).fetchone()
    finally:
        index.close()


def pull_mid_job(d, testbed, store, medium, node, at_least, hashes, timeout=120, pull=None):
    """Takes the card out of `node` while its job is certainly mid-way. The caller has set
    the store to hold ingest back part-way (`HeldStore.hold_after`, before the card goes
    in); once the job runs and the free-space gate holds it with at least `at_least` but
    fewer than all of the files it has to copy (`hashes`, all different) copied, some file
    of the card is certainly unread: the card is taken out (the testbed request `pull`,
    default `eject NODE`), then the store is freed and the job goes on to find its card
    gone, once the gate opens again. (Files copied but not yet committed are committed
    after: they were verified.)
    The job is the newest whose medium's identity holds `medium` (the newest at all, with
    medium None); returns its id."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        row = newest_job(d, medium)
        if row is not None:
            job_id, state = row
            assert state in ("queued", "running", "interrupted"), f"job {job_id} ended ({state}) before its card could be pulled"
            if state == "running" and d.request("GET", "/v1/status").json()["space"]["state"] == "paused":
                started = copied(d, hashes)
                assert at_least <= started < len(hashes), f"job {job_id} held with {started} of {len(hashes)} files copied"
                testbed.request(pull or f"eject {node}")
                store.release()
                # The gate measures again (every second) and lets ingest go on.
                wait_until(lambda: d.request("GET", "/v1/status").json()["space"]["state"] != "paused", "the store's gate open again")
                return job_id
        time.sleep(0.05)
    raise AssertionError(f"the job of {medium} was never held part-way by the full store")


def wait_stored(d, job_id, at_least, timeout=120):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        job = d.request("GET", f"/v1/jobs/{job_id}?files=false").json()
        if job["stored"] >= at_least:
            assert job["state"] in ("queued", "running"), f"job {job_id} ended before the card was pulled: {job}"
            return job
        time.sleep(0.005)
    raise AssertionError(f"job {job_id} made no progress")


@pytest.mark.parametrize("delay", [1, 10])
def test_a_camera_whose_disk_appears_after_it_docked_is_ingested(daemon_factory, tmp_path, delay):
    image = tmp_path / "camera.img"
    files = card_image(image, "BWC0001234", "0a0b0c0d", files=5, size=40_000, fat=12, size_mib=4)
    testbed, d = start(daemon_factory, tmp_path)
    try:
        testbed.request("dock bodycam-mass-storage")
        cam = wait_dock(d, "0c10", lambda x: x["state"] == "waitingForMedium")
        assert cam["waitingSince"] and cam["blockDevice"] is None and cam["slots"] == [] and cam["jobId"] is None, cam
        assert cam["message"] == ("waiting for its storage to appear (its catalog entry says "
                                  "Custody Test Bodycam presents it about 8 s after docking)"), cam
        table = d.ctl("devices", check=True).stdout
        assert "waitingForMedium" in table and f"{cam['id']}: waiting since " in table, table

        time.sleep(delay)  # the emulation's: usb-storage's delay_use, a camera booting before it presents storage
        assert the_dock(d, "0c10")["state"] == "waitingForMedium"
        testbed.request(f"present bodycam-mass-storage sdb {image}")
        cam = wait_dock(d, "0c10", lambda x: x["state"] in ("done", "error"))
        assert cam["state"] == "done", cam
        assert cam["waitingSince"] is None and cam["blockDevice"] == "/dev/sdb", cam
        [slot] = cam["slots"]
        assert (slot["slot"], slot["blockDevice"], slot["state"], slot["jobId"]) == (0, "/dev/sdb", "done", cam["jobId"]), slot
        assert slot["medium"] == 'FAT12 "BWC0001234" 0A0B-0C0D', slot
        job = job_of(d, cam["jobId"])
        assert job["state"] == "completed" and job["stored"] == len(files) and job["device"] == "BWC0001234", job
        items = all_items(d)
        assert {i["source"]["path"]: i["sha256"] for i in items} == {p: sha(b) for p, b in files.items()}
    finally:
        assert d.stop() == 0


def test_a_reader_left_empty_waits_costs_nothing_and_reads_a_card_inserted_30_s_later(daemon_factory, tmp_path):
    image = tmp_path / "card.img"
    files = card_image(image, "CARD-A", "11112222", files=6, size=30_000)
    testbed, d = start(daemon_factory, tmp_path)
    watch = Watch(d)
    try:
        testbed.request("dock card-reader-two-slot")
        testbed.request("present card-reader-two-slot sdc")
        testbed.request("present card-reader-two-slot sdd")
        # The slots' rows and then the dock's: wait for both.
        reader = wait_dock(d, "0c50", lambda x: [s["state"] for s in x["slots"]] == ["waitingForMedium", "waitingForMedium"]
                           and "2 slots" in (x["message"] or ""))
        assert reader["state"] == "waitingForMedium" and reader["waitingSince"], reader
        assert reader["message"] == "no medium in its 2 slots (/dev/sdc, /dev/sdd): waiting for one to be inserted", reader
        assert [s["message"] for s in reader["slots"]] == ["no medium in /dev/sdc", "no medium in /dev/sdd"]
        table = d.ctl("devices", check=True).stdout
        assert f"{reader['id']}: slot 0 /dev/sdc: waitingForMedium since" in table, table
        assert f"{reader['id']}: slot 1 /dev/sdd: waitingForMedium since" in table, table
        watch.wait_for(lambda e: e["event"] == "slot-waitingForMedium" and e["slot"]["blockDevice"] == "/dev/sdd")

        # Left empty: nothing about it changes, so nothing opens its nodes. The watch is
        # shown to work first (an open of our own is counted), so a zero cannot be a blind watch.
        root = Path((testbed.control / "testbed-root").read_text())
        nodes = [root / "dev" / "sdc", root / "dev" / "sdd"]
        opens = OpenWatch(nodes)
        os.close(os.open(nodes[0], os.O_RDONLY))
        assert opens.opens() == 1
        time.sleep(30)  # the emulation's: the card arrives 30 s after the dock
        assert opens.opens() == 0, "custodyd opened an empty slot's node while nothing changed"
        opens.close()
        still = the_dock(d, "0c50")
        assert still["state"] == "waitingForMedium" and still["waitingSince"] == reader["waitingSince"], still
        assert d.request("GET", "/v1/jobs").json()["jobs"] == []

        testbed.request(f"insert sdc {image}")
        reader = wait_dock(d, "0c50", lambda x: x["state"] in ("done", "error"))
        assert reader["state"] == "done" and reader["waitingSince"] is None, reader
        assert [s["state"] for s in reader["slots"]] == ["done", "waitingForMedium"], reader
        assert reader["slots"][0]["medium"] == 'FAT16 "CARD-A" 1111-2222'
        job = job_of(d, reader["slots"][0]["jobId"])
        assert job["state"] == "completed" and job["stored"] == len(files) and job["device"] == "CRD0000050", job
        assert {i["source"]["path"]: i["sha256"] for i in all_items(d)} == {p: sha(b) for p, b in files.items()}
        watch.wait_for(lambda e: e["event"] == "slot-done" and e["slot"]["blockDevice"] == "/dev/sdc")
    finally:
        watch.stop()
        assert d.stop() == 0


def test_two_cards_are_two_jobs_and_a_card_pulled_mid_job_resumes_where_it_is_put_back(daemon_factory, tmp_path, held_store):
    card_a, card_b = tmp_path / "a.img", tmp_path / "b.img"
    files_a = card_image(card_a, "CARD-A", "aaaa0001", files=400, size=50_000, size_mib=32)
    files_b = card_image(card_b, "CARD-B", "bbbb0002", files=8, size=20_000, name="SHOT")
    testbed, d = start(daemon_factory, tmp_path, ingest=SLOW_COMMITS, store=held_store)
    try:
        testbed.request("dock card-reader-two-slot")
        testbed.request("present card-reader-two-slot sdc")
        testbed.request("present card-reader-two-slot sdd")
        wait_dock(d, "0c50", lambda x: len(x["slots"]) == 2)
        # A card in each slot; card A pulled mid-job, then put back in the same slot: the same job goes on.
        testbed.request(f"insert sdd {card_b}")
        reader = wait_dock(d, "0c50", lambda x: x["slots"][1]["jobId"])
        job_b = reader["slots"][1]["jobId"]
        assert wait_job_state(d, job_b, ["completed"])["stored"] == len(files_b)
        # The store holds ingest once about 8 MiB more are copied: card A (20 MB) is certainly mid-job then.
        held_store.hold_after(HOLD_AFTER)
        testbed.request(f"insert sdc {card_a}")
        job_a = pull_mid_job(d, testbed, held_store, '"CARD-A"', "sdc", 8, [sha(b) for b in files_a.values()])
        pulled = wait_job_state(d, job_a, ["interrupted", "completed", "completedWithErrors", "failed"])
        assert pulled["state"] == "interrupted", pulled
        assert "taken out of /dev/sdc" in pulled["message"] and pulled["failed"] == 0, pulled
        detail = job_of(d, job_a)
        pending = {f["path"] for f in detail["files"] if f["state"] == "pending"}
        stored = {f["path"] for f in detail["files"] if f["state"] == "stored"}
        assert pending and pending == set(files_a) - stored and pulled["pending"] == len(pending)
        wait_dock(d, "0c50", lambda x: x["slots"][0]["state"] == "waitingForMedium")
        assert job_b != job_a

        # Each slot's medium is its own job of the dock, named by its slot in job.create.
        for job, lun, node in ((job_a, 0, "/dev/sdc"), (job_b, 1, "/dev/sdd")):
            [create] = [e for e in d.request("GET", f"/v1/events?subject=job:{job}").json()["events"] if e["action"] == "job.create"]
            slot = create["detail"]["source"]["slot"]
            assert (slot["lun"], slot["blockDevice"], slot["scsiAddress"]) == (lun, node, f"7:0:0:{lun}"), create
            assert create["detail"]["source"]["dock"] == reader["id"] and create["detail"]["device"] == "CRD0000050"

        held_store.hold_after(HOLD_AFTER)
        testbed.request(f"insert sdc {card_a}")
        # Pulled again, and put back where card B was: found by its volume serial and label, read at /dev/sdd.
        again = pull_mid_job(d, testbed, held_store, '"CARD-A"', "sdc", 8, [sha(files_a[p]) for p in pending])
        assert again == job_a
        assert wait_job_state(d, job_a, ["interrupted", "completed"])["state"] == "interrupted"
        testbed.request("eject sdd")
        wait_dock(d, "0c50", lambda x: [s["state"] for s in x["slots"]] == ["waitingForMedium", "waitingForMedium"])
        testbed.request(f"insert sdd {card_a}")
        done = wait_job_state(d, job_a, ["completed", "completedWithErrors", "failed"])
        assert done["state"] == "completed" and done["stored"] == len(files_a) and done["duplicates"] == 0, done
        assert done["root"] == "volume:/dev/sdd", done
        moves = [e["detail"] for e in d.request("GET", f"/v1/events?subject=job:{job_a}").json()["events"] if e["action"] == "job.relocate"]
        assert moves == [{"from": "volume:/dev/sdc", "to": "volume:/dev/sdd"}], moves
        reader = wait_dock(d, "0c50", lambda x: x["slots"][1]["jobId"] == job_a and x["slots"][1]["state"] == "done")

        # Nothing stored twice: every clip of both cards once, with its bytes.
        items = all_items(d)
        assert len(items) == len(files_a) + len(files_b)
        by_path = {}
        for i in items:
            by_path.setdefault(i["source"]["path"], []).append(i["sha256"])
        assert {p: sorted(h) for p, h in by_path.items()} == \
            {p: [sha(b)] for p, b in files_a.items()} | {p: [sha(b)] for p, b in files_b.items()}

        # The journal heard about the interrupted job, with the reader's fields.
        log = d.log_path.read_text()
        warnings = [line for line in log.splitlines() if " warning " in line and f"job {job_a} " in line]
        assert warnings and all("device_serial=CRD0000050" in w and "device_slot=0" in w for w in warnings), log
    finally:
        assert d.stop() == 0


def test_a_card_that_cannot_be_read_is_an_error_of_its_slot_and_a_journal_warning(daemon_factory, tmp_path):
    garbage = tmp_path / "garbage.img"
    garbage.write_bytes(os.urandom(1 << 20))
    testbed, d = start(daemon_factory, tmp_path)
    try:
        testbed.request("dock card-reader-two-slot")
        testbed.request("present card-reader-two-slot sdc")
        wait_dock(d, "0c50", lambda x: len(x["slots"]) == 1)
        testbed.request(f"insert sdc {garbage}")
        reader = wait_dock(d, "0c50", lambda x: x["state"] == "error")
        assert reader["slots"][0]["state"] == "error", reader
        assert reader["message"].startswith("slot 0: the medium in /dev/sdc"), reader
        assert "FAT or exFAT" in reader["message"] or "cannot be read" in reader["message"], reader
        log = d.log_path.read_text()
        assert any(" warning " in line and "/dev/sdc" in line and "device_serial=CRD0000050" in line and "device_slot=0" in line
                   for line in log.splitlines()), log
        # Taken out, the slot waits again.
        testbed.request("eject sdc")
        wait_dock(d, "0c50", lambda x: x["state"] == "waitingForMedium" and x["slots"][0]["state"] == "waitingForMedium")
    finally:
        assert d.stop() == 0
