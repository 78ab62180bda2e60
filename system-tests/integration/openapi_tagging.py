"""The registry, tagging, holds, retention and gaps operations of docs/api/openapi.yaml,
checked against the document like the rest of test_openapi.py (which imports this
module: every test here runs as part of it, before its coverage tests).

Times are in the past (2020, 2024) so the tests do not depend on today's date: the
hearings have ended, the old recording's retention has run out.
"""

import base64
import datetime
import os
import wave
from pathlib import Path
from urllib.parse import quote

import pytest

from conftest import Daemon
from test_openapi import expect  # defined before test_openapi imports this module

OFFICERS = "badge,name,unit,rank\nB-1,Ана Петровић,Patrol North,sergeant\nB-2,Marko Marković,Patrol South,\n"
COURTROOMS = "id,name,building\nCR1,Courtroom 1,Palace of Justice\nCR2,Courtroom 2,Palace of Justice\n"
DEVICES = ("serial,model,kind,courtroom\nREC-CR1,Courtroom recorder,audioRecorder,CR1\nBWC-1,Body camera BC-7,bodyCamera,\n"
           "BWC-2,Body camera BC-7,bodyCamera,\nPOOL-1,Body camera BC-7,bodyCamera,\n")
ASSIGNMENTS = ("device_serial,badge,from,to\nBWC-1,B-1,2024-01-01T00:00:00Z,2024-01-02T00:00:00Z\n"
               "BWC-1,B-2,2024-01-02T00:00:00Z,\nBWC-3,B-1,2024-01-01T00:00:00Z,\n")
HEARINGS = ("id,case,courtroom,judge,start,end,title\n"
            "H-1,K-1/2024,CR1,Judge Марија Илић,2024-01-01T10:00:00+01:00,2024-01-01T11:00:00+01:00,Main hearing\n")

# The tables the registry adds (v4): test_index_failures drops them too.
TAGGING_TABLES = ["officers", "courtrooms", "hearings", "cases", "assignments", "clock_checks", "holds",
                  "retention_plan_items", "retention_plans", "devices"]


def at(text):
    return datetime.datetime.fromisoformat(text.replace("Z", "+00:00")).timestamp()


def write(path: Path, data: bytes, when: str):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    os.utime(path, (at(when), at(when)))


