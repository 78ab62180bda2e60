"""The courtroom recording operations of docs/api/openapi.yaml (`/v1/recordings`),
checked against the document like the rest of test_openapi.py, which imports this
module: every test here runs as part of it, before its coverage tests.

The daemon records from the real alsa-lib, through an ALSA configuration of `file`
PCMs replaying a known recording and a `null` PCM (see conftest.py).
"""

import datetime
import time

import pytest

from conftest import ALSAFixtures, Daemon, courtroom_toml
from test_openapi import expect  # defined before test_openapi imports this module

# The tables recording adds (v5): test_index_failures drops them too.
RECORDING_TABLES = ["recording_segments", "recording_sessions"]

# The courtroom the role and index-failure tests use: id "1" (what `concrete` puts in
# a path), recording zeros from a `null` PCM in short segments.
ROLE_COURTROOM = courtroom_toml("1", ALSAFixtures.NULL, segment_frames=4800)


def null_alsa(root):
    """An ALSA configuration with only the `null` PCM; the environment custodyd needs for it."""
    conf = root / "alsa-null.conf"
    conf.write_text(f"pcm.{ALSAFixtures.NULL} {{\n    type null\n}}\n")
    return {"ALSA_CONFIG_PATH": str(conf)}


def role_call(method, template, path, body):
    """The path and body each role's call of a recording operation uses: start a short
    session in courtroom 1, stop it."""
    if template == "/v1/recordings" and method == "POST":
        return path, {"courtroom": "1", "durationFrames": 4800}
    if template == "/v1/recordings/{id}":
        return "/v1/recordings/1", ({"action": "stop"} if method == "POST" else None)
    return path, body


def provoke_index_failures(d):
    """500 on the recording reads of a daemon whose index has lost its tables."""
    for path, template in (("/v1/recordings", "/v1/recordings"), ("/v1/recordings/1", "/v1/recordings/{id}")):
        problem = expect(d.request("GET", path), "GET", template, 500)
        assert problem["code"] == "internal"


@pytest.fixture(scope="module")
def recording(tmp_path_factory, alsa):
    """A daemon with three courtrooms: one replaying speech, one of zeros, one whose PCM does not exist."""
    d = Daemon(tmp_path_factory.mktemp("openapi-recording") / "d", config="".join([
        courtroom_toml("3", ALSAFixtures.SPEECH, names=["judge", "witness"], segment_frames=24000),
        courtroom_toml("zeros", ALSAFixtures.NULL, segment_frames=480000),
        courtroom_toml("9", "custody_nowhere"),
    ]))
    d.start(extra_env=alsa.env)
    try:
        yield d
    finally:
        d.stop()


