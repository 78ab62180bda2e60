"""A camera pulled mid-job and docked again with another card in it, one prepared to
look like the first (the same file names and sizes, other bytes): the other card must
never be read into the first card's job (which would file its recordings as the first
card's, under its source and chain of custody). It is a medium of its own, with a job
of its own; the first card's job waits for the first card, and resumes with it."""

import hashlib

from held_store import SPACE, held_store  # noqa: F401  (fixture)
from test_docking import UmockdevTestbed, devices_config, wait_for
from test_docking_media import HOLD_AFTER, card_image, job_of, pull_mid_job, wait_job_state


def sha(data):
    return hashlib.sha256(data).hexdigest()


def test_a_card_swapped_into_a_pulled_camera_is_never_read_into_the_first_cards_job(daemon_factory, tmp_path, held_store):
    first, forged = tmp_path / "first.img", tmp_path / "forged.img"
    files = card_image(first, "BWC0001234", "1c0ffee1", files=300, size=50_000, size_mib=32)
    # The same names and sizes, other bytes: what a swapped card would hold to pass for the first.
    lookalike = card_image(forged, "BWC0001234", "0badcafe", files=300, size=50_000, size_mib=32)
    assert set(files) == set(lookalike) and all(len(files[p]) == len(lookalike[p]) for p in files)
    testbed = UmockdevTestbed(tmp_path / "control")
    d = daemon_factory(config=devices_config() + SPACE, start=False, ingest="concurrency = 1\ncommitBatchFiles = 4\n")
    d.state = held_store.state
    d.start(wrapper=testbed.wrapper(), extra_env={"CUSTODY_UMOCKDEV_CONTROL": str(testbed.control)})
    try:
        # The store holds ingest part-way through the first card (15 MB): pulled then, certainly mid-job.
        held_store.hold_after(HOLD_AFTER)
        testbed.request("add bodycam-mass-storage")
        testbed.request(f"insert sdb {first}")
        job = pull_mid_job(d, testbed, held_store, None, "sdb", 8, [sha(b) for b in files.values()],
                           pull="remove bodycam-mass-storage")
        pulled = wait_job_state(d, job, ["interrupted", "completed", "completedWithErrors", "failed"])
        assert pulled["state"] == "interrupted" and pulled["pending"] > 0, pulled
        wait_for(d, lambda ds: ds and all(x["state"] == "removed" for x in ds))

        # Docked again with the look-alike card in it.
        testbed.request("add bodycam-mass-storage")
        testbed.request(f"insert sdb {forged}")
        cam = wait_for(d, lambda ds: len(ds) == 2 and ds[0]["state"] in ("done", "error"), timeout=120)[0]
        assert cam["jobId"] != job, f"the look-alike card was read into job {job}: {cam}"
        other = job_of(d, cam["jobId"])
        assert other["state"] == "completed" and other["stored"] == len(lookalike), other
        still = job_of(d, job)
        assert still["state"] == "interrupted" and still["pending"] == pulled["pending"], still
        first_items = {f["sha256"] for f in still["files"] if f["state"] == "stored"}
        assert first_items <= {sha(b) for b in files.values()}, "a look-alike file was filed under the first card's job"

        # The first card back: its own job goes on, and only its bytes are in it.
        testbed.request("remove bodycam-mass-storage")
        wait_for(d, lambda ds: all(x["state"] == "removed" for x in ds))
        testbed.request("add bodycam-mass-storage")
        testbed.request(f"insert sdb {first}")
        done = wait_job_state(d, job, ["completed", "completedWithErrors", "failed"])
        assert done["state"] == "completed" and done["stored"] == len(files) and done["duplicates"] == 0, done
        assert {f["path"]: f["sha256"] for f in job_of(d, job)["files"]} == {p: sha(b) for p, b in files.items()}
        assert d.ctl("verify", check=True).returncode == 0
    finally:
        d.stop()
