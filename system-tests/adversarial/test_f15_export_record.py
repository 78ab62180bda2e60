"""Finding 15: an export cut an item's custody events at 10,000 without notice, put the
failures of the job's other files into the item's record, and left an `export.create`
event standing alone when the bundle was never written.

Against the real daemon and CLI: an item given more than 10,000 custody events (through
the API, as a supervisor would, one tag at a time over one connection) is exported whole
and the independent verifier accepts the bundle; a bundle whose destination fills up, one
whose stored file is gone, one whose client stops reading half-way and one interrupted
with Ctrl-C each leave an `export.abandon` event saying why."""

import hashlib
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from conftest import CUSTODYCTL, UnixHTTPConnection
from stalling_relay import StallingRelay

REPO = Path(__file__).resolve().parents[2]
VERIFIER = REPO / "tools" / "verify-export" / "verify_export.py"


def export_events(d):
    return [e for e in d.request("GET", "/v1/events?subject=export&limit=10000").json()["events"]]


def wait_for(predicate, what, timeout=60):
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        assert time.monotonic() < deadline, f"{what} did not happen within {timeout}s"
        time.sleep(0.05)


def all_item_events(d, item):
    events, after = [], 0
    while True:
        page = d.request("GET", f"/v1/events?item={item}&after={after}&limit=10000").json()["events"]
        events += page
        if len(page) < 10000:
            return events
        after = page[-1]["seq"]


def test_an_item_with_more_than_10000_events_is_exported_whole_without_other_files_failures(daemon, tmp_path):
    d = daemon
    card = d.inbox / "card"
    card.mkdir()
    (card / "clip.mp4").write_bytes(b"evidence " * 5000)
    # Another file of the same job that fails (a symbolic link is never followed).
    (card / "elsewhere.mp4").symlink_to("/etc/hostname")
    job = json.loads(d.ctl("--json", "ingest", str(card), "--wait").stdout)
    assert job["stored"] == 1 and job["failed"] == 1, job
    item = d.request("GET", "/v1/items").json()["items"][0]["id"]
    # 10,001 tags, alternating the category, each a custody event of the item.
    conn = UnixHTTPConnection(str(d.socket), timeout=60)
    for i in range(10_001):
        body = json.dumps({"item": item, "category": "traffic" if i % 2 == 0 else "evidential"})
        conn.request("POST", "/v1/tags", body=body, headers={"Content-Type": "application/json"})
        reply = conn.getresponse()
        reply.read()
        assert reply.status == 200, (i, reply.status)
    conn.close()
    recorded = all_item_events(d, item)
    assert len(recorded) > 10_001 + 3, len(recorded)
    out = tmp_path / "bundle"
    summary = d.ctl_json("export", "--items", item, "--out", out)
    custody = json.loads((out / f"custody/item-{item}.json").read_text())
    seqs = [e["seq"] for e in custody["events"]]
    tree = summary["checkpoint"]
    # Everything recorded about the item up to the export's checkpoint (its item.export included).
    expected = [e["seq"] for e in all_item_events(d, item) if e["seq"] <= max(seqs)]
    assert seqs == expected, f"{len(seqs)} events in the bundle, {len(expected)} recorded"
    assert len(seqs) > 10_000 and sum(1 for e in custody["events"] if e["action"] == "item.tag") == 10_001
    assert not any(e["action"] == "file.fail" for e in custody["events"])
    assert not any(e["action"] == "file.fail" for e in recorded), "the other file's failure is not the item's"
    assert any(e["action"] == "item.export" for e in custody["events"]), "the export itself is in the record"
    assert tree >= max(seqs)
    check = subprocess.run([sys.executable, str(VERIFIER), str(out), "--json"], capture_output=True, text=True, timeout=600)
    report = json.loads(check.stdout)
    assert check.returncode == 0 and report["ok"], [r for r in report["results"] if not r["ok"]][:5]
    assert d.ctl_json("verify")["ok"]


