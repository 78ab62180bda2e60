"""Finding 11: two directory entries with the same path on a card: one was silently
never stored. A real FAT image (mkfs.fat + mcopy) gets a second root entry named
A.TXT (the short name of B.TXT rewritten), as a damaged or crafted card has it. Both
files must be stored, under distinct names, each item and the job saying so; The
Sleuth Kit lists both entries and gives the same bytes."""

import hashlib
import subprocess

ENV = {"MTOOLS_SKIP_CHECK": "1", "PATH": "/usr/sbin:/usr/bin:/sbin:/bin"}


def run(*cmd):
    return subprocess.run([str(c) for c in cmd], check=True, capture_output=True, env=ENV)


def test_two_entries_with_one_path_are_both_kept_and_noted(daemon, tmp_path):
    image = daemon.inbox / "card.img"
    subprocess.run(["truncate", "-s", "16M", str(image)], check=True)
    run("mkfs.fat", "-F", "16", "-n", "DUPCARD", image)
    first, second = b"first recording\n" * 100, b"second recording\n" * 90
    for name, data in (("A.TXT", first), ("B.TXT", second)):
        local = tmp_path / name
        local.write_bytes(data)
        run("mcopy", "-i", image, local, f"::{name}")
    raw = bytearray(image.read_bytes())
    at = raw.find(b"B       TXT")
    assert at > 0 and raw.find(b"B       TXT", at + 1) < 0
    raw[at:at + 11] = b"A       TXT"
    image.write_bytes(bytes(raw))
    listing = subprocess.run(["fls", "-r", "-p", str(image)], capture_output=True, text=True, check=True).stdout
    assert [line.split("\t")[1] for line in listing.splitlines() if line.endswith("\tA.TXT")] == ["A.TXT", "A.TXT"]

    job = daemon.ctl_json("ingest", "--image", image, "--wait")
    assert job["state"] == "completed" and job["stored"] == 2 and job["failed"] == 0, job
    items = {i["source"]["path"]: i for i in daemon.request("GET", "/v1/items?limit=100").json()["items"]}
    assert set(items) == {"A.TXT", "A (2).TXT"}, set(items)
    assert items["A.TXT"]["sha256"] == hashlib.sha256(first).hexdigest()
    assert items["A (2).TXT"]["sha256"] == hashlib.sha256(second).hexdigest()
    for path, item in items.items():
        notes = [p for p in item["metadataProblems"] if "[path-duplicate]" in p]
        assert len(notes) == 1 and "'A.TXT'" in notes[0], (path, item["metadataProblems"])
    assert "kept as 'A (2).TXT'" in [p for p in items["A (2).TXT"]["metadataProblems"] if "path-duplicate" in p][0]
    events = daemon.request("GET", f"/v1/events?subject=job:{job['id']}&limit=100").json()["events"]
    [created] = [e for e in events if e["action"] == "job.create"]
    assert created["detail"]["source"]["duplicatePaths"] == ["A.TXT"], created["detail"]
