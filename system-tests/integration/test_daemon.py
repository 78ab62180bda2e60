"""custodyd end to end: the real daemon, the real CLI, real files, real SQLite."""

import hashlib
import json
import os
import shutil
import signal
import socket
import sqlite3
import subprocess
import time
from pathlib import Path

import pytest

from conftest import CUSTODYD, Daemon, world_readable_tmp
from held_store import SPACE, held_store  # noqa: F401  (fixture)


def sha256_of(path: Path) -> str:
    out = subprocess.run(["sha256sum", str(path)], check=True, capture_output=True, text=True).stdout
    return out.split()[0]


def blob_path(d: Daemon, sha: str) -> Path:
    return d.state / "blobs" / "sha256" / sha[:2] / sha[2:4] / sha


def ingest(d: Daemon, path: Path, *extra):
    return d.ctl_json("ingest", str(path), "--wait", *extra)


def make_files(root: Path, count: int, size: int, seed: int = 0):
    root.mkdir(parents=True, exist_ok=True)
    for i in range(count):
        block = hashlib.sha256(f"{seed}-{i}".encode()).digest()
        (root / f"clip{i:04d}.bin").write_bytes(block * (size // len(block)))


def all_items(d: Daemon):
    return d.request("GET", "/v1/items?limit=10000").json()["items"]


# MARK: the whole pipeline on realistic media

def test_sample_media_is_stored_verified_and_timed_from_its_own_metadata(daemon, sample_media):
    shutil.copytree(sample_media, daemon.inbox / "card", dirs_exist_ok=True)
    job = ingest(daemon, daemon.inbox / "card")
    originals = sorted(p for p in (daemon.inbox / "card").rglob("*") if p.is_file())
    assert job["state"] == "completed", job
    assert job["stored"] == len(originals) and job["failed"] == 0

    items = {i["source"]["path"]: i for i in all_items(daemon)}
    assert len(items) == len(originals)
    for path in originals:
        rel = str(path.relative_to(daemon.inbox / "card"))
        item = items[rel]
        # Our hash agrees with sha256sum on the original, and the stored blob is byte-identical.
        assert item["sha256"] == sha256_of(path), rel
        assert sha256_of(blob_path(daemon, item["sha256"])) == item["sha256"]
        assert item["size"] == path.stat().st_size
        assert item["tags"]["category"] == "unclassified"

    # Recording times come from the files' own metadata, cross-checked with exiftool.
    mp4 = [i for i in items.values() if i["container"] == "mp4" and not i["metadataProblems"]]
    assert mp4, "the sample set has MP4 clips"
    for item in mp4:
        assert item["recordedAtSource"] == "mp4.mvhd"
        exif = json.loads(subprocess.run(["exiftool", "-j", "-api", "QuickTimeUTC", "-d", "%Y-%m-%dT%H:%M:%SZ",
                                          "-CreateDate", str(daemon.inbox / "card" / item["source"]["path"])],
                                         check=True, capture_output=True, text=True).stdout)[0]
        created = exif["CreateDate"]
        assert item["recordedAt"].startswith(created[:-1]), (item["recordedAt"], created)
    jpegs = [i for i in items.values() if i["mediaType"] == "image/jpeg"]
    assert jpegs and all(i["recordedAtSource"] == "exif.DateTimeOriginal" for i in jpegs)
    bwf = [i for i in items.values() if i["container"] == "bwf"]
    assert bwf and all(i["recordedAtSource"] == "bwf.bext" for i in bwf)
    # A file's mtime differs from its recorded time: the daemon used the embedded time.
    assert any(i["recordedAt"][:19] != i["fileModifiedAt"][:19] for i in mp4)

    # The truncated clip is still evidence: stored, its metadata problem noted.
    truncated = [i for p, i in items.items() if "TRUNCATED" in p]
    assert len(truncated) == 1
    assert truncated[0]["metadataProblems"], truncated[0]
    assert truncated[0]["recordedAtSource"] == "file.mtime"

    # Every stored item has an item.store event naming its hash and the requester.
    events = daemon.request("GET", "/v1/events?limit=10000").json()["events"]
    stored = {e["subject"]: e for e in events if e["action"] == "item.store"}
    for item in items.values():
        e = stored[f"item:{item['id']}"]
        assert e["detail"]["sha256"] == item["sha256"]
        assert e["actor"]["uid"] == os.getuid()


def test_the_original_card_is_not_modified(daemon, sample_media):
    card = daemon.inbox / "card"
    shutil.copytree(sample_media, card)
    before = {p: (p.stat().st_mtime_ns, p.stat().st_atime_ns, sha256_of(p)) for p in card.rglob("*") if p.is_file()}
    ingest(daemon, card)
    after = {p: (p.stat().st_mtime_ns, p.stat().st_atime_ns, sha256_of(p)) for p in card.rglob("*") if p.is_file()}
    # sha256sum itself may touch atime, so compare content and mtime; atime is kept by O_NOATIME.
    assert {p: (m, h) for p, (m, _, h) in before.items()} == {p: (m, h) for p, (m, _, h) in after.items()}


# MARK: duplicates

def test_same_file_twice_is_recognised_and_two_sources_share_one_blob(daemon):
    make_files(daemon.inbox / "cardA", 5, 100_000)
    first = ingest(daemon, daemon.inbox / "cardA")
    assert first["stored"] == 5
    second = ingest(daemon, daemon.inbox / "cardA")
    assert (second["stored"], second["duplicates"], second["state"]) == (0, 5, "completed")
    assert len(all_items(daemon)) == 5

    shutil.copytree(daemon.inbox / "cardA", daemon.inbox / "cardB")
    third = ingest(daemon, daemon.inbox / "cardB")
    assert third["stored"] == 5
    items = all_items(daemon)
    assert len(items) == 10
    by_hash = {}
    for i in items:
        by_hash.setdefault(i["sha256"], set()).add(i["source"]["root"])
    assert all(len(roots) == 2 for roots in by_hash.values())
    status = daemon.request("GET", "/v1/status").json()
    assert status["items"] == 10 and status["blobs"] == 5
    assert status["bytesStored"] == 5 * (100_000 // 32 * 32)
    blobs = [p for p in (daemon.state / "blobs").rglob("*") if p.is_file()]
    assert len(blobs) == 5
    # Blobs are read-only once stored.
    assert all(p.stat().st_mode & 0o222 == 0 for p in blobs)


# MARK: bad input

def test_unreadable_and_special_files_fail_alone_with_path_and_reason(daemon_factory):
    d = daemon_factory(start=False)
    card = d.inbox / "card"
    make_files(card, 4, 50_000)
    (card / "secret.bin").write_bytes(b"x" * 1000)
    os.chmod(card / "secret.bin", 0)
    os.mkfifo(card / "pipe")
    os.symlink("/etc/passwd", card / "escape")
    world_readable_tmp(card)
    for p in card.rglob("*"):
        if p.is_file() and p.name != "secret.bin":
            os.chmod(p, 0o644)
    os.chmod(card, 0o755)
    # As an unprivileged user, as in production: mode 000 really is unreadable.
    d.start(user="nobody")
    result = d.ctl("--json", "ingest", str(card), "--wait")
    assert result.returncode == 1
    job = json.loads(result.stdout)
    assert job["state"] == "completedWithErrors"
    assert job["stored"] == 4 and job["failed"] == 3
    errors = {e["path"]: e["message"] for e in job["errors"]}
    assert "Permission denied" in errors["secret.bin"]
    assert "symbolic link" in errors["escape"]
    assert "not a regular file" in errors["pipe"]
    files = {f["path"]: f["state"] for f in d.request("GET", f"/v1/jobs/{job['id']}").json()["files"]}
    assert files == {"clip0000.bin": "stored", "clip0001.bin": "stored", "clip0002.bin": "stored",
                     "clip0003.bin": "stored", "secret.bin": "failed", "pipe": "failed", "escape": "failed"}


def test_paths_outside_allowed_paths_are_refused(daemon, tmp_path):
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    r = daemon.ctl("ingest", str(outside))
    assert r.returncode == 1
    assert "outside the paths this station may ingest from" in r.stderr
    # A symbolic link inside the inbox pointing outside does not escape.
    os.symlink(outside, daemon.inbox / "sneaky")
    r = daemon.ctl("ingest", str(daemon.inbox / "sneaky"))
    assert r.returncode == 1 and "outside" in r.stderr
    r = daemon.ctl("ingest", str(daemon.inbox / "missing"))
    assert r.returncode == 1 and "no such file or directory" in r.stderr


# MARK: restart and crashes

def test_restart_preserves_everything(daemon, sample_media):
    shutil.copytree(sample_media, daemon.inbox / "card")
    ingest(daemon, daemon.inbox / "card")
    items = all_items(daemon)
    events = daemon.request("GET", "/v1/events?limit=10000").json()["events"]
    jobs = daemon.request("GET", "/v1/jobs").json()["jobs"]
    assert daemon.stop() == 0
    daemon.start()
    assert all_items(daemon) == items
    assert daemon.request("GET", "/v1/jobs").json()["jobs"] == jobs
    after = daemon.request("GET", "/v1/events?limit=10000").json()["events"]
    assert after[:len(events)] == events
    assert [e["action"] for e in after[len(events):]][:3] == ["daemon.stop", "store.recover", "daemon.start"]


def consistency_check(d: Daemon, expected_files: dict):
    """No item without a verified blob; no half-written blob; every file stored exactly once."""
    items = all_items(d)
    for item in items:
        blob = blob_path(d, item["sha256"])
        assert blob.exists(), item
        assert sha256_of(blob) == item["sha256"]
    assert not list((d.state / "tmp").iterdir()), "half-written temporary files left behind"
    stored_paths = sorted(i["source"]["path"] for i in items)
    assert stored_paths == sorted(set(stored_paths)), "a file was stored twice"
    for i in items:
        assert expected_files[i["source"]["path"]] == i["sha256"]
    return items


def start_big_job(d: Daemon, count=600, size=512 * 1024):
    card = d.inbox / "card"
    make_files(card, count, size)
    expected = {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in card.iterdir()}
    job = d.request("POST", "/v1/jobs", {"path": str(card)}).json()
    return job, expected


def wait_for_stored(d: Daemon, job_id: int, at_least: int):
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        job = d.request("GET", f"/v1/jobs/{job_id}?files=false").json()
        if job["stored"] >= at_least:
            return job
        assert job["state"] in ("queued", "running"), job
        time.sleep(0.005)
    raise AssertionError("the job made no progress")


SLOW_COMMITS = "concurrency = 1\ncommitBatchFiles = 4\nchunkBytes = 65536\n"


def held_daemon(daemon_factory, held_store, ingest):
    """A daemon whose store (a small tmpfs) holds ingest once about 24 MiB more are copied
    (about 40 files of start_big_job's 600): however fast or slow the machine, a big job is
    certainly mid-way when it is stopped (it cannot finish before the store is released)."""
    d = daemon_factory(config=SPACE, ingest=ingest, start=False)
    d.state = held_store.state
    d.start()
    held_store.hold_after(24 << 20)
    return d


@pytest.mark.parametrize("resume", [True, False])
def test_sigkill_during_ingest_leaves_a_consistent_store(daemon_factory, held_store, resume):
    d = held_daemon(daemon_factory, held_store, SLOW_COMMITS + f"resumeOnStart = {'true' if resume else 'false'}\n")
    job, expected = start_big_job(d)
    wait_for_stored(d, job["id"], 20)
    d.kill()
    held_store.release()

    d.start()
    if resume:
        final = d.wait_job(job["id"])
        assert final["state"] == "completed", final
        assert final["stored"] == len(expected) and final["pending"] == 0
        items = consistency_check(d, expected)
        assert len(items) == len(expected)
        actions = [e["detail"].get("message") for e in d.request("GET", f"/v1/events?subject=job:{job['id']}").json()["events"]
                   if e["action"] == "job.start"]
        assert "resumed" in actions
    else:
        final = d.wait_job(job["id"])
        assert final["state"] == "interrupted", final
        items = consistency_check(d, expected)
        stored_before_restart = len(items)
        assert 20 <= stored_before_restart < len(expected)
        detail = d.request("GET", f"/v1/jobs/{job['id']}").json()
        pending = {f["path"] for f in detail["files"] if f["state"] == "pending"}
        stored = {i["source"]["path"] for i in items}
        # Exactly the files not stored are pending: none lost, none counted twice.
        assert pending == set(expected) - stored
        assert final["pending"] == len(pending)
        assert f"{len(pending)} files not stored" in final["message"]


def test_sigterm_checkpoints_the_job_and_the_next_start_resumes_it(daemon_factory, held_store):
    d = held_daemon(daemon_factory, held_store, SLOW_COMMITS)
    job, expected = start_big_job(d)
    wait_for_stored(d, job["id"], 10)
    assert d.stop(signal.SIGTERM) == 0
    held_store.release()
    # Stopped cleanly: interrupted, with what was verified committed and nothing half-written.
    conn = sqlite3.connect(d.state / "index.sqlite")
    state, message = conn.execute("SELECT state, message FROM jobs WHERE id = ?", (job["id"],)).fetchone()
    conn.close()
    assert state == "interrupted" and "not stored yet" in message
    assert not list((d.state / "tmp").iterdir())
    d.start()
    final = d.wait_job(job["id"])
    assert final["state"] == "completed" and final["stored"] == len(expected)
    consistency_check(d, expected)


# MARK: roles

def test_a_uid_without_a_role_gets_403_and_the_refusal_is_recorded(daemon_factory):
    d = daemon_factory(config='[control]\nsocketGroup = "nogroup"\n', start=False)
    world_readable_tmp(d.root)
    d.start()
    assert oct(d.socket.stat().st_mode & 0o777) == "0o660"
    r = d.ctl("status", user="nobody")
    assert r.returncode == 1
    assert "has no Custody role" in r.stderr and "uid 65534" in r.stderr
    reply = d.request("GET", "/v1/items")  # root: allowed
    assert reply.status == 200
    denied = [e for e in d.request("GET", "/v1/events").json()["events"] if e["action"] == "request.deny"]
    assert denied and denied[-1]["actor"]["uid"] == 65534 and denied[-1]["outcome"] == "denied"


def test_an_operator_may_ingest_but_not_read_the_audit_trail(daemon_factory):
    d = daemon_factory(config='[control]\nsocketGroup = "nogroup"\noperatorGroup = "nogroup"\n', start=False)
    make_files(d.inbox / "card", 2, 10_000)
    world_readable_tmp(d.inbox / "card")
    world_readable_tmp(d.root)
    d.start()
    status = json.loads(d.ctl("--json", "status", user="nobody", check=True).stdout)
    assert status["caller"]["roles"] == ["operator"]
    job = json.loads(d.ctl("ingest", str(d.inbox / "card"), "--wait", "--json", user="nobody", check=True).stdout)
    assert job["stored"] == 2 and job["requestedBy"]["uid"] == 65534
    r = d.ctl("audit", user="nobody")
    assert r.returncode == 1 and "needs one of: supervisor, auditor, admin" in r.stderr
    stored = [e for e in d.request("GET", "/v1/events").json()["events"] if e["action"] == "item.store"]
    assert {e["actor"]["uid"] for e in stored} == {65534}


def test_the_socket_is_never_world_accessible(daemon):
    mode = daemon.socket.stat().st_mode & 0o777
    assert mode & 0o007 == 0


# MARK: configuration and process behaviour

def test_a_bad_config_names_file_line_and_key(tmp_path):
    cfg = tmp_path / "custodyd.toml"
    cfg.write_text('[ingest]\nconcurrency = 2\ncommitBatchFilez = 3\n')
    r = subprocess.run([str(CUSTODYD), "--config", str(cfg), "--state-dir", str(tmp_path / "s"), "--socket", str(tmp_path / "c.sock")],
                       capture_output=True, text=True, timeout=60)
    assert r.returncode == 78
    assert f"{cfg}:3" in r.stderr and "ingest.commitBatchFilez" in r.stderr
    cfg.write_text('[control]\nsocketMode = "0666"\n')
    r = subprocess.run([str(CUSTODYD), "--config", str(cfg)], capture_output=True, text=True, timeout=60)
    assert r.returncode == 78 and f"{cfg}:2" in r.stderr and "world-writable" in r.stderr
    cfg.write_text('[ingest\n')
    r = subprocess.run([str(CUSTODYD), "--config", str(cfg)], capture_output=True, text=True, timeout=60)
    assert r.returncode == 78 and f"{cfg}:1" in r.stderr
    r = subprocess.run([str(CUSTODYD), "--config", str(tmp_path / "absent.toml")], capture_output=True, text=True, timeout=60)
    assert r.returncode == 78 and "absent.toml" in r.stderr and "no such file" in r.stderr


def test_sd_notify_ready_and_stopping(daemon_factory, tmp_path):
    path = str(tmp_path / "notify.sock")
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    sock.bind(path)
    sock.settimeout(30)
    d = daemon_factory(start=False)
    d.start(extra_env={"NOTIFY_SOCKET": path})
    ready = sock.recv(4096).decode()
    assert "READY=1" in ready and "STATUS=serving" in ready
    assert d.stop() == 0
    messages = sock.recv(4096).decode()
    assert "STOPPING=1" in messages
    sock.close()


def test_cli_global_options_before_or_after_and_exit_codes(daemon):
    before = daemon.ctl("--json", "--socket", str(daemon.socket), "status", env={"CUSTODY_SOCKET": "/nonexistent"})
    after = daemon.ctl("status", "--socket", str(daemon.socket), "--json", env={"CUSTODY_SOCKET": "/nonexistent"})
    assert before.returncode == 0 and after.returncode == 0
    assert json.loads(before.stdout)["version"] == json.loads(after.stdout)["version"]
    usage = daemon.ctl("items", "--no-such-flag")
    assert usage.returncode == 2 and "no-such-flag" in usage.stderr
    missing = daemon.ctl("status", env={"CUSTODY_SOCKET": "/nonexistent/control.sock"})
    assert missing.returncode == 1
    assert missing.stderr.strip().count("\n") == 0 and "not running" in missing.stderr
    nojob = daemon.ctl("job", "999")
    assert nojob.returncode == 1 and nojob.stderr.strip() == "custodyctl: no job 999"


def test_items_filters_and_text_search(daemon, sample_media):
    shutil.copytree(sample_media, daemon.inbox / "card")
    ingest(daemon, daemon.inbox / "card")
    everything = daemon.ctl_json("items")
    photos = daemon.ctl_json("items", "--text", "PHOTO")
    assert photos and all("PHOTO" in i["source"]["path"] for i in photos)
    cyrillic = daemon.ctl_json("items", "--text", "саслушање")
    assert len(cyrillic) == 1
    times = sorted(i["recordedAt"] for i in everything)
    middle = times[len(times) // 2]
    later = daemon.ctl_json("items", "--from", middle)
    assert later and all(i["recordedAt"] >= middle for i in later)
    assert len(later) + len(daemon.ctl_json("items", "--to", middle)) == len(everything)
    assert daemon.ctl_json("items", "--category", "unclassified") == everything
    assert daemon.ctl_json("items", "--officer", "B-0001") == []
    table = daemon.ctl("items", check=True).stdout
    assert "RECORDED (UTC)" in table.splitlines()[0]
    bad = daemon.ctl("items", "--from", "yesterday")
    assert bad.returncode == 1 and "RFC 3339" in bad.stderr


def test_item_json_always_has_the_keys_other_tools_rely_on(daemon):
    (daemon.inbox / "card").mkdir()
    (daemon.inbox / "card" / "note.txt").write_text("a note\n")
    ingest(daemon, daemon.inbox / "card")
    for item in daemon.ctl_json("items") + [daemon.ctl_json("item", "1")]:
        assert {"id", "sha256", "size", "mediaType", "recordedAt", "recordedAtSource", "ingestedAt", "source", "tags"} <= item.keys()
        assert item["source"]["device"] is None and item["source"]["path"] == "note.txt"
        assert item["tags"] == {"officer": None, "hearing": None, "case": None, "category": "unclassified", "courtroom": None}
    job = daemon.ctl_json("job", "1")
    assert {"id", "state", "stored", "duplicates", "failed", "errors"} <= job.keys()
    status = daemon.ctl_json("status")
    assert {"version", "uptimeSeconds", "items", "bytesStored", "jobsRunning"} <= status.keys()


def test_verify_detects_a_changed_byte_and_an_altered_event_naming_them(daemon):
    make_files(daemon.inbox / "card", 3, 10_000)
    ingest(daemon, daemon.inbox / "card")
    assert daemon.ctl("ledger", "checkpoint", check=True).stdout.splitlines()[0] == daemon.ctl_json("ledger", "key")["origin"]
    clean = daemon.ctl_json("verify", "--full")
    assert clean["ok"] and clean["blobsChecked"] == 3 and clean["checkpointsChecked"] >= 1
    key = daemon.ctl("ledger", "key", check=True).stdout.strip()
    assert (daemon.state / "ledger" / "station.key.pub").read_text().strip() == key
    assert oct((daemon.state / "ledger" / "station.key").stat().st_mode & 0o777) == "0o600"

    item = all_items(daemon)[0]
    blob = blob_path(daemon, item["sha256"])
    os.chmod(blob, 0o640)
    data = bytearray(blob.read_bytes())
    data[100] ^= 0x01
    blob.write_bytes(bytes(data))
    result = daemon.ctl("--json", "verify", "--full")
    assert result.returncode == 1
    report = json.loads(result.stdout)
    assert [(p["kind"], p["subject"]) for p in report["problems"]] == [("blob-hash", f"item:{item['id']}")]
    assert report["problems"][0]["expected"] == item["sha256"]

    conn = sqlite3.connect(daemon.state / "index.sqlite")
    conn.executescript("DROP TRIGGER events_no_update; UPDATE events SET actor_name = 'someone-else' WHERE action = 'item.store';")
    conn.close()
    text = daemon.ctl("verify")
    assert text.returncode == 1 and "PROBLEMS" in text.stdout
    assert "no longer hashes to its ledger leaf" in text.stdout and "checkpoint" in text.stdout


def test_verify_detects_an_edited_index_row_and_a_deleted_ledger_entry(daemon):
    make_files(daemon.inbox / "card", 3, 10_000)
    ingest(daemon, daemon.inbox / "card")
    daemon.ctl("ledger", "checkpoint", check=True)
    items = all_items(daemon)
    # The index row of one item made to point at another's bytes, and another's path changed.
    conn = sqlite3.connect(daemon.state / "index.sqlite")
    triggers = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'items'")]
    conn.executescript("".join(f"DROP TRIGGER {t};" for t in triggers)
                       + f"UPDATE items SET sha256 = '{items[1]['sha256']}' WHERE id = {items[0]['id']};"
                       + f"UPDATE items SET source_path = 'elsewhere.bin' WHERE id = {items[2]['id']};")
    conn.close()
    report = json.loads(daemon.ctl("--json", "verify").stdout)
    assert not report["ok"]
    rows = {(p["kind"], p["subject"], p["expected"], p["found"]) for p in report["problems"]}
    assert ("item-row", f"item:{items[0]['id']}", items[0]["sha256"], items[1]["sha256"]) in rows
    assert ("item-row", f"item:{items[2]['id']}", items[2]["source"]["path"], "elsewhere.bin") in rows
    assert all("the index row was edited" in p["message"] for p in report["problems"])
    # A ledger entry (and its event) deleted: every checkpoint past it names the loss.
    conn = sqlite3.connect(daemon.state / "index.sqlite")
    triggers = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name IN ('events', 'ledger')")]
    conn.executescript("".join(f"DROP TRIGGER {t};" for t in triggers) + "DELETE FROM ledger WHERE seq = 2; DELETE FROM events WHERE seq = 2;")
    conn.close()
    report = json.loads(daemon.ctl("--json", "verify").stdout)
    kinds = {p["kind"] for p in report["problems"]}
    assert "checkpoint-root" in kinds, report["problems"]


def test_scheduled_verification_is_a_custody_event_and_reports_tampering(daemon_factory):
    d = daemon_factory(config='[control]\nsocketGroup = ""\n[ledger]\nverifyIntervalSeconds = 1\nverifyFull = true\n')
    make_files(d.inbox / "card", 2, 10_000)
    ingest(d, d.inbox / "card")

    def daemon_verifications():
        return [e for e in d.request("GET", "/v1/events?limit=10000").json()["events"]
                if e["action"] == "ledger.verify" and e["actor"]["name"] == "custodyd"]

    deadline = time.monotonic() + 20
    while not daemon_verifications():
        assert time.monotonic() < deadline, "no scheduled verification within 20 s"
        time.sleep(0.1)
    first = daemon_verifications()[-1]
    assert first["outcome"] == "ok" and first["detail"]["full"] is True

    item = all_items(d)[0]
    blob = blob_path(d, item["sha256"])
    os.chmod(blob, 0o640)
    blob.write_bytes(b"replaced")
    seen = len(daemon_verifications())
    while True:
        later = daemon_verifications()[seen:]
        if later:
            break
        assert time.monotonic() < deadline + 20, "no later scheduled verification"
        time.sleep(0.1)
    assert later[0]["outcome"] == "error" and later[0]["detail"]["problems"] == 1
    assert f"item:{item['id']}" in d.log_path.read_text()
