"""Finding 9: a FIFO given as --image, or swapped in for a listed file, made the daemon
wait for ever for a writer: the request never answered, or the job never ended. The
FIFO must be refused at once by its type, and the daemon must go on serving jobs."""

import os
import threading

from paused_ingest import PausedIngest, small_store  # noqa: F401  (fixture)


def test_a_fifo_as_image_is_refused_at_once_and_other_jobs_run(daemon):
    fifo = daemon.inbox / "card.img"
    os.mkfifo(fifo)
    answer = {}

    def ask():
        try:
            answer["reply"] = daemon.request("POST", "/v1/jobs", {"path": str(fifo), "image": True})
        except OSError as error:  # the harness's socket timeout: the daemon never answered
            answer["error"] = error

    asker = threading.Thread(target=ask, daemon=True)
    asker.start()
    asker.join(timeout=60)
    assert "reply" in answer, f"no answer to an ingest of a FIFO: {answer.get('error', 'still waiting')}"
    reply = answer["reply"]
    assert reply.status == 400, reply.body
    problem = reply.json()
    assert problem["code"] == "bad-request" and "neither a disk image" in problem["detail"], problem
    # The daemon still serves: another job runs to its end.
    card = daemon.inbox / "card"
    card.mkdir()
    (card / "CLIP0001.MP4").write_bytes(os.urandom(10_000))
    job = daemon.ctl_json("ingest", card, "--wait")
    assert job["state"] == "completed" and job["stored"] == 1, job


def test_a_fifo_swapped_in_for_a_listed_file_fails_alone_and_the_queue_goes_on(daemon_factory, small_store):
    p = PausedIngest(daemon_factory, small_store).start()
    card, other = p.d.inbox / "card", p.d.inbox / "other"
    card.mkdir()
    other.mkdir()
    (card / "a.mp4").write_bytes(os.urandom(5000))
    (card / "b.mp4").write_bytes(os.urandom(5000))
    (other / "c.mp4").write_bytes(os.urandom(5000))
    p.hold()
    first = p.d.request("POST", "/v1/jobs", {"path": str(card)}).json()["id"]
    p.wait_running(first)
    (card / "b.mp4").unlink()
    os.mkfifo(card / "b.mp4")
    second = p.d.request("POST", "/v1/jobs", {"path": str(other)}).json()["id"]
    p.release()
    done = p.d.wait_job(first, timeout=120)
    assert done["state"] == "completedWithErrors" and done["stored"] == 1 and done["failed"] == 1, done
    [error] = done["errors"]
    assert error["path"] == "b.mp4" and "not a regular file" in error["message"], error
    after = p.d.wait_job(second, timeout=120)
    assert after["state"] == "completed" and after["stored"] == 1, after
