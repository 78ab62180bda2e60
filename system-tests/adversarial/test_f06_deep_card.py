"""Finding 6: a crafted card exhausts memory. A 16 MiB FAT16 image (made by mkfs.fat,
then 4,000 nested directories with 255-character names written by
scripts/make-deep-image.py; fsck.fat and The Sleuth Kit accept it) made custodyd hold
every path with its whole ancestry, about 2 GB and more. The listing must stop at its
bounds, the job fail that subtree with the bound's error, and the daemon stay small
and serving."""

import os
import subprocess
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
MiB = 1 << 20


def peak_rss(pid: int) -> int:
    """The process's peak resident set (VmHWM), in bytes."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) * 1024
    raise AssertionError("no VmHWM")


def test_a_card_nested_4000_deep_is_read_within_bounds(daemon):
    image = daemon.inbox / "deep.img"
    subprocess.run(["/usr/bin/python3", str(REPO / "scripts/make-deep-image.py"), str(image), "--depth", "4000"],
                   check=True, capture_output=True)
    check = subprocess.run(["fsck.fat", "-n", str(image)], capture_output=True, text=True)
    assert check.returncode == 0, check.stdout + check.stderr
    before = peak_rss(daemon.proc.pid)
    result = daemon.ctl("--json", "ingest", "--image", image, "--wait")
    assert daemon.proc.poll() is None, "custodyd died"
    grown = peak_rss(daemon.proc.pid) - before
    assert grown < 64 * MiB, f"custodyd's peak memory grew by {grown / MiB:.0f} MiB listing a 16 MiB card"
    import json
    job = json.loads(result.stdout)
    assert job["state"] == "completedWithErrors" and job["stored"] == 0, job
    [cut] = job["errors"]
    assert cut["path"].endswith("/") and "[path-too-long]" in cut["message"], cut
    assert "not read" in cut["message"]
    # The daemon goes on serving.
    card = daemon.inbox / "card"
    card.mkdir()
    (card / "CLIP0001.MP4").write_bytes(os.urandom(5000))
    again = daemon.ctl_json("ingest", card, "--wait")
    assert again["state"] == "completed" and again["stored"] == 1, again
