"""A daemon whose store is a small tmpfs nearly filled by ballast: ingest is paused by
the free-space gate, so a job is planned and running but reads nothing until the
ballast goes. An attacker's swap made in that window happens, deterministically,
between a job's check and its reading (the window a slow source or a full disk gives
a real attacker)."""

import os
import subprocess
import time
from pathlib import Path

import pytest

MiB = 1 << 20
GATE = (f"[space]\nwarnBelowBytes = {40 * MiB}\npauseBelowBytes = {12 * MiB}\nresumeAboveBytes = {20 * MiB}\n"
        "checkIntervalSeconds = 1\n")


@pytest.fixture
def small_store(tmp_path):
    mount = tmp_path / "store"
    mount.mkdir()
    assert os.geteuid() == 0, "the adversarial suite runs as root (it mounts a small tmpfs)"
    subprocess.run(["mount", "-t", "tmpfs", "-o", "size=48m,mode=0755", "tmpfs", str(mount)], check=True)
    yield mount
    subprocess.run(["umount", "-l", str(mount)])


class PausedIngest:
    """Starts a daemon on the small store and holds its ingest at the gate."""

    def __init__(self, daemon_factory, small_store: Path):
        self.store = small_store
        self.ballast = small_store / "ballast"
        self.d = daemon_factory(start=False, config=GATE)
        self.d.state = small_store / "state"

    def start(self):
        self.d.start()
        return self

    def hold(self):
        """Fills the store below the pause mark: the next file a job asks to copy is held."""
        self.ballast.write_bytes(b"\0" * (40 * MiB))

    def release(self):
        self.ballast.unlink()

    def wait_running(self, job_id):
        """Waits until the job runs and its first file was held back by the gate."""
        wait_until(lambda: self.d.request("GET", f"/v1/jobs/{job_id}?files=false").json()["state"] == "running",
                   f"job {job_id} running")
        wait_until(lambda: self.d.request("GET", "/v1/status").json()["space"]["state"] == "paused",
                   "ingest paused by the full store")
        job = self.d.request("GET", f"/v1/jobs/{job_id}?files=false").json()
        assert job["stored"] == 0 and job["failed"] == 0, f"nothing may be read while held: {job}"

    def key(self) -> bytes:
        return (self.d.state / "ledger" / "station.key").read_bytes()

    def blobs_holding(self, data: bytes):
        """Stored blobs (and half-written temporary files) whose bytes are `data`."""
        found = []
        for root in (self.d.state / "blobs", self.d.state / "tmp"):
            for path in root.rglob("*"):
                if path.is_file() and path.stat().st_size == len(data) and path.read_bytes() == data:
                    found.append(path)
        return found


def wait_until(predicate, what, timeout=60):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.1)
    raise AssertionError(f"not reached within {timeout}s: {what}")