def test_recordings_start_list_and_stop(recording):
    d = recording
    idle = expect(d.request("GET", "/v1/recordings"), "GET", "/v1/recordings", 200)
    assert [c["courtroom"] for c in idle["courtrooms"]] == ["3", "zeros", "9"]
    assert all(c["state"] == "idle" and "session" not in c for c in idle["courtrooms"]) and idle["segments"] == []

    # A session's hearing is one the registry has, in that courtroom, in session or about to be; its case is the registry's.
    now = datetime.datetime.now(datetime.timezone.utc).replace(microsecond=0)
    (d.root / "courtrooms.csv").write_text("id,name\n3,Courtroom 3\nzeros,Courtroom of zeros\n")
    (d.root / "hearings.csv").write_text("id,case,courtroom,judge,start,end\n"
                                         f"H-1,K-1,3,Judge A,{(now + datetime.timedelta(minutes=30)).isoformat()},{(now + datetime.timedelta(hours=2)).isoformat()}\n"
                                         f"H-OLD,K-0,3,Judge A,{(now - datetime.timedelta(days=7)).isoformat()},{(now - datetime.timedelta(days=7, hours=-1)).isoformat()}\n")
    d.ctl("import", "courtrooms", str(d.root / "courtrooms.csv"), check=True)
    d.ctl("import", "hearings", str(d.root / "hearings.csv"), check=True)
    unknown = expect(d.request("POST", "/v1/recordings", {"courtroom": "3", "hearing": "H-MADE-UP"}), "POST", "/v1/recordings", 404)
    assert unknown["code"] == "hearing-not-found" and "H-MADE-UP" in unknown["detail"]
    over = expect(d.request("POST", "/v1/recordings", {"courtroom": "3", "hearing": "H-OLD"}), "POST", "/v1/recordings", 409)
    assert over["code"] == "hearing-not-in-session"
    forged = expect(d.request("POST", "/v1/recordings", {"courtroom": "3", "hearing": "H-1", "case": "K-FORGED"}), "POST", "/v1/recordings", 400)
    assert "K-FORGED" in forged["detail"]
    started = expect(d.request("POST", "/v1/recordings", {"courtroom": "3", "hearing": "H-1", "case": "K-1", "durationFrames": 60000}),
                     "POST", "/v1/recordings", 201)
    assert started["courtroom"] == "3" and started["pcm"] == ALSAFixtures.SPEECH
    assert started["session"]["hearing"] == "H-1" and started["session"]["durationFrames"] == 60000
    assert started["format"] == {"sampleFormat": "S16_LE", "channels": 2, "rate": 48000}

    def filed():
        room = expect(d.request("GET", "/v1/recordings/3?segments=10"), "GET", "/v1/recordings/{id}", 200)
        return room if room["segmentsFiled"] == 3 and room["state"] == "stopped" else None
    deadline = time.monotonic() + 60
    room = None
    while room is None and time.monotonic() < deadline:
        room = filed()
        time.sleep(0.05)
    assert room, "three segments filed"
    assert [s["frames"] for s in room["segments"]] == [24000, 24000, 12000]
    assert room["session"]["stopReason"] == "durationReached" and room["session"]["framesCaptured"] == 60000
    assert room["session"]["levels"] == [] and room["session"]["activeAlarms"] == [], "live levels only while recording"

    listed = expect(d.request("GET", "/v1/recordings?hearing=H-1&courtroom=3&limit=2"), "GET", "/v1/recordings", 200)
    assert [s["sequence"] for s in listed["segments"]] == [2, 3], "the latest two, oldest first"
    assert listed["segments"][1]["gapBeforeSeconds"] == 0
    session = listed["segments"][0]["session"]
    assert len(expect(d.request("GET", f"/v1/recordings?session={session}"), "GET", "/v1/recordings", 200)["segments"]) == 3

    # A long session of zeros: a second start is refused while it records; stop ends it.
    expect(d.request("POST", "/v1/recordings", {"courtroom": "zeros", "durationSeconds": 600}), "POST", "/v1/recordings", 201)
    conflict = expect(d.request("POST", "/v1/recordings", {"courtroom": "zeros"}), "POST", "/v1/recordings", 409)
    assert conflict["code"] == "already-recording"
    stopped = expect(d.request("POST", "/v1/recordings/zeros", {"action": "stop"}), "POST", "/v1/recordings/{id}", 200)
    assert stopped["state"] == "stopped" and stopped["session"]["stopReason"] == "stopRequested"
    assert stopped["session"]["stoppedBy"]["uid"] == 0
    # Stopping a courtroom that is not recording leaves it as it is.
    again = expect(d.request("POST", "/v1/recordings/zeros", {"action": "stop"}), "POST", "/v1/recordings/{id}", 200)
    assert again["session"]["stoppedAt"] == stopped["session"]["stoppedAt"]


def test_recording_a_pcm_that_does_not_exist(recording):
    problem = expect(recording.request("POST", "/v1/recordings", {"courtroom": "9", "durationFrames": 10}), "POST", "/v1/recordings", 503)
    assert problem["code"] == "pcm-open" and "custody_nowhere" in problem["detail"]
    room = expect(recording.request("GET", "/v1/recordings/9"), "GET", "/v1/recordings/{id}", 200)
    assert room["state"] == "faulted" and room["session"]["fault"]["code"] == "capture.pcm-open"
    assert room["session"]["fault"]["call"] == "snd_pcm_open" and "reference" not in room["session"]


@pytest.mark.parametrize("method,template,path,body", [
    ("GET", "/v1/recordings", "/v1/recordings?limit=0", None),
    ("GET", "/v1/recordings", "/v1/recordings?limit=x", None),
    ("GET", "/v1/recordings/{id}", "/v1/recordings/3?segments=-1", None),
    ("POST", "/v1/recordings", "/v1/recordings", "not json"),
    ("POST", "/v1/recordings", "/v1/recordings", '{"hearing": "H-1"}'),
    ("POST", "/v1/recordings", "/v1/recordings", '{"courtroom": 3}'),
    ("POST", "/v1/recordings", "/v1/recordings", '{"courtroom": "3", "durationFrames": 0}'),
    ("POST", "/v1/recordings", "/v1/recordings", '{"courtroom": "3", "durationFrames": 5, "durationSeconds": 1}'),
    ("POST", "/v1/recordings", "/v1/recordings", '{"courtroom": "3", "hearing": ""}'),
    ("POST", "/v1/recordings/{id}", "/v1/recordings/3", '{"action": "pause"}'),
    ("POST", "/v1/recordings/{id}", "/v1/recordings/3", ""),
])
def test_recording_bad_requests(recording, method, template, path, body):
    problem = expect(recording.request(method, path, body), method, template, 400)
    assert problem["code"] == "bad-request"


def test_recording_unknown_courtrooms(recording):
    for method, template, path, body in (("POST", "/v1/recordings", "/v1/recordings", {"courtroom": "nowhere"}),
                                         ("GET", "/v1/recordings/{id}", "/v1/recordings/nowhere", None),
                                         ("POST", "/v1/recordings/{id}", "/v1/recordings/nowhere", {"action": "stop"})):
        problem = expect(recording.request(method, path, body), method, template, 404)
        assert problem["code"] == "not-found" and "nowhere" in problem["detail"]
