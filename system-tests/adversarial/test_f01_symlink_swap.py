"""Finding 1: a symbolic link swapped in after the check made the daemon read any file
it can read. An operator submits a directory of the import drop box; while the job is
held (the store is full), they replace the directory, or a directory beneath it, by a
link to the state directory's ledger, so that the planned file 'station.key' is the
station's private signing key. The job must read nothing through the link: the key is
never stored, never exportable. The same with the swap made while custodyd is stopped,
before the job is resumed."""

import hashlib
import os

from paused_ingest import PausedIngest, small_store  # noqa: F401  (fixture)


def submit(d, path):
    reply = d.request("POST", "/v1/jobs", {"path": str(path)})
    assert reply.status == 202, reply.body
    return reply.json()["id"]


def assert_key_not_taken(p: PausedIngest):
    key = p.key()
    digest = hashlib.sha256(key).hexdigest()
    items = p.d.request("GET", "/v1/items?limit=10000").json()["items"]
    assert digest not in {i["sha256"] for i in items}, "the station key became an evidence item"
    assert p.blobs_holding(key) == [], "the station key's bytes are in the store"


def test_a_directory_beneath_the_root_swapped_for_a_link_to_the_ledger(daemon_factory, small_store):
    p = PausedIngest(daemon_factory, small_store).start()
    e = p.d.inbox / "e"
    (e / "sub").mkdir(parents=True)
    (e / "CLIP0001.MP4").write_bytes(os.urandom(4096))
    (e / "sub" / "station.key").write_bytes(b"a decoy the size of nothing")
    p.hold()
    job = submit(p.d, e)
    p.wait_running(job)
    (e / "sub" / "station.key").unlink()
    (e / "sub").rmdir()
    os.symlink(p.d.state / "ledger", e / "sub")
    p.release()
    done = p.d.wait_job(job)
    assert done["state"] == "completedWithErrors" and done["stored"] == 1 and done["failed"] == 1, done
    [error] = done["errors"]
    assert error["path"] == "sub/station.key" and "symbolic link" in error["message"], error
    assert_key_not_taken(p)


def test_the_root_swapped_for_a_link_while_the_job_runs_is_read_as_checked(daemon_factory, small_store):
    p = PausedIngest(daemon_factory, small_store).start()
    e = p.d.inbox / "e"
    e.mkdir()
    decoy = b"a decoy"
    (e / "station.key").write_bytes(decoy)
    p.hold()
    job = submit(p.d, e)
    p.wait_running(job)
    os.rename(e, p.d.inbox / "e-moved")
    os.symlink(p.d.state / "ledger", e)
    p.release()
    done = p.d.wait_job(job)
    # The running job holds the directory it checked: it reads the decoy there (now
    # e-moved), never the ledger the link at the old name points to.
    assert done["state"] == "completed" and done["stored"] == 1, done
    [item] = p.d.request("GET", "/v1/items?limit=10").json()["items"]
    assert item["sha256"] == hashlib.sha256(decoy).hexdigest()
    assert_key_not_taken(p)


def test_a_root_swapped_for_a_link_while_custodyd_is_stopped_is_not_followed_on_resume(daemon_factory, small_store):
    p = PausedIngest(daemon_factory, small_store).start()
    e = p.d.inbox / "e"
    e.mkdir()
    (e / "station.key").write_bytes(b"a decoy")
    p.hold()
    job = submit(p.d, e)
    p.wait_running(job)
    assert p.d.stop() == 0
    os.rename(e, p.d.inbox / "e-moved")
    os.symlink(p.d.state / "ledger", e)
    p.release()
    p.d.start()
    done = p.d.wait_job(job)
    assert done["state"] == "failed" and done["stored"] == 0, done
    assert "symbolic link" in done["message"], done["message"]
    events = [ev for ev in p.d.request("GET", f"/v1/events?subject=job:{job}&limit=100").json()["events"]]
    assert any(ev["action"] == "job.start" and (ev.get("detail") or {}).get("message") == "resumed" for ev in events), events
    assert_key_not_taken(p)


def test_a_path_inside_the_state_directory_is_refused_whatever_allowed_paths_says(daemon_factory):
    d = daemon_factory(start=False)
    # The allowed tree holds custodyd's state directory.
    d.config_path.write_text(f'[ingest]\nallowedPaths = ["{d.root}"]\n[control]\nsocketGroup = ""\n')
    d.start()
    for path in (d.state / "ledger" / "station.key", d.state / "ledger", d.state):
        reply = d.request("POST", "/v1/jobs", {"path": str(path)})
        assert reply.status == 403, (path, reply.status, reply.body)
        problem = reply.json()
        assert problem["code"] == "path-not-allowed" and "state directory" in problem["detail"], problem
    image = d.request("POST", "/v1/jobs", {"path": str(d.state / "ledger" / "station.key"), "image": True})
    assert image.status == 403, image.body
    # A tree holding the state directory lists it as not ingested and reads nothing from it.
    reply = d.request("POST", "/v1/jobs", {"path": str(d.root)})
    assert reply.status == 202, reply.body
    done = d.wait_job(reply.json()["id"])
    assert any(e["path"] == "state/" and "state directory" in e["message"] for e in done["errors"]), done["errors"]
    key = (d.state / "ledger" / "station.key").read_bytes()
    items = d.request("GET", "/v1/items?limit=10000").json()["items"]
    assert hashlib.sha256(key).hexdigest() not in {i["sha256"] for i in items}
