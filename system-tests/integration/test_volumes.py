"""Evidence media read in user space: disk images made by the real tools (mkfs.fat +
mtools, mkfs.exfat + exfat-fuse, sfdisk), ingested with `custodyctl ingest --image`
and by docking an emulated body camera whose block device holds the image. What was
stored is cross-checked with The Sleuth Kit (fls lists the files, icat gives their
bytes), not with Custody's own reader."""

import hashlib
import json
import os
import shutil
import subprocess
import time
from pathlib import Path

import pytest

from test_daemon import all_items
from test_docking import UmockdevTestbed, devices_config, wait_for

ENV = dict(os.environ, MTOOLS_SKIP_CHECK="1")


def run(*cmd, **kw):
    return subprocess.run([str(c) for c in cmd], check=True, capture_output=True, env=ENV, **kw)


def fat_image(path: Path, fat=32, size_mib=64, label="BODYCAM01"):
    """A card as a camera leaves it: DCIM folders, a Cyrillic name, a deep tree, an
    empty file, a fragmented clip (every other file deleted, then a large one written)
    and a deleted file."""
    subprocess.run(["truncate", "-s", f"{size_mib}M", str(path)], check=True)
    run("mkfs.fat", "-F", fat, "-n", label, path)
    src = path.parent / (path.name + ".src")
    src.mkdir()
    files = {}

    def put(name, data):
        local = src / f"f{len(files)}"
        local.write_bytes(data)
        run("mcopy", "-i", path, local, f"::{name}")
        files[name] = data

    run("mmd", "-i", path, "::DCIM", "::DCIM/100MEDIA", "::Саслушање")
    for i in range(6):
        put(f"DCIM/100MEDIA/FILE{i:04d}.MP4", os.urandom(200_000 + i * 1000))
    for i in range(0, 6, 2):
        run("mdel", "-i", path, f"::DCIM/100MEDIA/FILE{i:04d}.MP4")
        del files[f"DCIM/100MEDIA/FILE{i:04d}.MP4"]
    put("DCIM/100MEDIA/FRAGMENTED_CLIP_0099.MP4", os.urandom(900_000))
    put("Саслушање/Доказ_001 изјава сведока.wav", os.urandom(50_000))
    put("DCIM/empty.txt", b"")
    deep = "::" + "/".join(f"level{n}" for n in range(12))
    for n in range(12):
        run("mmd", "-i", path, "::" + "/".join(f"level{k}" for k in range(n + 1)))
    put(deep[2:] + "/deep note.txt", b"twelve folders down\n")
    return files


def exfat_image(path: Path, tmp: Path, size_mib=64, label="ДОКАЗИ"):
    """An SDXC-style exFAT card, populated through exfat-fuse on a loop device."""
    subprocess.run(["truncate", "-s", f"{size_mib}M", str(path)], check=True)
    run("mkfs.exfat", "-L", label, path)
    mnt = tmp / (path.name + ".mnt")
    mnt.mkdir()
    loop = run("losetup", "-f", "--show", path, text=True).stdout.strip()
    files = {}
    try:
        run("mount.exfat-fuse", loop, mnt)
        try:
            (mnt / "DCIM" / "100MEDIA").mkdir(parents=True)
            for i in range(5):
                files[f"DCIM/100MEDIA/CLIP{i:04d}.MP4"] = os.urandom(300_000 + i)
            files["Снимци/суд/сала 3/рочиште.wav"] = os.urandom(123_457)
            files["empty.bin"] = b""
            for name, data in files.items():
                (mnt / name).parent.mkdir(parents=True, exist_ok=True)
                (mnt / name).write_bytes(data)
            (mnt / "deleted.mp4").write_bytes(os.urandom(40_000))
            os.sync()
            (mnt / "deleted.mp4").unlink()
        finally:
            run("fusermount", "-u", mnt)
    finally:
        run("losetup", "-d", loop)
    return files


def tsk_files(image: Path, offset_sectors=0):
    """Allocated regular files by The Sleuth Kit: {path: bytes from icat}."""
    listing = run("fls", "-r", "-p", "-u", "-F", "-o", offset_sectors, image, text=True).stdout
    files = {}
    for line in listing.splitlines():
        kind, _, rest = line.partition(" ")
        inode, _, name = rest.partition(":\t")
        if not kind.startswith("r/r") or name.startswith("$") or "/$" in name or name.endswith("(Volume Label Entry)"):
            continue
        files[name] = run("icat", "-o", offset_sectors, image, inode.strip().rstrip("*")).stdout
    return files


