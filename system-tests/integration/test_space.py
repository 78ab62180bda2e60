"""A nearly full store: status warns, ingest pauses (files stay pending, nothing
half-written is kept, nothing fails) and resumes by itself once space returns.
The store is a small tmpfs, really filled up."""

import os
import shutil
import subprocess
import time

import pytest

MiB = 1 << 20


@pytest.fixture
def small_store(tmp_path):
    if os.geteuid() != 0:
        pytest.skip("needs root to mount a small tmpfs")
    mount = tmp_path / "store"
    mount.mkdir()
    if subprocess.run(["mount", "-t", "tmpfs", "-o", "size=48m,mode=0755", "tmpfs", str(mount)]).returncode != 0:
        pytest.skip("cannot mount a tmpfs here")
    yield mount
    subprocess.run(["umount", "-l", str(mount)])


def test_status_warns_when_space_is_low(daemon_factory, small_store):
    d = daemon_factory(start=False, config=f'[space]\nwarnBelowBytes = {64 * MiB}\npauseBelowBytes = {4 * MiB}\nresumeAboveBytes = {8 * MiB}\n')
    d.state = small_store / "state"
    d.start()
    space = d.request("GET", "/v1/status").json()["space"]
    assert space["state"] == "low" and space["totalBytes"] == 48 * MiB and space["warnBelowBytes"] == 64 * MiB
    out = d.ctl("status", check=True).stdout
    assert "free space" in out and "(low)" in out
    assert "warning: free space is low:" in out and "ingest pauses below 4.0 MiB" in out
    events = d.request("GET", "/v1/events?subject=store").json()["events"]
    assert any(e["action"] == "store.space.low" for e in events)


def test_ingest_pauses_on_a_full_disk_and_resumes(daemon_factory, small_store):
    d = daemon_factory(start=False, config=(
        f'[space]\nwarnBelowBytes = {40 * MiB}\npauseBelowBytes = {12 * MiB}\nresumeAboveBytes = {20 * MiB}\n'
        'checkIntervalSeconds = 1\n'), ingest="concurrency = 1\n")
    d.state = small_store / "state"
    d.start()
    card = d.inbox / "card"
    card.mkdir()
    payloads = {f"CLIP{i:04}.MP4": os.urandom(6 * MiB) for i in range(4)}
    for name, data in payloads.items():
        (card / name).write_bytes(data)
    # Ballast leaves about 26 MiB of 48: two 6 MiB files fit above 12 MiB, the rest waits.
    ballast = small_store / "ballast"
    ballast.write_bytes(b"\0" * (20 * MiB))
    job = d.request("POST", "/v1/jobs", {"path": str(card)}).json()

    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        status = d.request("GET", "/v1/status").json()
        if status["space"]["state"] == "paused":
            break
        time.sleep(0.1)
    assert status["space"]["state"] == "paused", status
    time.sleep(1.5)
    held = d.request("GET", f"/v1/jobs/{job['id']}?files=false").json()
    assert held["state"] == "running" and held["failed"] == 0
    assert 0 < held["pending"] < 4 and held["stored"] + held["pending"] == 4
    assert os.listdir(d.state / "tmp") == [], "nothing half-written is kept while paused"
    out = d.ctl("status", check=True).stdout
    assert "(paused)" in out and "warning: ingest is paused" in out and "resumes by itself" in out
    metrics = d.request("GET", "/metrics").body.decode()
    assert "\ncustody_ingest_paused 1\n" in metrics

    ballast.unlink()  # space returns
    done = d.wait_job(job["id"], timeout=120)
    assert done["state"] == "completed" and done["stored"] == 4 and done["failed"] == 0
    assert d.request("GET", "/v1/status").json()["space"]["state"] in ("ok", "low")
    actions = [e["action"] for e in d.request("GET", "/v1/events?subject=store&limit=1000").json()["events"]]
    assert "ingest.pause" in actions and "ingest.resume" in actions
    assert actions.index("ingest.pause") < actions.index("ingest.resume")
    stored = {i["source"]["path"]: i["sha256"] for i in d.request("GET", "/v1/items?limit=100").json()["items"]}
    import hashlib
    assert stored == {name: hashlib.sha256(data).hexdigest() for name, data in payloads.items()}
    assert d.ctl("verify", "--full").returncode == 0
