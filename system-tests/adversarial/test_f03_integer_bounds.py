"""Finding 3: one request crashed custodyd: `POST /v1/clocks` with
`offsetSeconds = -9223372036854775808` trapped in `abs()`, and courtroom capture
died with the daemon.

Against the real daemon while a courtroom records: that request and its friends (the
largest and smallest integers in every body member, query parameter and path id that
takes a number, numbers too large for their type, times outside four-digit years, a
calendar DURATION of absurd size) each get a 400 (or, for a file, a 422) naming the
field; the daemon survives, the recording carries on byte for byte, and the ledger
verifies.
"""

import base64
import json
import time

from conftest import ALSAFixtures, courtroom_toml, wav_payload
from test_recording import register_hearings

MIN = -9223372036854775808
MAX = 9223372036854775807

# (method, path, body, what the 400's detail must name)
BODIES = [
    ("POST", "/v1/clocks", {"device": "BWC-1", "offsetSeconds": MIN}, "offsetSeconds must be an integer in -316224000...316224000"),
    ("POST", "/v1/clocks", {"device": "BWC-1", "offsetSeconds": MAX}, "offsetSeconds must be an integer in -316224000...316224000"),
    ("POST", "/v1/clocks", '{"device": "BWC-1", "offsetSeconds": -9223372036854775809}', "offsetSeconds"),
    ("POST", "/v1/clocks", '{"device": "BWC-1", "offsetSeconds": 1e400}', "offsetSeconds"),
    ("POST", "/v1/exports", {"items": [MIN]}, "items[0] must be an integer in 1...9007199254740991"),
    ("POST", "/v1/exports", {"items": [1, MAX]}, "items[1] must be an integer in 1...9007199254740991"),
    ("POST", "/v1/tags", {"item": MIN, "note": "x"}, "item must be an integer in 1...9007199254740991"),
    ("POST", "/v1/holds", {"item": MAX, "reason": "x"}, "item must be an integer in 1...9007199254740991"),
    ("POST", "/v1/recordings", {"courtroom": "7", "durationFrames": MAX}, "durationFrames must be an integer in 1...1000000000000"),
    ("POST", "/v1/recordings", {"courtroom": "7", "durationFrames": MIN}, "durationFrames must be an integer in 1...1000000000000"),
    ("POST", "/v1/recordings", {"courtroom": "7", "durationSeconds": 1.7976931348623157e308}, "durationSeconds must be a number"),
]

QUERIES = [
    (f"/v1/items?offset={MAX}", "offset must be an integer in 0...9007199254740991"),
    (f"/v1/items?limit={MIN}", "limit must be an integer in 1...10000"),
    (f"/v1/items?job={MAX}0", "job id must be a positive integer"),
    (f"/v1/events?after={MIN}", "after must be an integer in 0...9007199254740991"),
    (f"/v1/events?item={MAX}", "item id must be a positive integer (at most 9007199254740991)"),
    (f"/v1/items/{MAX}", "item id must be a positive integer (at most 9007199254740991)"),
    (f"/v1/jobs/{MIN}", "job id must be a positive integer"),
    (f"/v1/proofs?from={MIN}&to={MAX}", "from must be an integer in 1...9007199254740991"),
    (f"/v1/proofs?item=1&size={MAX}", "size must be an integer in 1...9007199254740991"),
    (f"/v1/blobs/{'0' * 64}?export={MAX}", "export id must be a positive integer (at most 9007199254740991)"),
    (f"/v1/retention/{MAX}", "retention plan id must be a positive integer"),
    (f"/v1/recordings?limit={MAX}", "limit must be an integer in 1...10000"),
    (f"/v1/recordings/7?segments={MIN}", "segments must be an integer in 0...10000"),
    ("/v1/items?from=0000-01-01T00:00:00Z", "from must be an RFC 3339 time in 0001-01-01T00:00:00Z...9999-12-31T23:59:59.999Z"),
    ("/v1/gaps?from=0000-12-31T23:59:59Z&to=0001-01-02T00:00:00Z", "from must be an RFC 3339 time in"),
    ("/v1/hearings?to=-001-01-01T00:00:00Z", "to must be an RFC 3339 time"),
    ("/v1/assignments?at=99999-01-01T00:00:00Z", "at must be an RFC 3339 time"),
]

