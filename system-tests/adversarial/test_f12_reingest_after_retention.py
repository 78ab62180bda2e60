"""Finding 12: a file whose earlier copy retention deleted was recorded as a duplicate
and never stored again; and retention deleting a blob while the same bytes were
ingested again could leave a verified item with no blob.

Both through the real daemon: the card is ingested "a month ago" (custodyd run with its
wall clock set back by libfaketime; retention counts from the later of recording and
ingest), retention deletes it, and the same card is ingested again. For the race,
custodyd's one test seam (CUSTODY_TEST_BLOB_REMOVAL_GATE) holds retention between its
index commit and the removal of the blob, and the same bytes are ingested from another
card in exactly that window."""

import datetime
import os
import subprocess
import time

from conftest import CUSTODYCTL

MONTH_AGO = "@2025-01-20 12:00:00"


def put(path, data, when):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    os.utime(path, (when.timestamp(), when.timestamp()))


def ingest(d, card):
    job = d.ctl_json("ingest", str(card), "--wait")
    assert job["state"] == "completed" and job["failed"] == 0, job
    return job


def ingest_a_month_ago(d, card, extra_env=None):
    """Ingests the card with custodyd's wall clock set back; custodyd runs on today's clock afterwards."""
    d.stop()
    d.start(faked_time=MONTH_AGO)
    try:
        job = ingest(d, card)
    finally:
        d.stop()
        d.start(extra_env=extra_env)
    return job


def expire_everything(d):
    for item in d.ctl_json("items", "--limit", "10000"):
        d.ctl("tag", str(item["id"]), "--category", "non-evidential", check=True)
    d.ctl_json("retention", "plan")
    return d.ctl_json("retention", "apply")


def blob(d, sha):
    return d.state / "blobs" / "sha256" / sha[:2] / sha[2:4] / sha


def test_a_file_retention_deleted_is_stored_again_when_ingested_again(daemon):
    d = daemon
    card = d.inbox / "card"
    data = b"CLIP0042: the same recording on the same card " * 1000
    put(card / "DCIM" / "CLIP0042.MP4", data, datetime.datetime(2025, 1, 10, 12, tzinfo=datetime.timezone.utc))
    first = ingest_a_month_ago(d, card)
    old = d.ctl_json("items")[0]
    result = expire_everything(d)
    assert result["deleted"] == [old["id"]], result
    assert not blob(d, old["sha256"]).exists()

    again = ingest(d, card)
    assert again["stored"] == 1 and again["duplicates"] == 0, again
    items = {i["id"]: i for i in d.ctl_json("items", "--limit", "100")}
    new = next(i for i in items.values() if i["id"] != old["id"])
    assert new["sha256"] == old["sha256"] and new["source"]["path"] == "DCIM/CLIP0042.MP4"
    assert "deletedAt" in items[old["id"]] and "deletedAt" not in new
    assert blob(d, new["sha256"]).read_bytes() == data
    assert first["id"] != again["id"]
    assert d.ctl("verify", "--full").returncode == 0


def test_retention_removing_a_blob_while_the_same_bytes_are_ingested_again_keeps_the_new_item_whole(daemon_factory, tmp_path):
    gate = tmp_path / "gate"
    gate.mkdir()
    seam = {"CUSTODY_TEST_BLOB_REMOVAL_GATE": str(gate)}
    d = daemon_factory(start=False)
    d.start(extra_env=seam)
    data = b"the same bytes, on two cards " * 2000
    when = datetime.datetime(2025, 1, 10, 12, tzinfo=datetime.timezone.utc)
    put(d.inbox / "card-a" / "A.MP4", data, when)
    put(d.inbox / "card-b" / "B.MP4", data, when)
    ingest_a_month_ago(d, d.inbox / "card-a", extra_env=seam)
    old = d.ctl_json("items")[0]
    for item in d.ctl_json("items", "--limit", "10000"):
        d.ctl("tag", str(item["id"]), "--category", "non-evidential", check=True)
    d.ctl_json("retention", "plan")

    # Retention commits the deletion, then waits at the seam before removing the blob…
    apply = subprocess.Popen([str(CUSTODYCTL), "--json", "retention", "apply"], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                             text=True, env=dict(os.environ, CUSTODY_SOCKET=str(d.socket)))
    deadline = time.monotonic() + 120
    while not (gate / "waiting").exists():
        assert time.monotonic() < deadline and apply.poll() is None, "retention never reached the removal"
        time.sleep(0.02)
    assert (gate / "waiting").read_text().split("\n") == [old["sha256"]]
    # …and exactly then the same bytes arrive from another card, are verified and committed.
    again = ingest(d, d.inbox / "card-b")
    assert again["stored"] == 1, again
    (gate / "go").touch()
    out, err = apply.communicate(timeout=120)
    assert apply.returncode == 0, err

    new = next(i for i in d.ctl_json("items", "--limit", "100") if i["id"] != old["id"])
    assert new["sha256"] == old["sha256"] and "deletedAt" not in new
    assert blob(d, new["sha256"]).exists(), "the verified item's blob is there"
    assert blob(d, new["sha256"]).read_bytes() == data
    assert d.ctl("verify", "--full").returncode == 0, "every stored item re-reads to its SHA-256"
    # And after a restart, recovery finds nothing missing.
    d.stop()
    d.start()
    recover = [e for e in d.request("GET", "/v1/events?subject=store&limit=10000").json()["events"] if e["action"] == "store.recover"]
    assert recover[-1]["detail"]["missingBlobs"] == [], recover[-1]
