"""GET /metrics: the Prometheus text format 0.0.4, read back by Prometheus's own
parser (prometheus_client.parser, Debian's python3-prometheus-client), with values
checked against what the daemon did."""

import datetime
import os
import sqlite3

import pytest
from prometheus_client.parser import text_string_to_metric_families

FAMILIES = {
    # name (as the parser names it: counters lose _total): type
    "custody_build_info": "gauge",
    "custody_devices_docked": "gauge",
    "custody_jobs": "gauge",
    "custody_ingest_queue_depth": "gauge",
    "custody_ingest_jobs_running": "gauge",
    "custody_ingest_files": "counter",
    "custody_ingest_bytes": "counter",
    "custody_ingest_copied_bytes": "counter",
    "custody_ingest_throughput_bytes_per_second": "gauge",
    "custody_hash_bytes": "counter",
    "custody_hash_seconds": "counter",
    "custody_hash_throughput_bytes_per_second": "gauge",
    "custody_store_items": "gauge",
    "custody_store_blobs": "gauge",
    "custody_store_size_bytes": "gauge",
    "custody_store_free_bytes": "gauge",
    "custody_store_filesystem_size_bytes": "gauge",
    "custody_store_space_low": "gauge",
    "custody_ingest_paused": "gauge",
    "custody_ledger_entries": "gauge",
    "custody_ledger_checkpoints": "gauge",
    "custody_verification_failures": "counter",
    "custody_audio_sessions_active": "gauge",
    "custody_audio_sessions": "counter",
    "custody_audio_dropped_frames": "counter",
    "custody_audio_alarms": "counter",
}


def scrape(d):
    reply = d.request("GET", "/metrics")
    assert reply.status == 200, reply.body
    assert reply.headers["content-type"] == "text/plain; version=0.0.4; charset=utf-8"
    families = {f.name: f for f in text_string_to_metric_families(reply.body.decode())}
    samples = {}
    for f in families.values():
        for s in f.samples:
            samples[(s.name, tuple(sorted(s.labels.items())))] = s.value
    return families, samples


def value(samples, name, **labels):
    return samples[(name, tuple(sorted(labels.items())))]


@pytest.fixture
def busy(daemon_factory):
    """A daemon that ingested five files (two of them the same 24 MiB), then the same card again (all duplicates)."""
    d = daemon_factory()
    card = d.inbox / "card"
    card.mkdir()
    big = os.urandom(1 << 20) * 24
    (card / "CLIP0001.MP4").write_bytes(big)
    for i in range(2, 5):
        (card / f"CLIP000{i}.MP4").write_bytes(os.urandom(4096 + i))
    (card / "COPY.MP4").write_bytes(big)
    d.card_bytes = len(big) + sum(4096 + i for i in range(2, 5))
    d.job = d.wait_job(d.request("POST", "/v1/jobs", {"path": str(card)}).json()["id"])
    assert d.job["state"] == "completed"
    again = d.wait_job(d.request("POST", "/v1/jobs", {"path": str(card)}).json()["id"])
    assert again["duplicates"] == 5
    d.again = again
    return d


def test_every_family_parses_with_its_type(busy):
    families, _ = scrape(busy)
    for name, kind in FAMILIES.items():
        assert name in families, f"{name} missing from /metrics"
        assert families[name].type == kind, f"{name} is a {families[name].type}, expected {kind}"
        assert families[name].documentation, f"{name} has no HELP"


def test_values_follow_what_the_daemon_did(busy):
    _, s = scrape(busy)
    status = busy.request("GET", "/v1/status").json()
    assert value(s, "custody_ingest_files_total", outcome="stored") == 5
    assert value(s, "custody_ingest_files_total", outcome="duplicate") == 5
    assert value(s, "custody_ingest_files_total", outcome="failed") == 0
    assert value(s, "custody_ingest_bytes_total") == busy.job["bytesStored"] >= busy.card_bytes
    assert value(s, "custody_jobs", state="completed") == 2
    assert value(s, "custody_jobs", state="running") == 0 and value(s, "custody_ingest_queue_depth") == 0
    assert value(s, "custody_store_items") == status["items"] == 5
    assert value(s, "custody_store_blobs") == status["blobs"] == 4
    assert value(s, "custody_store_size_bytes") == status["bytesStored"]
    assert value(s, "custody_ledger_entries") == busy.request("GET", "/v1/ledger").json()["treeSize"]
    assert value(s, "custody_ledger_checkpoints") >= 1
    # Every byte was hashed (twice over: the second job hashes to confirm duplicates); new ones copied.
    assert value(s, "custody_hash_bytes_total") >= busy.card_bytes
    assert value(s, "custody_ingest_copied_bytes_total") >= busy.card_bytes
    assert value(s, "custody_hash_seconds_total") > 0
    # Throughput is over the last ten seconds: not zero while the bytes copied (first job)
    # and hashed (the second) are that recent. A slow machine may take longer than that
    # between the jobs and the scrape; then the rate has rightly fallen, and it is not asserted.
    scraped = datetime.datetime.now(datetime.timezone.utc)
    for metric, job in (("custody_ingest_throughput_bytes_per_second", busy.job), ("custody_hash_throughput_bytes_per_second", busy.again)):
        finished = datetime.datetime.fromisoformat(job["finishedAt"].replace("Z", "+00:00"))
        if (scraped - finished).total_seconds() < 8:
            assert value(s, metric) > 0, metric
    st = os.statvfs(busy.state)
    assert abs(value(s, "custody_store_free_bytes") - st.f_bavail * st.f_frsize) < 256 << 20
    assert value(s, "custody_store_filesystem_size_bytes") == st.f_blocks * st.f_frsize
    assert value(s, "custody_ingest_paused") == 0
    for kind in ("bodyCamera", "stillCamera", "audioRecorder", "unsupported"):
        assert value(s, "custody_devices_docked", kind=kind) == 0
    for name in ("custody_audio_sessions_active", "custody_audio_sessions_total", "custody_audio_dropped_frames_total",
                 "custody_audio_alarms_total"):
        assert value(s, name) == 0, "audio is zero until capture arrives"
    assert value(s, "custody_verification_failures_total", kind="ingest") == 0
    assert value(s, "custody_verification_failures_total", kind="ledger") == 0
    version = busy.ctl("--json", "status", check=True)
    assert value(s, "custody_build_info", version=__import__("json").loads(version.stdout)["version"]) == 1


def test_a_failed_ledger_verification_is_counted(busy):
    db = sqlite3.connect(str(busy.state / "index.sqlite"), isolation_level=None, timeout=30)
    db.executescript("DROP TRIGGER events_no_update; UPDATE events SET actor_name = 'someone-else' WHERE action = 'item.store';")
    db.close()
    report = busy.request("POST", "/v1/verify", {"full": False}).json()
    assert report["ok"] is False
    _, s = scrape(busy)
    assert value(s, "custody_verification_failures_total", kind="ledger") == 1


def test_custodyctl_metrics_prints_the_same_format(busy):
    out = busy.ctl("metrics", check=True).stdout
    names = {f.name for f in text_string_to_metric_families(out)}
    assert set(FAMILIES) <= names