CALENDAR = "\r\n".join([
    "BEGIN:VCALENDAR", "BEGIN:VEVENT", "UID:H-9", "X-CUSTODY-CASE:K-9", "LOCATION:7", "X-CUSTODY-JUDGE:Ilić",
    "DTSTART:20260316T090000Z", "DURATION:P" + "9" * 400 + "D", "END:VEVENT",
    "BEGIN:VEVENT", "UID:H-10", "X-CUSTODY-CASE:K-9", "LOCATION:7", "X-CUSTODY-JUDGE:Ilić",
    "DTSTART:00000101T090000Z", "DTEND:00000101T100000Z", "END:VEVENT", "END:VCALENDAR", ""])


def test_out_of_range_integers_get_400_naming_the_field_and_the_daemon_and_its_recording_survive(daemon_factory, alsa):
    d = daemon_factory(config=courtroom_toml("7", ALSAFixtures.LONG, segment_frames=480000, checkpointSeconds=0.01), start=False)
    d.start(extra_env=alsa.env)
    # The recording's hearing is a registered one, as a recording's hearing must be.
    register_hearings(d, ("H-7", "K-7", "7"))
    started = d.request("POST", "/v1/recordings", {"courtroom": "7", "hearing": "H-7", "durationSeconds": 85})
    assert started.status == 201, started.body

    def frames():
        room = d.request("GET", "/v1/recordings/7").json()
        return room["state"], room.get("session", {}).get("framesCaptured", 0)
    deadline = time.monotonic() + 60
    while frames()[1] == 0 and time.monotonic() < deadline:
        time.sleep(0.05)
    state, before = frames()
    assert state == "recording" and before > 0, "the courtroom records before the attack"

    for method, path, body, expected in BODIES:
        reply = d.request(method, path, body if isinstance(body, str) else json.dumps(body))
        assert reply.status == 400, f"{method} {path} {body}: {reply.status} {reply.body[:300]!r}"
        problem = reply.json()
        assert problem["code"] == "bad-request" and expected in problem["detail"], (path, body, problem)
        assert d.proc.poll() is None, f"custodyd died on {method} {path} {body}"
    for path, expected in QUERIES:
        reply = d.request("GET", path)
        assert reply.status == 400, f"GET {path}: {reply.status} {reply.body[:300]!r}"
        assert expected in reply.json()["detail"], (path, reply.json())
        assert d.proc.poll() is None, f"custodyd died on GET {path}"
    imported = d.request("POST", "/v1/imports", {"kind": "hearings", "format": "ics", "name": "court.ics",
                                                 "contentBase64": base64.b64encode(CALENDAR.encode()).decode()})
    assert imported.status == 422, imported.body
    fields = {(e["line"], e["field"]) for e in imported.json()["errors"]}
    assert (8, "DURATION") in fields and (15, "DTSTART") in fields and (16, "DTEND") in fields, fields

    # The recording went on through all of it, and stops when asked, every byte filed in order.
    # The attack may take less time than one captured block (or the capture thread may be
    # scheduled late on a busy machine): capture carrying on means more frames come, waited for.
    deadline = time.monotonic() + 60
    while frames() == ("recording", before) and time.monotonic() < deadline:
        time.sleep(0.05)
    state, after = frames()
    assert state == "recording" and after > before, "capture carried on"
    stopped = d.request("POST", "/v1/recordings/7", {"action": "stop"})
    assert stopped.status == 200, stopped.body
    session = [e for e in d.request("GET", "/v1/events?limit=10000").json()["events"] if e["action"] == "recording.stop"][-1]
    assert session["detail"]["reason"] == "stopRequested"

    def filed():
        segs = d.request("GET", "/v1/recordings?hearing=H-7&limit=100").json()["segments"]
        return segs if len(segs) == session["detail"]["segments"] and all(s["state"] == "filed" for s in segs) else None
    deadline = time.monotonic() + 120
    segs = filed()
    while segs is None and time.monotonic() < deadline:
        time.sleep(0.1)
        segs = filed()
    assert segs, "every segment of the session is filed"
    blobs = [d.state / "blobs" / "sha256" / s["sha256"][:2] / s["sha256"][2:4] / s["sha256"] for s in segs]
    joined = b"".join(wav_payload(b.read_bytes()) for b in blobs)
    assert len(joined) >= after * 4 and joined == alsa.bytes(ALSAFixtures.LONG)[:len(joined)]

    verified = d.request("POST", "/v1/verify", {"full": False}).json()
    assert verified["ok"], verified["problems"]
    assert d.proc.poll() is None