def stored_bytes(d, item):
    blob = d.state / "blobs" / "sha256" / item["sha256"][:2] / item["sha256"][2:4] / item["sha256"]
    return blob.read_bytes()


def check_against_tsk(d, image, items, offset_sectors=0, prefix=""):
    expected = tsk_files(image, offset_sectors)
    got = {i["source"]["path"][len(prefix):]: i for i in items if i["source"]["path"].startswith(prefix)}
    assert set(got) == set(expected), f"custody {sorted(got)} vs fls {sorted(expected)}"
    for path, data in expected.items():
        assert got[path]["sha256"] == hashlib.sha256(data).hexdigest(), path
        assert stored_bytes(d, got[path]) == data


@pytest.mark.parametrize("fat", [12, 16, 32])
def test_fat_images_are_ingested_as_the_sleuth_kit_reads_them(daemon, tmp_path, fat):
    image = daemon.inbox / f"fat{fat}.img"
    files = fat_image(image, fat=fat, size_mib=8 if fat == 12 else 64)
    before = image.read_bytes()
    job = daemon.ctl_json("ingest", "--image", image, "--wait")
    assert job["state"] == "completed" and job["stored"] == len(files), job
    items = all_items(daemon)
    check_against_tsk(daemon, image, items)
    assert {i["source"]["path"] for i in items} == set(files)
    assert image.read_bytes() == before, "the image is never written"
    # The custody record names the medium: type, label, serial, deleted entries seen.
    create = [e for e in daemon.request("GET", "/v1/events?subject=job:1").json()["events"] if e["action"] == "job.create"][0]
    volume = create["detail"]["source"]["volumes"][0]
    assert volume["fileSystem"] == f"FAT{fat}" and volume["label"] == "BODYCAM01"
    minfo = run("minfo", "-i", image, "::", text=True).stdout
    assert f"serial number: {volume['serial'].replace('-', '')}" in minfo.replace("-", ""), minfo
    # Three clips were deleted to fragment the card: The Sleuth Kit sees the same deleted entries.
    deleted = [l for l in run("fls", "-r", "-d", "-p", "-F", image, text=True).stdout.splitlines() if "(Volume Label" not in l]
    assert volume["deletedEntries"] == len(deleted) == 3, (volume, deleted)
    # Each item: original path, FAT time stamps with their resolution, the volume.
    store = [e for e in daemon.request("GET", "/v1/events?subject=item:1").json()["events"] if e["action"] == "item.store"][0]
    notes = store["detail"]["source"]
    assert notes["originalPath"] == store["detail"]["path"]
    assert notes["modified"]["resolution"] == "twoSeconds" and notes["modified"]["zoneKnown"] is False
    assert notes["volume"]["serial"] == volume["serial"]
    # Docking the same card again: nothing new is stored.
    again = daemon.ctl_json("ingest", "--image", image, "--wait")
    assert again["stored"] == 0 and again["duplicates"] == len(files)


def test_exfat_image_with_non_latin_names_is_ingested_as_the_sleuth_kit_reads_it(daemon, tmp_path):
    image = daemon.inbox / "exfat.img"
    files = exfat_image(image, tmp_path)
    job = daemon.ctl_json("ingest", "--image", image, "--wait")
    assert job["state"] == "completed" and job["stored"] == len(files), job
    items = all_items(daemon)
    check_against_tsk(daemon, image, items)
    create = [e for e in daemon.request("GET", "/v1/events?subject=job:1").json()["events"] if e["action"] == "job.create"][0]
    volume = create["detail"]["source"]["volumes"][0]
    assert volume["fileSystem"] == "exFAT" and volume["label"] == "ДОКАЗИ" and volume["deletedEntries"] >= 1, volume
    store = [e for e in daemon.request("GET", "/v1/events?subject=item:1").json()["events"] if e["action"] == "item.store"][0]
    assert store["detail"]["source"]["modified"]["resolution"] == "tenMilliseconds"