def write_wav(path: Path, seconds: float, when: str, rate=8000):
    path.parent.mkdir(parents=True, exist_ok=True)
    with wave.open(str(path), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(1)
        w.setframerate(rate)
        w.writeframes(bytes((i * 7 + len(path.name)) % 256 for i in range(int(seconds * rate))))
    os.utime(path, (at(when), at(when)))


def do_import(d, kind, name, text, status=200):
    return expect(d.request("POST", "/v1/imports", {"kind": kind, "name": name, "content": text}), "POST", "/v1/imports", status)


def ingest(d, path, device):
    job = expect(d.request("POST", "/v1/jobs", {"path": str(path), "device": device}), "POST", "/v1/jobs", 202)
    job = d.wait_job(job["id"])
    assert job["state"] == "completed", job
    return job


def items(d, query=""):
    return expect(d.request("GET", "/v1/items" + query), "GET", "/v1/items", 200)["items"]


def event_count(d):
    return len(expect(d.request("GET", "/v1/events?limit=10000"), "GET", "/v1/events", 200)["events"])


@pytest.fixture(scope="module")
def tagged(tmp_path_factory):
    """A daemon with a small registry and recordings from its devices."""
    d = Daemon(tmp_path_factory.mktemp("openapi-tagging") / "d")
    d.start()
    try:
        for kind, text in (("courtrooms", COURTROOMS), ("officers", OFFICERS), ("devices", DEVICES),
                           ("assignments", ASSIGNMENTS), ("hearings", HEARINGS)):
            report = do_import(d, kind, f"{kind}.csv", text)
            assert report["created"] == len(text.strip().splitlines()) - 1 and report["updated"] == 0, report
        write(d.inbox / "bwc1" / "CLIP0001.MP4", b"first shift, body camera 1\n", "2024-01-01T12:00:00Z")
        write(d.inbox / "bwc1" / "CLIP0002.MP4", b"at the shift change exactly\n", "2024-01-02T00:00:00Z")
        write(d.inbox / "bwc1" / "CLIP0000.MP4", b"recorded in 2020\n", "2020-01-01T08:00:00Z")
        ingest(d, d.inbox / "bwc1", "BWC-1")
        write(d.inbox / "bwc2" / "CLIP0101.MP4", b"nobody held body camera 2\n", "2024-01-03T08:00:00Z")
        ingest(d, d.inbox / "bwc2", "BWC-2")
        write_wav(d.inbox / "rec" / "H1-0001.WAV", 20, "2024-01-01T09:00:00Z")
        ingest(d, d.inbox / "rec", "REC-CR1")
        d.by_path = {i["source"]["path"]: i for i in items(d, "?limit=1000")}
        yield d
    finally:
        d.stop()


def test_registry_lists(tagged):
    d = tagged
    officers = expect(d.request("GET", "/v1/officers"), "GET", "/v1/officers", 200)["officers"]
    assert [(o["badge"], o["name"]) for o in officers] == [("B-1", "Ана Петровић"), ("B-2", "Marko Marković")]
    assert "rank" not in officers[1]
    north = expect(d.request("GET", "/v1/officers?unit=Patrol%20North"), "GET", "/v1/officers", 200)["officers"]
    assert [o["badge"] for o in north] == ["B-1"]
    equipment = {e["serial"]: e for e in expect(d.request("GET", "/v1/equipment"), "GET", "/v1/equipment", 200)["equipment"]}
    assert set(equipment) == {"REC-CR1", "BWC-1", "BWC-2", "BWC-3", "POOL-1"}, "BWC-3 registered by its assignment"
    assert equipment["BWC-1"]["assignee"]["officer"] == "B-2" and "until" not in equipment["BWC-1"]["assignee"]
    assert equipment["REC-CR1"]["courtroom"] == "CR1" and "lastContactAt" in equipment["REC-CR1"]
    assert "lastContactAt" not in equipment["BWC-3"]
    rooms = expect(d.request("GET", "/v1/courtrooms"), "GET", "/v1/courtrooms", 200)["courtrooms"]
    assert [r["id"] for r in rooms] == ["CR1", "CR2"]
    cases = expect(d.request("GET", "/v1/cases"), "GET", "/v1/cases", 200)["cases"]
    assert cases[0]["number"] == "K-1/2024" and cases[0]["hearings"] == 1 and cases[0]["items"] == 1
    hearing = expect(d.request("GET", "/v1/hearings?courtroom=CR1&case=K-1/2024&from=2024-01-01T00:00:00Z&to=2024-01-02T00:00:00Z&limit=5"),
                     "GET", "/v1/hearings", 200)["hearings"]
    assert [(h["id"], h["scheduledStart"], h["items"]) for h in hearing] == [("H-1", "2024-01-01T09:00:00.000Z", 1)]
    assert expect(d.request("GET", "/v1/hearings?from=2024-01-01T09:00:00Z&to=2024-01-01T09:00:00Z"), "GET", "/v1/hearings", 200)["hearings"] == []
    held = expect(d.request("GET", "/v1/assignments?device=BWC-1&at=2024-01-01T23:59:59.999Z"), "GET", "/v1/assignments", 200)
    assert [a["officer"] for a in held["assignments"]] == ["B-1"]
    mine = expect(d.request("GET", "/v1/assignments?officer=B-1&limit=10"), "GET", "/v1/assignments", 200)["assignments"]
    assert {a["device"] for a in mine} == {"BWC-1", "BWC-3"} and all(a["kind"] == "personal" for a in mine)


def test_recordings_are_tagged_and_found(tagged):
    d = tagged
    assert d.by_path["CLIP0000.MP4"]["tags"]["officer"] is None, "nobody held BWC-1 in 2020"
    assert d.by_path["CLIP0101.MP4"]["tags"]["officer"] is None, "nobody holds BWC-2"
    first = items(d, "?device=BWC-1&from=2024-01-01T00:00:00Z&to=2024-01-03T00:00:00Z")
    assert [(i["source"]["path"], i["tags"]["officer"]) for i in first] == [("CLIP0001.MP4", "B-1"), ("CLIP0002.MP4", "B-2")], \
        "a recording made exactly at the shift change belongs to the incoming officer"
    rec = items(d, "?courtroom=CR1")
    assert [(i["tags"]["hearing"], i["tags"]["case"], i["tags"]["courtroom"]) for i in rec] == [("H-1", "K-1/2024", "CR1")]
    assert [i["source"]["path"] for i in items(d, "?text=" + quote("петров"))] == ["CLIP0001.MP4"], "--text searches officers' names"
    assert [i["source"]["device"] for i in items(d, "?text=BWC-2")] == ["BWC-2"]


def test_registry_bad_requests(tagged):
    d = tagged
    for method, template, path in (
        ("GET", "/v1/hearings", "/v1/hearings?from=yesterday"),
        ("GET", "/v1/hearings", "/v1/hearings?limit=0"),
        ("GET", "/v1/assignments", "/v1/assignments?at=2024-13-01T00:00:00Z"),
        ("GET", "/v1/retention", "/v1/retention?limit=0"),
        ("GET", "/v1/retention/{id}", "/v1/retention/abc"),
        ("POST", "/v1/retention/{id}", "/v1/retention/0"),
        ("GET", "/v1/gaps", "/v1/gaps?to=tomorrow"),
        ("GET", "/v1/gaps", "/v1/gaps?limit=0"),
    ):
        assert expect(d.request(method, path), method, template, 400)["code"] == "bad-request"


def test_imports(tagged):
    d = tagged
    before = event_count(d)
    report = do_import(d, "officers", "officers.csv", OFFICERS)
    assert (report["created"], report["updated"], report["unchanged"]) == (0, 0, 2)
    raw = expect(d.request("POST", "/v1/imports", {"kind": "hearings", "name": "hearings.csv",
                                                    "contentBase64": base64.b64encode(HEARINGS.encode()).decode()}),
                 "POST", "/v1/imports", 200)
    assert raw["unchanged"] == 1 and raw["format"] == "csv"
    assert event_count(d) == before, "re-importing the same files adds no event"
    for body in ("not json", {"kind": "officers"}, {"kind": "vehicles", "content": "a,b\n"},
                 {"kind": "officers", "format": "ics", "content": "x"}, {"kind": "officers", "contentBase64": "%%%"},
                 {"kind": "officers", "content": "a", "contentBase64": "YQ=="}):
        assert expect(d.request("POST", "/v1/imports", body), "POST", "/v1/imports", 400)["code"] == "bad-request"
    bad = do_import(d, "assignments", "assignments.csv",
                    "device_serial,badge,from,to\nBWC-2,B-9,2024-02-01T00:00:00Z,\nBWC-1,B-1,2024-01-05T00:00:00Z,2024-01-06T00:00:00Z\n"
                    "BWC-2,B-1,2024-02-01,\n", status=422)
    assert bad["code"] == "invalid-import"
    assert [(e["line"], e["field"]) for e in bad["errors"]] == [(2, "badge"), (3, "from"), (4, "from")]
    assert event_count(d) == before, "a refused import writes nothing"


def test_checkout_and_checkin(tagged):
    d = tagged
    out = expect(d.request("POST", "/v1/checkouts", {"device": "POOL-1", "officer": "B-2"}), "POST", "/v1/checkouts", 201)
    assert out["kind"] == "shift" and "to" not in out and out["officerName"] == "Marko Marković"
    busy = expect(d.request("POST", "/v1/checkouts", {"device": "POOL-1", "officer": "B-1"}), "POST", "/v1/checkouts", 409)
    assert "already assigned to B-2" in busy["detail"]
    back = expect(d.request("POST", "/v1/checkins", {"device": "POOL-1"}), "POST", "/v1/checkins", 200)
    assert back["id"] == out["id"] and back["to"] >= back["from"]
    expect(d.request("POST", "/v1/checkins", {"device": "POOL-1"}), "POST", "/v1/checkins", 409)
    expect(d.request("POST", "/v1/checkins", {"device": "BWC-1"}), "POST", "/v1/checkins", 409)  # issued personally
    assert "no registered device" in expect(d.request("POST", "/v1/checkouts", {"device": "NOPE", "officer": "B-1"}),
                                            "POST", "/v1/checkouts", 404)["detail"]
    assert "no officer" in expect(d.request("POST", "/v1/checkouts", {"device": "POOL-1", "officer": "B-404"}),
                                  "POST", "/v1/checkouts", 404)["detail"]
    expect(d.request("POST", "/v1/checkins", {"device": "NOPE"}), "POST", "/v1/checkins", 404)
    for path in ("/v1/checkouts", "/v1/checkins"):
        expect(d.request("POST", path, {"officer": "B-1"}), "POST", path, 400)


def test_clock_checks(tagged):
    d = tagged
    check = expect(d.request("POST", "/v1/clocks", {"device": "BWC-2", "offsetSeconds": -300}), "POST", "/v1/clocks", 201)
    assert check["source"] == "operator" and check["offsetSeconds"] == -300 and "dock" not in check
    expect(d.request("POST", "/v1/clocks", {"device": "NOPE", "offsetSeconds": 1}), "POST", "/v1/clocks", 404)
    expect(d.request("POST", "/v1/clocks", {"device": "BWC-2"}), "POST", "/v1/clocks", 400)
    expect(d.request("POST", "/v1/clocks", {"device": "BWC-2", "offsetSeconds": 10**10}), "POST", "/v1/clocks", 400)
    gaps = expect(d.request("GET", "/v1/gaps"), "GET", "/v1/gaps", 200)["gaps"]
    drift = [g for g in gaps if g["kind"] == "clock-drift"]
    assert drift and drift[-1]["device"] == "BWC-2" and drift[-1]["seconds"] == -300 and "300 s behind" in drift[-1]["message"]


def test_manual_tags(tagged):
    d = tagged
    item = d.by_path["H1-0001.WAV"]
    tagged_item = expect(d.request("POST", "/v1/tags", {"item": item["id"], "category": "hearing", "note": "Свједок: Јован"}),
                         "POST", "/v1/tags", 200)
    assert tagged_item["tags"]["category"] == "hearing" and tagged_item["notes"] == ["Свједок: Јован"]
    assert [i["id"] for i in items(d, "?text=" + quote("Јован"))] == [item["id"]], "--text searches notes"
    history = expect(d.request("GET", f"/v1/events?subject=item:{item['id']}"), "GET", "/v1/events", 200)["events"]
    tag = [e for e in history if e["action"] == "item.tag"][-1]
    assert tag["detail"]["category"] == "hearing" and tag["detail"]["category.was"] == "unclassified" and tag["detail"]["by"] == "manual"
    same = expect(d.request("POST", "/v1/tags", {"item": item["id"], "category": "hearing"}), "POST", "/v1/tags", 200)
    assert same["tags"] == tagged_item["tags"]
    for body in ({"item": item["id"]}, "[]", {"officer": "B-1"}):
        expect(d.request("POST", "/v1/tags", body), "POST", "/v1/tags", 400)
    for body in ({"item": 999999, "note": "x"}, {"item": item["id"], "officer": "B-404"}, {"item": item["id"], "hearing": "H-404"},
                 {"item": item["id"], "category": "nonsense"}):
        expect(d.request("POST", "/v1/tags", body), "POST", "/v1/tags", 404)


def test_holds_and_retention(tagged):
    d = tagged
    kept = items(d, "?device=BWC-2")[0]
    # A period counts from the later of recording and ingest: these two are ingested in
    # 2020, by the daemon run with its wall clock set back (libfaketime; the monotonic
    # clock and the files' own times stay real), then on today's clock again.
    write(d.inbox / "aged" / "AGED.MP4", b"recorded in 2020, stored then\n", "2020-01-01T08:00:00Z")
    write(d.inbox / "late" / "OLD.MP4", b"recorded in 2020, stored late\n", "2020-01-02T08:00:00Z")
    d.stop()
    d.start(faked_time="@2020-03-01 12:00:00")
    try:
        ingest(d, d.inbox / "aged", "BWC-2")
        ingest(d, d.inbox / "late", "BWC-2")
    finally:
        d.stop()
        d.start()
    old = items(d, "?text=AGED.MP4")[0]
    expect(d.request("POST", "/v1/tags", {"item": old["id"], "category": "non-evidential"}), "POST", "/v1/tags", 200)
    late = items(d, "?text=OLD.MP4")[0]
    expect(d.request("POST", "/v1/tags", {"item": late["id"], "category": "non-evidential", "case": "K-7/2020"}), "POST", "/v1/tags", 200)

    on_case = expect(d.request("POST", "/v1/holds", {"case": "K-7/2020", "reason": "appeal pending"}), "POST", "/v1/holds", 201)
    assert on_case["active"] and on_case["case"] == "K-7/2020" and "item" not in on_case
    on_item = expect(d.request("POST", "/v1/holds", {"item": kept["id"], "reason": "complaint 12/2024"}), "POST", "/v1/holds", 201)
    for body in ({"item": kept["id"]}, {"item": kept["id"], "reason": "  "}, {"item": kept["id"], "case": "K-1", "reason": "x"}, "x"):
        expect(d.request("POST", "/v1/holds", body), "POST", "/v1/holds", 400)
    expect(d.request("POST", "/v1/holds", {"item": 999999, "reason": "x"}), "POST", "/v1/holds", 404)
    released = expect(d.request("PATCH", f"/v1/holds/{on_item['id']}", {"active": False, "reason": "complaint withdrawn"}),
                      "PATCH", "/v1/holds/{id}", 200)
    assert not released["active"] and released["releaseReason"] == "complaint withdrawn" and released["releasedBy"]["uid"] == 0
    expect(d.request("PATCH", f"/v1/holds/{on_item['id']}", {"active": False, "reason": "again"}), "PATCH", "/v1/holds/{id}", 409)
    expect(d.request("PATCH", "/v1/holds/999999", {"active": False, "reason": "x"}), "PATCH", "/v1/holds/{id}", 404)
    for path, body in ((f"/v1/holds/{on_case['id']}", {"active": True, "reason": "x"}), (f"/v1/holds/{on_case['id']}", "{"),
                       ("/v1/holds/abc", {"active": False, "reason": "x"})):
        expect(d.request("PATCH", path, body), "PATCH", "/v1/holds/{id}", 400)
    active = expect(d.request("GET", "/v1/holds"), "GET", "/v1/holds", 200)["holds"]
    assert [h["id"] for h in active] == [on_case["id"]]
    assert len(expect(d.request("GET", "/v1/holds?all=true"), "GET", "/v1/holds", 200)["holds"]) == 2

    plan = expect(d.request("POST", "/v1/retention"), "POST", "/v1/retention", 201)
    assert [e["item"] for e in plan["expired"]] == [old["id"]], plan
    assert [e["item"] for e in plan["held"]] == [late["id"]] and "K-7/2020" in plan["held"][0]["reason"]
    assert plan["periods"]["unclassified"] == 0 and plan["bytes"] == old["size"]
    assert expect(d.request("GET", f"/v1/retention/{plan['id']}"), "GET", "/v1/retention/{id}", 200) == plan
    listed = expect(d.request("GET", "/v1/retention?limit=5"), "GET", "/v1/retention", 200)["plans"]
    assert listed[0]["id"] == plan["id"] and listed[0]["expired"] == 1 and listed[0]["held"] == 1
    expect(d.request("GET", "/v1/retention/999999"), "GET", "/v1/retention/{id}", 404)
    expect(d.request("POST", "/v1/retention/999999"), "POST", "/v1/retention/{id}", 404)
    result = expect(d.request("POST", f"/v1/retention/{plan['id']}"), "POST", "/v1/retention/{id}", 200)
    assert result["deleted"] == [old["id"]] and result["blobsDeleted"] == 1 and result["bytesFreed"] == old["size"]
    again = expect(d.request("POST", f"/v1/retention/{plan['id']}"), "POST", "/v1/retention/{id}", 409)
    assert "already applied" in again["detail"]
    gone = expect(d.request("GET", f"/v1/items/{old['id']}"), "GET", "/v1/items/{id}", 200)
    assert gone["sha256"] == old["sha256"] and "deletedAt" in gone
    blob = d.state / "blobs" / "sha256" / old["sha256"][:2] / old["sha256"][2:4] / old["sha256"]
    assert not blob.exists()
    assert "deletedAt" not in expect(d.request("GET", f"/v1/items/{late['id']}"), "GET", "/v1/items/{id}", 200)


def test_gaps(tagged):
    d = tagged
    report = expect(d.request("GET", "/v1/gaps?from=2024-01-01T00:00:00Z&to=2024-02-01T00:00:00Z&limit=10"), "GET", "/v1/gaps", 200)
    kinds = {(g["kind"], g["subject"]) for g in report["gaps"]}
    assert ("hearing-hole", "hearing:H-1") in kinds, report
    hole = next(g for g in report["gaps"] if g["kind"] == "hearing-hole")
    assert hole["from"] == "2024-01-01T09:00:20.000Z" and hole["to"] == "2024-01-01T10:00:00.000Z"
    assert ("device-undocked", "device:BWC-3") in kinds
    assert any(k == "item-unassigned" and g["device"] == "BWC-2" for g in report["gaps"] for k in [g["kind"]])
    assert not report["truncated"]


# ---------------------------------------------------------------------------
# Hooks for test_openapi's role, size and index-failure tests


def role_setup(d):
    """As root: what the role test's calls need (a registry, a plan, a device to check out)."""
    for kind, text in (("courtrooms", COURTROOMS), ("officers", OFFICERS), ("devices", DEVICES)):
        do_import(d, kind, f"{kind}.csv", text)
    expect(d.request("POST", "/v1/retention"), "POST", "/v1/retention", 201)


def role_call(d, method, template, path, body, item_id):
    """The path and body the role test sends to a tagging operation (others unchanged)."""
    def latest(listing, key, active=None):
        entries = d.request("GET", listing).json()[key]
        if active is not None:
            entries = [e for e in entries if e["active"] == active]
        return max((e["id"] for e in entries), default=1)

    calls = {
        ("POST", "/v1/imports"): lambda: (path, {"kind": "officers", "name": "officers.csv", "content": OFFICERS}),
        ("POST", "/v1/checkouts"): lambda: (path, {"device": "POOL-1", "officer": "B-1"}),
        ("POST", "/v1/checkins"): lambda: (path, {"device": "POOL-1"}),
        ("POST", "/v1/clocks"): lambda: (path, {"device": "POOL-1", "offsetSeconds": 2}),
        ("POST", "/v1/tags"): lambda: (path, {"item": item_id, "note": "role test"}),
        ("POST", "/v1/holds"): lambda: (path, {"item": item_id, "reason": "role test"}),
        ("PATCH", "/v1/holds/{id}"): lambda: (f"/v1/holds/{latest('/v1/holds', 'holds', True)}", {"active": False, "reason": "done"}),
        ("GET", "/v1/retention/{id}"): lambda: (f"/v1/retention/{latest('/v1/retention', 'plans')}", None),
        ("POST", "/v1/retention/{id}"): lambda: (f"/v1/retention/{latest('/v1/retention', 'plans')}", None),
    }
    call = calls.get((method, template))
    return call() if call else (path, body)


def provoke_index_failures(d):
    """500 on every tagging operation that writes, once TAGGING_TABLES and the item tables are gone."""
    for method, template, path, body in (
        ("POST", "/v1/imports", "/v1/imports", {"kind": "officers", "content": OFFICERS}),
        ("POST", "/v1/checkouts", "/v1/checkouts", {"device": "BWC-1", "officer": "B-1"}),
        ("POST", "/v1/checkins", "/v1/checkins", {"device": "BWC-1"}),
        ("POST", "/v1/clocks", "/v1/clocks", {"device": "BWC-1", "offsetSeconds": 1}),
        ("POST", "/v1/tags", "/v1/tags", {"item": 1, "note": "x"}),
        ("POST", "/v1/holds", "/v1/holds", {"item": 1, "reason": "x"}),
        ("PATCH", "/v1/holds/{id}", "/v1/holds/1", {"active": False, "reason": "x"}),
        ("POST", "/v1/retention", "/v1/retention", None),
        ("POST", "/v1/retention/{id}", "/v1/retention/1", None),
    ):
        assert expect(d.request(method, path, body), method, template, 500)["code"] == "internal"