def ingest_one(d, size, name="clip.mp4"):
    card = d.inbox / "card"
    card.mkdir(exist_ok=True)
    data = hashlib.sha256(name.encode()).digest() * (size // 32)
    (card / name).write_bytes(data)
    d.ctl_json("ingest", str(card), "--wait")
    item = [i for i in d.request("GET", "/v1/items?limit=100").json()["items"] if i["source"]["path"] == name][0]
    return item, data


def abandoned(d, export_id):
    return [e for e in export_events(d) if e["action"] == "export.abandon" and e["detail"]["export"] == export_id]


def test_an_export_whose_destination_fills_up_records_export_abandon(daemon, tmp_path):
    d = daemon
    item, _ = ingest_one(d, 4 << 20)
    small = tmp_path / "small"
    small.mkdir()
    subprocess.run(["mount", "-t", "tmpfs", "-o", "size=1m", "custody-test-full", str(small)], check=True)
    try:
        r = d.ctl("export", "--items", item["id"], "--out", small / "bundle")
        assert r.returncode == 1, r.stdout + r.stderr
        assert "No space left on device" in r.stderr and "recorded abandoned" in r.stderr, r.stderr
        assert list(small.iterdir()) == [], "nothing half-written is left"
    finally:
        subprocess.run(["umount", str(small)], check=True)
    created = [e for e in export_events(d) if e["action"] == "export.create"]
    assert len(created) == 1
    gone = abandoned(d, created[0]["seq"])
    assert len(gone) == 1 and gone[0]["outcome"] == "error" and "No space left on device" in gone[0]["detail"]["reason"], gone
    assert gone[0]["actor"]["uid"] == 0, "recorded by the exporter"
    assert d.ctl_json("verify")["ok"]


def test_an_export_whose_stored_file_is_gone_records_export_abandon_once(daemon, tmp_path):
    d = daemon
    item, _ = ingest_one(d, 1 << 20)
    sha = item["sha256"]
    (d.state / "blobs" / "sha256" / sha[:2] / sha[2:4] / sha).unlink()
    r = d.ctl("export", "--items", item["id"], "--out", tmp_path / "bundle")
    assert r.returncode == 1 and "cannot be read" in r.stderr, r.stderr
    assert not (tmp_path / "bundle").exists()
    export_id = [e for e in export_events(d) if e["action"] == "export.create"][0]["seq"]
    gone = abandoned(d, export_id)
    assert len(gone) == 1, "the daemon and the client both report it; it is recorded once"
    assert "cannot be read" in gone[0]["detail"]["reason"] and gone[0]["actor"]["name"] == "custodyd"


def test_a_client_that_stops_reading_half_way_records_export_abandon(daemon):
    d = daemon
    item, _ = ingest_one(d, 64 << 20)
    plan = d.request("POST", "/v1/exports", {"items": [item["id"]]}).json()
    conn = UnixHTTPConnection(str(d.socket), timeout=60)
    conn.request("GET", f"/v1/blobs/{item['sha256']}?export={plan['exportId']}")
    reply = conn.getresponse()
    assert reply.status == 200
    reply.read(1 << 20)  # the first mebibyte, then the client gives up
    conn.sock.close()
    conn.close()
    gone = wait_for(lambda: abandoned(d, plan["exportId"]), "export.abandon after the client went away")
    assert len(gone) == 1 and "stopped reading" in gone[0]["detail"]["reason"], gone
    assert d.ctl_json("verify")["ok"]


def test_an_export_interrupted_with_ctrl_c_records_export_abandon_and_leaves_nothing(daemon, tmp_path):
    d = daemon
    item, _ = ingest_one(d, 256 << 20)
    out = tmp_path / "bundle"
    # The download goes through a relay that passes 4 MiB of the stored file and holds the
    # rest: Ctrl-C lands while the file is certainly incomplete, however fast the machine.
    relay = StallingRelay(str(d.socket), str(tmp_path / "relay.sock"), 4 << 20)
    try:
        proc = subprocess.Popen([str(CUSTODYCTL), "export", "--items", str(item["id"]), "--out", str(out)],
                                env=dict(os.environ, CUSTODY_SOCKET=relay.path), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                text=True)
        assert relay.stalled.wait(120), "the export never asked for its stored file"
        staged = wait_for(lambda: [p for p in tmp_path.glob(".bundle.partial-*/evidence/*/*") if p.stat().st_size > 0],
                          "the export starting to write")[0]
        proc.send_signal(signal.SIGINT)
        # The abandonment is recorded at once (on a connection of its own); then the rest of
        # the file may come, and the export stops at its next chunk.
        export_id = [e for e in export_events(d) if e["action"] == "export.create"][0]["seq"]
        wait_for(lambda: abandoned(d, export_id), "export.abandon after Ctrl-C")
        assert staged.stat().st_size < item["size"]
        relay.release()
        stdout, stderr = proc.communicate(timeout=120)
    finally:
        relay.close()
    assert proc.returncode == 128 + signal.SIGINT, (proc.returncode, stderr)
    assert "interrupted by SIGINT" in stderr and "recorded abandoned" in stderr, stderr
    assert not out.exists() and not list(tmp_path.glob(".bundle.partial-*")), "nothing half-written is left"
    gone = abandoned(d, export_id)
    assert len(gone) == 1 and "SIGINT" in gone[0]["detail"]["reason"], gone


RAW_POST = r"""
import socket, sys
body = sys.argv[3].encode()
s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
s.connect(sys.argv[1])
s.sendall(("POST %s HTTP/1.1\r\nHost: custodyd\r\nConnection: close\r\nContent-Type: application/json\r\n"
           "Content-Length: %d\r\n\r\n" % (sys.argv[2], len(body))).encode() + body)
data = b""
while True:
    chunk = s.recv(65536)
    if not chunk:
        break
    data += chunk
print(data.split(b" ")[1].decode())
"""


def test_only_the_exporter_may_abandon_an_export_and_a_complete_one_still_verifies(daemon_factory, tmp_path):
    from conftest import world_readable_tmp
    # nobody is an auditor here: a role that may export, but not this export.
    d = daemon_factory(config='[control]\nsocketGroup = "nogroup"\nauditorGroup = "nogroup"\n', start=False)
    world_readable_tmp(d.root)
    d.start()
    item, data = ingest_one(d, 1 << 20)
    out = tmp_path / "bundle"
    summary = d.ctl_json("export", "--items", item["id"], "--out", out)
    assert (out / f"evidence/{item['id']}/clip.mp4").read_bytes() == data
    assert not abandoned(d, summary["exportId"]), "a complete export is not abandoned"
    check = subprocess.run([sys.executable, str(VERIFIER), str(out)], capture_output=True, text=True, timeout=300)
    assert check.returncode == 0, check.stdout + check.stderr
    target = f"/v1/exports/{summary['exportId']}/abandon"
    other = subprocess.run(["setpriv", "--reuid=65534", "--regid=65534", "--init-groups", "/usr/bin/python3", "-c", RAW_POST,
                            str(d.socket), target, json.dumps({"reason": "not mine"})], capture_output=True, text=True, timeout=60)
    assert other.stdout.strip() == "403", other.stdout + other.stderr
    assert not abandoned(d, summary["exportId"])
    assert d.request("POST", target, {"reason": ""}).status == 400
    assert d.request("POST", f"/v1/exports/{item['id'] + 10**6}/abandon", {"reason": "x"}).status == 404
    first = d.request("POST", target, {"reason": "the disc was lost"})
    assert first.status == 200 and first.json()["event"]["action"] == "export.abandon" and not first.json()["alreadyAbandoned"]
    again = d.request("POST", target, {"reason": "again"})
    assert again.status == 200 and again.json()["alreadyAbandoned"] and again.json()["event"]["seq"] == first.json()["event"]["seq"]
    assert [e["detail"]["reason"] for e in abandoned(d, summary["exportId"])] == ["the disc was lost"]
