"""Low: a recording time before year 1 crashed POST /v1/retention and GET /v1/gaps
through a force-unwrap (the time was written as "-0002-…", which did not parse back).

A card on a tmpfs (which keeps any 64-bit modification time) holds files whose mtime,
their recording time for want of metadata, lies before year 1 and far beyond year 9999;
one comes from a device registered in a courtroom and is tagged to a hearing, so the
gaps report reads its time too. Retention and gaps answer, custodyd stays up, the times
are bounded to what RFC 3339 can say (years 0000-9999) and flagged implausible."""

import os
import subprocess

import pytest


@pytest.fixture
def tmpfs_card(daemon):
    if os.geteuid() != 0:
        pytest.skip("needs root to mount a tmpfs")
    card = daemon.inbox / "card"
    card.mkdir()
    if subprocess.run(["mount", "-t", "tmpfs", "-o", "size=4m,mode=0755", "tmpfs", str(card)]).returncode != 0:
        pytest.skip("cannot mount a tmpfs here")
    yield card
    subprocess.run(["umount", "-l", str(card)])


def test_times_before_year_one_crash_neither_retention_nor_gaps(daemon, tmpfs_card):
    d = daemon
    for name, mtime in [("BEFORE-YEAR-1.MP4", -62_200_000_000), ("YEAR-MINUS-3000.MP4", -157_000_000_000),
                        ("AFTER-YEAR-9999.MP4", 400_000_000_000)]:
        (tmpfs_card / name).write_bytes(name.encode() * 100)
        os.utime(tmpfs_card / name, (mtime, mtime))
        assert os.stat(tmpfs_card / name).st_mtime == mtime, "the tmpfs keeps the time"
    registry = d.root / "registry"
    registry.mkdir()
    (registry / "courtrooms.csv").write_text("id,name\nCR1,Courtroom 1\n")
    (registry / "devices.csv").write_text("serial,model,kind,courtroom\nREC-1,Recorder,audioRecorder,CR1\n")
    (registry / "hearings.csv").write_text("id,case,courtroom,judge,start,end\nH-1,K-1,CR1,Judge A,2026-03-16T09:00:00Z,2026-03-16T10:00:00Z\n")
    for kind in ("courtrooms", "devices", "hearings"):
        d.ctl("import", kind, str(registry / f"{kind}.csv"), check=True)
    job = d.ctl_json("ingest", str(tmpfs_card), "--device", "REC-1", "--wait")
    assert job["state"] == "completed" and job["stored"] == 3, job
    items = {i["source"]["path"]: i for i in d.ctl_json("items", "--limit", "100")}
    assert items["BEFORE-YEAR-1.MP4"]["recordedAt"] == "0000-01-01T00:00:00.000Z"
    assert items["YEAR-MINUS-3000.MP4"]["recordedAt"] == "0000-01-01T00:00:00.000Z"
    assert items["AFTER-YEAR-9999.MP4"]["recordedAt"] == "9999-12-31T23:59:59.999Z"
    assert all(i.get("recordedAtImplausible") for i in items.values()), items
    d.ctl("tag", str(items["BEFORE-YEAR-1.MP4"]["id"]), "--hearing", "H-1", check=True)
    for item in items.values():
        d.ctl("tag", str(item["id"]), "--category", "non-evidential", check=True)

    plan = d.request("POST", "/v1/retention")
    assert plan.status in (200, 201), plan.body
    assert plan.json()["expired"] == [], "ingested today: kept"
    gaps = d.request("GET", "/v1/gaps")
    assert gaps.status == 200, gaps.body
    assert any(g.get("hearing") == "H-1" for g in gaps.json()["gaps"])
    assert d.ctl("gaps", check=True).returncode == 0
    assert d.ctl_json("retention", "apply")["deleted"] == []
    assert d.request("GET", "/v1/status").status == 200 and d.proc.poll() is None, "custodyd is still up"
    assert d.ctl("verify").returncode == 0