def test_a_partitioned_card_is_read_partition_by_partition(daemon, tmp_path):
    # An MBR card with a FAT16 and a FAT32 partition, made with sfdisk and mkfs.fat at offsets.
    image = daemon.inbox / "mbr.img"
    subprocess.run(["truncate", "-s", "80M", str(image)], check=True)
    subprocess.run(["sfdisk", "--quiet", str(image)], input="label: dos\nstart=2048, size=30720, type=6\nstart=34816, size=120000, type=c\n",
                   text=True, check=True)
    for part, (start, size) in enumerate([(2048, 30720), (34816, 120000)], 1):
        fs = tmp_path / f"p{part}.img"
        fat_files = fat_image(fs, fat=16 if part == 1 else 32, size_mib=size * 512 // (1 << 20), label=f"PART{part}")
        with open(image, "r+b") as out:
            out.seek(start * 512)
            out.write(fs.read_bytes())
    job = daemon.ctl_json("ingest", "--image", image, "--wait")
    assert job["state"] == "completed", job
    items = all_items(daemon)
    check_against_tsk(daemon, image, items, offset_sectors=2048, prefix="p1/")
    check_against_tsk(daemon, image, items, offset_sectors=34816, prefix="p2/")


def test_a_damaged_card_stores_what_can_be_read_and_names_the_rest(daemon, tmp_path):
    image = daemon.inbox / "damaged.img"
    files = fat_image(image, fat=32)
    # Cut the image short: the clips at its end lose their clusters.
    listing = tsk_files(image)
    size = image.stat().st_size
    data = image.read_bytes()
    last = max(data.rfind(b) for b in listing.values() if len(b) > 100_000)
    os.truncate(image, last + 4096)
    out = daemon.ctl("--json", "ingest", "--image", image, "--wait")
    job = json.loads(out.stdout)
    assert out.returncode == 1 and job["state"] == "completedWithErrors", job
    assert job["failed"] >= 1 and job["stored"] >= 1
    for error in job["errors"]:
        assert "device-short-read" in error["message"] or "volume-truncated" in error["message"] or "byte" in error["message"], error
    # Whatever was stored is byte-identical to what TSK reads from the undamaged original.
    for item in all_items(daemon):
        assert hashlib.sha256(stored_bytes(daemon, item)).hexdigest() == item["sha256"]
        assert files[item["source"]["path"]] == stored_bytes(daemon, item)


def test_refusals_name_the_problem(daemon, tmp_path):
    not_fs = daemon.inbox / "random.bin"
    not_fs.write_bytes(os.urandom(1 << 20))
    r = daemon.ctl("ingest", "--image", not_fs)
    assert r.returncode == 1 and "holds no FAT or exFAT file system" in r.stderr, r.stderr
    outside = tmp_path / "elsewhere.img"
    outside.write_bytes(b"\0" * 4096)
    r = daemon.ctl("ingest", "--image", outside)
    assert r.returncode == 1 and "outside the paths this station may ingest from" in r.stderr
    assert daemon.ctl("ingest", "--image", not_fs, daemon.inbox).returncode == 2, "a path and --image together is a usage error"


def test_a_docked_body_camera_is_ingested_from_its_block_device(daemon_factory, tmp_path):
    image = tmp_path / "card.img"
    files = fat_image(image, fat=32)
    half = tmp_path / "half.tmp"
    half.write_bytes(b"an interrupted recording")
    run("mcopy", "-i", image, half, "::DCIM/100MEDIA/REC0007.TMP")
    # The test camera's catalog entry: paths DCIM/** and AUDIO/**, *.TMP excluded.
    wanted = {p: data for p, data in files.items() if p.startswith("DCIM/")}
    assert 0 < len(wanted) < len(files)
    testbed = UmockdevTestbed(tmp_path / "control")
    d = daemon_factory(config=devices_config(), start=False)
    d.start(wrapper=testbed.wrapper(), extra_env={"CUSTODY_UMOCKDEV_CONTROL": str(testbed.control)})
    try:
        testbed.request("add bodycam-mass-storage")
        # The camera presents its medium a moment after its disk appears: a media change.
        testbed.request(f"insert sdb {image}")
        devices = wait_for(d, lambda ds: ds and ds[0]["state"] in ("done", "error") or (ds and ds[0].get("jobId")), timeout=30)
        job_id = devices[0]["jobId"]
        assert job_id, devices
        job = d.wait_job(job_id)
        assert job["state"] == "completed" and job["stored"] == len(wanted), job
        items = all_items(d)
        assert {i["source"]["path"] for i in items} == set(wanted)
        assert {i["source"]["device"] for i in items} == {"BWC0001234"}
        for item in items:
            assert stored_bytes(d, item) == wanted[item["source"]["path"]]
        # Undocked and docked again: the same card is recognised, nothing is stored twice.
        testbed.request("remove bodycam-mass-storage")
        wait_for(d, lambda ds: ds[0]["state"] == "removed")
        testbed.request("add bodycam-mass-storage")
        testbed.request(f"insert sdb {image}")
        devices = wait_for(d, lambda ds: len(ds) == 2 and ds[0].get("jobId") and ds[0]["jobId"] != job_id, timeout=30)
        again = d.wait_job(devices[0]["jobId"])
        assert again["stored"] == 0 and again["duplicates"] == len(wanted), again
    finally:
        d.stop()
