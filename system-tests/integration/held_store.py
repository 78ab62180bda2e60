"""A store on a small tmpfs whose free space a test sets, so that ingest's free-space gate
holds a job part-way through a medium, as a real store filling up would: the job copies
files until the next one would leave less than `pauseBelowBytes` free, then waits with
the rest unread. A test pulls a medium at that moment, certainly mid-job, however fast
or slow the machine (no race between a look at the job and the job's progress)."""

import os
import subprocess
from pathlib import Path

import pytest

MiB = 1 << 20
PAUSE_BELOW = 12 * MiB
# The gate's settings: warn, pause, and resume marks, measured every second.
SPACE = (f"[space]\nwarnBelowBytes = {40 * MiB}\npauseBelowBytes = {PAUSE_BELOW}\nresumeAboveBytes = {20 * MiB}\n"
         "checkIntervalSeconds = 1\n")


class HeldStore:
    """The tmpfs mounted at `mount`; the daemon's state directory is `state`."""

    def __init__(self, mount: Path):
        self.mount = mount
        self.state = mount / "state"
        self.ballast = []

    def free(self) -> int:
        info = os.statvfs(self.mount)
        return info.f_bavail * info.f_frsize

    def hold_after(self, margin: int):
        """Fills the store until `margin` bytes are free above the pause mark: ingest copies
        about that many bytes (its copies, and the index growing with them), then holds the
        next file back until `release`."""
        fill = self.free() - PAUSE_BELOW - margin
        assert fill > 0, f"the store has only {self.free()} bytes free"
        path = self.mount / f"ballast-{len(self.ballast)}"
        with open(path, "wb") as f:
            os.posix_fallocate(f.fileno(), 0, fill)
        self.ballast.append(path)

    def release(self):
        """Frees the store again: held ingest goes on at the gate's next measurement."""
        for path in self.ballast:
            path.unlink()
        self.ballast = []


@pytest.fixture
def held_store(tmp_path):
    mount = tmp_path / "store"
    mount.mkdir()
    assert os.geteuid() == 0, "a held store is a tmpfs mounted by the test: run as root"
    subprocess.run(["mount", "-t", "tmpfs", "-o", "size=512m,mode=0755", "tmpfs", str(mount)], check=True)
    yield HeldStore(mount)
    subprocess.run(["umount", "-l", str(mount)])
