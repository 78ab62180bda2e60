"""Tagging end to end: a station's registry imported with custodyctl from CSV and
iCalendar files, recordings ingested from devices and card readers, tagged to the
officer who held the device and the hearing in session at the recording's own time;
manual tags, legal holds, retention, search and gaps, all through the real daemon
and the real CLI.

Every time here is in 2025 (before today), so hearings have ended and old
recordings' retention has run out whatever day the suite runs. Shifts follow the
station's local time, Europe/Belgrade, across the night summer time began
(2025-03-30, 02:00 became 03:00).
"""

import datetime
import json
import os
import re
import wave
from pathlib import Path

import pytest

BELGRADE = datetime.timezone(datetime.timedelta(hours=1)), datetime.timezone(datetime.timedelta(hours=2))
DST_START = datetime.datetime(2025, 3, 30, 1, 0, tzinfo=datetime.timezone.utc)  # 02:00 CET became 03:00 CEST

FIRST_NAMES = ["Ана", "Марко", "Јована", "Milica", "Stefan", "Ivana", "Душан", "Nikola", "Тамара", "Luka"]
LAST_NAMES = ["Петровић", "Jovanović", "Николић", "Marković", "Ђорђевић", "Stojanović"]


def local(day, hour, minute=0, second=0):
    """A Belgrade wall-clock time on 2025-03-DAY as an aware datetime (CET or CEST)."""
    naive = datetime.datetime(2025, 3, day, hour, minute, second)
    for tz in BELGRADE:
        aware = naive.replace(tzinfo=tz)
        if (aware >= DST_START) == (tz is BELGRADE[1]):
            return aware
    raise ValueError(f"{naive} does not exist in Belgrade")


def iso(t):
    return t.isoformat()


def utc(t):
    return t.astimezone(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.") + f"{t.microsecond // 1000:03d}Z"


def put(path: Path, data: bytes, when: datetime.datetime):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    os.utime(path, (when.timestamp(), when.timestamp()))


def put_wav(path: Path, seconds: int, when: datetime.datetime):
    """A plain WAV (1 kHz, 8-bit mono) of SECONDS: its duration counts, its mtime is its recording time."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with wave.open(str(path), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(1)
        w.setframerate(1000)
        w.writeframes(bytes((i + len(path.name) * 13) % 251 for i in range(seconds * 1000)))
    os.utime(path, (when.timestamp(), when.timestamp()))


class Station:
    """The registry files of a police station and a courthouse, and who held what when."""

    def __init__(self, root: Path):
        self.root = root
        root.mkdir(parents=True, exist_ok=True)
        self.officers = [(f"B-{1001 + i}", f"{FIRST_NAMES[i % 10]} {LAST_NAMES[i % 6]}", f"Patrol {'North South East West'.split()[i % 4]}")
                         for i in range(40)]
        self.write("officers.csv", "badge,name,unit,rank\n" + "".join(
            f"{b},{n},{u},{'sergeant' if i % 7 == 0 else ''}\n" for i, (b, n, u) in enumerate(self.officers)))
        self.write("courtrooms.csv", "id,name,building\n" + "".join(f"CR{i},Courtroom {i},Palace of Justice\n" for i in range(1, 5)))
        self.write("devices.csv", "serial,model,kind,courtroom\n"
                   + "".join(f"REC-CR{i},Courtroom recorder CR-2,audioRecorder,CR{i}\n" for i in range(1, 5))
                   + "".join(f"BWC-{i:03d},Body camera BC-7,bodyCamera,\n" for i in range(1, 13))
                   + "".join(f"POOL-{i:02d},Body camera BC-7,bodyCamera,\n" for i in range(1, 7)))
        # Personal issue: BWC-00k to the k-th officer since January; BWC-001 reissued on 1 March;
        # BWC-012 is issued to nobody.
        rows = [f"BWC-{k:03d},B-{1000 + k},2025-01-01T00:00:00+01:00,{'2025-03-01T00:00:00+01:00' if k == 1 else ''},personal\n"
                for k in range(1, 12)]
        rows.append("BWC-001,B-1013,2025-03-01T00:00:00+01:00,,personal\n")
        # Pool cameras: three shifts a day (06, 14, 22 local), 27 to 30 March, a different officer each.
        self.shift = {}
        for camera in range(1, 6):
            for n in range(12):
                day, slot = 27 + n // 3, n % 3
                start = local(day, (6, 14, 22)[slot])
                end = local(day + 1, 6) if slot == 2 else local(day, (14, 22)[slot])
                badge = f"B-{1014 + (camera * 5 + n) % 27}"
                self.shift[(camera, day, slot)] = badge
                rows.append(f"POOL-{camera:02d},{badge},{iso(start)},{iso(end)},shift\n")
        self.write("assignments.csv", "device_serial,badge,from,to,kind\n" + "".join(rows))
        # Hearings on Thursday and Friday in four courtrooms (CSV), and on the weekend of the
        # clock change and the Monday after it (iCalendar, Belgrade time).
        hearings = []
        for day in (27, 28):
            for room in range(1, 5):
                for n, (h0, h1) in enumerate(((9, 10), (10, 12), (13, 15))):
                    hearings.append(f"H-{day}-{room}-{n},K-{room * 10 + n}/2025,CR{room},Судија {LAST_NAMES[room]},"
                                    f"{iso(local(day, h0))},{iso(local(day, h1))},Hearing {n}\n")
        self.write("hearings.csv", "id,case,courtroom,judge,start,end,title\n" + "".join(hearings))
        self.write("hearings.ics", "\r\n".join([
            "BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//Palace of Justice//Scheduling//SR",
            "BEGIN:VEVENT", "UID:H-DST-1", "SUMMARY:Urgent hearing\\, detention review", "LOCATION:Courtroom 2",
            "DTSTART;TZID=Europe/Belgrade:20250330T090000", "DTEND;TZID=Europe/Belgrade:20250330T10",
            " 3000", "X-CUSTODY-CASE:K-DST/2025", "ORGANIZER;CN=\"Судија Марија Илић\":mailto:ilic@sud.example", "END:VEVENT",
            "BEGIN:VEVENT", "UID:H-MON-1", "SUMMARY:Main hearing", "LOCATION:CR1", "DTSTART:20250331T070000Z",
            "DURATION:PT2H", "X-CUSTODY-CASE:K-10/2025", "X-CUSTODY-JUDGE:Judge Bo Berg", "END:VEVENT",
            "END:VCALENDAR", ""]))

    def write(self, name, text):
        (self.root / name).write_text(text, encoding="utf-8")

    def path(self, name):
        return str(self.root / name)


def events(d):
    return d.request("GET", "/v1/events?limit=10000").json()["events"]


def imported(d, kind, path):
    r = d.ctl("import", kind, path)
    assert r.returncode == 0, r.stderr
    return r.stdout


@pytest.fixture(scope="module")
def station(tmp_path_factory):
    """A daemon with the station's registry and recordings from its devices."""
    from conftest import Daemon
    d = Daemon(tmp_path_factory.mktemp("tagging") / "d", config="[gaps]\nholeSeconds = 30\n")
    d.start()
    try:
        s = Station(d.root / "registry")
        for kind in ("courtrooms", "officers", "devices", "assignments", "hearings"):
            out = imported(d, kind, s.path(f"{kind}.csv"))
            assert " 0 changed, 0 unchanged" in out, out
        assert "2 new" in imported(d, "hearings", s.path("hearings.ics"))
        d.s = s
        yield d
    finally:
        d.stop()


def ingest(d, card, device=None):
    args = ["ingest", str(card), "--wait", "--json"] + (["--device", device] if device else [])
    job = json.loads(d.ctl(*args, check=True).stdout)
    assert job["state"] == "completed" and job["failed"] == 0, job
    return d.ctl_json("items", "--limit", "10000")


def by_path(items, root):
    return {i["source"]["path"]: i for i in items if i["source"]["root"] == root}


def test_the_registry_as_imported(station):
    d = station
    officers = d.ctl_json("officers")
    assert len(officers) == 40 and officers[0] == {**officers[0], "badge": "B-1001", "name": "Ана Петровић", "rank": "sergeant"}
    assert [o["badge"] for o in d.ctl_json("officers", "--unit", "Patrol East")] == [f"B-{1003 + 4 * i}" for i in range(10)]
    assert len(d.ctl_json("courtrooms")) == 4
    equipment = {e["serial"]: e for e in d.ctl_json("equipment")}
    assert len(equipment) == 22 and equipment["REC-CR2"]["courtroom"] == "CR2"
    assert "assignee" not in equipment["BWC-012"]
    hearings = d.ctl_json("hearings", "--from", "2025-03-30T00:00:00+02:00", "--to", "2025-04-01T00:00:00+02:00")
    assert [(h["id"], h["courtroom"], h["scheduledStart"], h["scheduledEnd"], h["judge"]) for h in hearings] == [
        ("H-DST-1", "CR2", "2025-03-30T07:00:00.000Z", "2025-03-30T08:30:00.000Z", "Судија Марија Илић"),
        ("H-MON-1", "CR1", "2025-03-31T07:00:00.000Z", "2025-03-31T09:00:00.000Z", "Judge Bo Berg")], \
        "09:00 in Belgrade is 07:00Z from the night summer time began; the folded DTEND reads 10:30"
    assert hearings[0]["title"] == "Urgent hearing, detention review"
    night = d.ctl_json("assignments", "--device", "POOL-01", "--at", "2025-03-30T01:30:00Z")
    assert len(night) == 1 and night[0]["from"] == "2025-03-29T21:00:00.000Z" and night[0]["to"] == "2025-03-30T04:00:00.000Z", \
        "the night shift of the clock change is seven hours long"
    cases = {c["number"]: c for c in d.ctl_json("cases")}
    assert len(cases) == 13 and cases["K-10/2025"]["hearings"] == 3


def test_reimporting_the_same_files_changes_nothing(station):
    d = station
    before = len(events(d))
    for kind in ("courtrooms", "officers", "devices", "assignments", "hearings"):
        out = imported(d, kind, d.s.path(f"{kind}.csv"))
        assert "0 new, 0 changed" in out, out
    assert "0 new, 0 changed, 2 unchanged" in imported(d, "hearings", d.s.path("hearings.ics"))
    assert len(events(d)) == before, "no event for an import that changes nothing"


def test_pool_cameras_are_tagged_to_the_shift_exactly_at_the_changes(station):
    d = station
    card = d.inbox / "pool01"
    moments = {
        "A_last_of_afternoon.MP4": local(29, 21, 59, 59),
        "B_first_of_night.MP4": local(29, 22),
        "C_last_of_night.MP4": local(30, 5, 59, 59),   # summer time by then
        "D_first_of_morning.MP4": local(30, 6),
        "E_after_the_roster.MP4": local(31, 6),  # the roster ends then (exclusive)
    }
    for name, when in moments.items():
        put(card / name, f"POOL-01 {name}".encode(), when)
    items = by_path(ingest(d, card, "POOL-01"), str(card))
    got = {name: items[name]["tags"]["officer"] for name in moments}
    shift = d.s.shift
    assert got == {"A_last_of_afternoon.MP4": shift[(1, 29, 1)], "B_first_of_night.MP4": shift[(1, 29, 2)],
                   "C_last_of_night.MP4": shift[(1, 29, 2)], "D_first_of_morning.MP4": shift[(1, 30, 0)],
                   "E_after_the_roster.MP4": None}
    assert all(items[n]["recordedAt"] == utc(w) for n, w in moments.items()), "tagged by the recording's own time"
    # One officer's items in a 7-day window, and the audit trail of one.
    officer = shift[(1, 29, 2)]
    mine = d.ctl_json("items", "--officer", officer, "--from", "2025-03-25T00:00:00Z", "--to", "2025-04-01T00:00:00Z")
    assert {i["source"]["path"] for i in mine} >= {"B_first_of_night.MP4", "C_last_of_night.MP4"}
    stored = [e for e in events(d) if e["subject"] == f"item:{items['B_first_of_night.MP4']['id']}"][0]
    assert stored["action"] == "item.store" and stored["detail"]["officer"] == officer and stored["detail"]["device"] == "POOL-01"


def test_courtroom_recordings_are_tagged_to_the_hearing_in_session(station):
    d = station
    card = d.inbox / "rec-cr2"
    put_wav(card / "0001.WAV", 10, local(27, 9))                 # H-27-2-0 starts
    put_wav(card / "0002.WAV", 10, local(27, 10))                # exactly when H-27-2-0 ends and H-27-2-1 begins
    put_wav(card / "0003.WAV", 10, local(27, 12, 30))            # between hearings
    put_wav(card / "0004.WAV", 10, local(30, 9))                 # the clock-change day, from the calendar
    items = by_path(ingest(d, card, "REC-CR2"), str(card))
    assert [(items[n]["tags"]["hearing"], items[n]["tags"]["case"]) for n in ("0001.WAV", "0002.WAV", "0003.WAV", "0004.WAV")] == [
        ("H-27-2-0", "K-20/2025"), ("H-27-2-1", "K-21/2025"), (None, None), ("H-DST-1", "K-DST/2025")]
    assert all(i["tags"]["courtroom"] == "CR2" for i in items.values())
    assert [i["source"]["path"] for i in d.ctl_json("items", "--hearing", "H-DST-1")] == ["0004.WAV"]
    assert len(d.ctl_json("items", "--courtroom", "CR2", "--case", "K-21/2025")) == 1
    table = d.ctl("items", "--hearing", "H-27-2-1", check=True).stdout
    assert "H-27-2-1" in table.splitlines()[1] and "OFFICER" in table.splitlines()[0]


def test_a_card_reader_attributes_files_to_a_registered_device_and_its_clock(station):
    d = station
    card = d.inbox / "reader-bwc001"
    put(card / "BEFORE.MP4", b"BWC-001 last second of February", local(1, 0) - datetime.timedelta(seconds=1))
    put(card / "AFTER.MP4", b"BWC-001 first second of March", local(1, 0))
    items = by_path(ingest(d, card, "BWC-001"), str(card))
    assert (items["BEFORE.MP4"]["tags"]["officer"], items["AFTER.MP4"]["tags"]["officer"]) == ("B-1001", "B-1013")
    assert items["AFTER.MP4"]["source"]["device"] == "BWC-001"
    # BWC-003's clock runs an hour fast: its 00:30 was 23:30 the day before. Recorded, applied, reported.
    d.ctl("clock", "BWC-003", "--offset", "3600", check=True)
    d.ctl("import", "assignments", str(_write(d, "reissue.csv",
          "device_serial,badge,from,to\nBWC-003,B-1003,2025-01-01T00:00:00+01:00,2025-03-15T00:00:00Z\nBWC-003,B-1023,2025-03-15T00:00:00Z,\n")),
          check=True)
    card = d.inbox / "reader-bwc003"
    put(card / "NIGHT.MP4", b"BWC-003 at its 00:30", datetime.datetime(2025, 3, 15, 0, 30, tzinfo=datetime.timezone.utc))
    item = by_path(ingest(d, card, "BWC-003"), str(card))["NIGHT.MP4"]
    assert item["tags"]["officer"] == "B-1003" and item["clockOffsetSeconds"] == 3600
    assert item["correctedRecordedAt"] == "2025-03-14T23:30:00.000Z" and item["recordedAt"] == "2025-03-15T00:30:00.000Z"
    assert re.search(r"device clock +3600 s off; tagged at 2025-03-14 23:30:00Z", d.ctl("item", str(item["id"]), check=True).stdout)


def _write(d, name, text):
    path = d.root / "registry" / name
    path.write_text(text, encoding="utf-8")
    return path


def test_bad_imports_write_nothing_and_name_every_bad_line(station):
    d = station
    before = len(events(d))
    hearings_before = d.ctl_json("hearings")
    bad = _write(d, "bad-hearings.csv", "id,case,courtroom,judge,start,end\n"
                 "H-NEW-1,K-1/2025,CR1,Judge A,2025-04-01T09:00:00+02:00,2025-04-01T10:00:00+02:00\n"
                 "H-NEW-2,K-1/2025,CR9,Judge A,2025-04-01T11:00:00+02:00,2025-04-01T12:00:00+02:00\n"
                 "H-NEW-3,K-1/2025,CR1,Judge A,2025-04-31T09:00:00+02:00,2025-04-01T10:00:00+02:00\n"
                 "H-NEW-1,K-1/2025,CR2,Judge A,2025-04-01T13:00:00+02:00,2025-04-01T14:00:00+02:00\n"
                 "H-27-1-0,K-1/2025,CR1,Judge A,2025-03-27T09:30:00+01:00,2025-03-27T10:30:00+01:00\n")
    r = d.ctl("import", "hearings", str(bad))
    assert r.returncode == 1
    assert r.stderr.splitlines() == [
        "custodyctl: bad-hearings.csv: 4 problems on 4 lines; nothing was imported",
        '  line 3, field courtroom ("CR9"): unknown courtroom (custodyctl courtrooms lists them; import courtrooms first)',
        '  line 4, field start ("2025-04-31T09:00:00+02:00"): not an RFC 3339 time with an offset, such as 2026-03-16T09:00:00+01:00 or 2026-03-16T08:00:00Z',
        '  line 5, field id ("H-NEW-1"): duplicate: id H-NEW-1 is already on line 2',
        '  line 6, field start ("2025-03-27T08:30:00.000Z"): overlaps hearing H-27-1-1 in courtroom CR1, 2025-03-27T09:00:00.000Z to 2025-03-27T11:00:00.000Z (registered); a courtroom sits one hearing at a time',
    ]
    overlap = _write(d, "overlap.csv", "device_serial,badge,from,to\nBWC-002,B-1030,2025-03-20T08:00:00+01:00,2025-03-20T16:00:00+01:00\n")
    r = d.ctl("import", "assignments", str(overlap))
    assert r.returncode == 1 and "line 2, field from" in r.stderr and "overlaps the assignment of BWC-002 to B-1002" in r.stderr
    dates = _write(d, "dates.csv", "device_serial,badge,from,to\nPOOL-06,B-1001,2025-03-20 08:00,\nPOOL-06,B-1001,2025-03-21T08:00:00Z,yesterday\n")
    r = d.ctl("import", "assignments", str(dates))
    assert r.returncode == 1 and "line 2, field from" in r.stderr and "line 3, field to" in r.stderr
    assert d.ctl_json("hearings") == hearings_before and len(events(d)) == before, "nothing was written"
    assert d.ctl("import", "vehicles", str(dates)).returncode == 1


def test_checkout_and_checkin_a_pool_camera(station):
    d = station
    out = d.ctl("checkout", "POOL-06", "--officer", "B-1040", check=True).stdout
    assert out.startswith("POOL-06 checked out to B-1040")
    r = d.ctl("checkout", "POOL-06", "--officer", "B-1039")
    assert r.returncode == 1 and "already assigned to B-1040" in r.stderr
    shift = d.ctl_json("assignments", "--device", "POOL-06")[-1]
    assert shift["kind"] == "shift" and "to" not in shift
    back = d.ctl_json("checkin", "POOL-06")
    assert back["id"] == shift["id"] and back["to"] >= back["from"]
    assert d.ctl("checkin", "POOL-06").returncode == 1


def test_manual_tags_keep_their_history_and_are_searchable(station):
    d = station
    card = d.inbox / "reader-bwc012"
    put(card / "STRAY.MP4", b"BWC-012, issued to nobody", local(28, 16))
    item = by_path(ingest(d, card, "BWC-012"), str(card))["STRAY.MP4"]
    assert item["tags"]["officer"] is None
    gaps = d.ctl_json("gaps", "--from", "2025-03-28T00:00:00Z", "--to", "2025-03-29T00:00:00Z")["gaps"]
    assert any(g["kind"] == "item-unassigned" and g["item"] == item["id"] for g in gaps)
    tagged = d.ctl_json("tag", str(item["id"]), "--officer", "B-1007", "--case", "K-77/2025", "--note", "Пријава грађанина, заведена")
    assert tagged["tags"]["officer"] == "B-1007" and tagged["tags"]["case"] == "K-77/2025"
    d.ctl_json("tag", str(item["id"]), "--officer", "B-1008", "--category", "evidential")
    trail = [e for e in d.ctl_json("audit", "--item", str(item["id"])) if e["action"] == "item.tag"]
    assert [(e["detail"]["officer"], e["detail"]["officer.was"]) for e in trail] == [("B-1007", None), ("B-1008", "B-1007")]
    assert trail[0]["detail"]["note"] == "Пријава грађанина, заведена" and trail[1]["detail"]["category.was"] == "unclassified"
    assert [i["id"] for i in d.ctl_json("items", "--text", "грађанина")] == [item["id"]], "notes are searched"
    name = next(n for b, n, _ in d.s.officers if b == "B-1008")
    assert item["id"] in [i["id"] for i in d.ctl_json("items", "--text", name.split()[1])], "officers' names are searched"
    r = d.ctl("tag", str(item["id"]), "--category", "secret")
    assert r.returncode == 1 and "no category \"secret\"" in r.stderr


def test_retention_deletes_expired_blobs_and_keeps_held_items(station):
    d = station
    card = d.inbox / "reader-old"
    for n in range(4):
        put(card / f"OLD{n}.MP4", f"January recording {n}".encode(), datetime.datetime(2025, 1, 10 + n, 12, tzinfo=datetime.timezone.utc))
    # A period counts from the later of recording and ingest: the card is ingested in
    # January 2025 by the daemon run with its wall clock set back (libfaketime; the
    # monotonic clock and the files' own times stay real), then on today's clock again.
    d.stop()
    d.start(faked_time="@2025-01-20 12:00:00")
    try:
        items = by_path(ingest(d, card, "BWC-004"), str(card))
    finally:
        d.stop()
        d.start()
    assert all(items[f"OLD{n}.MP4"]["ingestedAt"].startswith("2025-01-20") for n in range(4)), items
    ids = [items[f"OLD{n}.MP4"]["id"] for n in range(4)]
    assert all(items[f"OLD{n}.MP4"]["tags"]["officer"] == "B-1004" for n in range(4)), [(i["tags"], i.get("clockOffsetSeconds"), i["recordedAt"]) for i in items.values()]
    for i in ids[:3]:
        d.ctl("tag", str(i), "--category", "non-evidential", check=True)
    d.ctl("tag", str(ids[2]), "--case", "K-HOLD/2025", check=True)
    d.ctl("hold", "place", "--item", str(ids[1]), "--reason", "complaint 4/2025", check=True)
    d.ctl("hold", "place", "--case", "K-HOLD/2025", "--reason", "appeal pending", check=True)
    holds = d.ctl_json("hold", "list")
    assert {(h.get("item"), h.get("case")) for h in holds} >= {(ids[1], None), (None, "K-HOLD/2025")}

    plan = d.ctl_json("retention", "plan")
    assert [e["item"] for e in plan["expired"]] == [ids[0]]
    assert sorted(e["item"] for e in plan["held"]) == sorted([ids[1], ids[2]]), "ids follow the order files were stored in"
    text = d.ctl("retention", "show", str(plan["id"]), check=True).stdout
    assert "category non-evidential keeps recordings 31 days" in text and "appeal pending" in text
    result = d.ctl_json("retention", "apply")
    assert result["deleted"] == [ids[0]] and result["plan"] == plan["id"]
    gone = d.ctl_json("item", str(ids[0]))
    sha = gone["sha256"]
    assert "deletedAt" in gone and gone["size"] == items["OLD0.MP4"]["size"]
    assert not (d.state / "blobs" / "sha256" / sha[:2] / sha[2:4] / sha).exists(), "its blob is gone"
    tomb = [e for e in d.ctl_json("audit", "--item", str(ids[0])) if e["action"] == "item.delete"]
    assert len(tomb) == 1 and tomb[0]["detail"]["sha256"] == sha and tomb[0]["detail"]["plan"] == plan["id"]
    for kept in ids[1:]:
        item = d.ctl_json("item", str(kept))
        assert "deletedAt" not in item
        assert (d.state / "blobs" / "sha256" / item["sha256"][:2] / item["sha256"][2:4] / item["sha256"]).exists()
    # A deleted item's file cannot be exported; its case's export says what it leaves out.
    r = d.ctl("export", "--items", str(ids[0]), "--out", str(d.root / "export-gone"))
    assert r.returncode == 1 and f"item {ids[0]}'s stored file was deleted by retention" in r.stderr
    d.ctl("tag", str(ids[0]), "--case", "K-HOLD/2025", check=True)
    d.ctl("export", "--case", "K-HOLD/2025", "--out", str(d.root / "export-case"), check=True)
    manifest = json.loads((d.root / "export-case" / "manifest.json").read_text())
    assert f"without items {ids[0]}, whose stored files retention deleted" in json.dumps(manifest, ensure_ascii=False)
    # The plan is spent; a new one has nothing to delete; the ledger still verifies.
    r = d.ctl("retention", "apply")
    assert r.returncode == 1 and "already applied" in r.stderr
    assert d.ctl_json("retention", "plan")["expired"] == []
    assert d.ctl("verify", "--full").returncode == 0
    plans = d.ctl_json("retention", "plans")
    assert plans[1]["id"] == plan["id"] and "appliedAt" in plans[1] and "appliedAt" not in plans[0]


def test_retention_apply_needs_a_plan(daemon):
    r = daemon.ctl("retention", "apply")
    assert r.returncode == 1 and "no retention plan" in r.stderr


def test_gaps_name_what_is_missing(station):
    d = station
    card = d.inbox / "rec-cr3"
    # H-27-3-0 sits 09:00-10:00 (08:00Z-09:00Z): recorded 08:00-08:30 and 08:35-09:00; a 5-minute hole.
    put_wav(card / "S1.WAV", 1800, local(27, 9))
    put_wav(card / "S2.WAV", 1500, local(27, 9, 35))
    ingest(d, card, "REC-CR3")
    report = d.ctl_json("gaps", "--from", "2025-03-27T00:00:00+01:00", "--to", "2025-03-28T00:00:00+01:00")
    gaps = report["gaps"]
    hole = [g for g in gaps if g["kind"] == "hearing-hole" and g["hearing"] == "H-27-3-0"]
    assert [(g["from"], g["to"], g["seconds"]) for g in hole] == [("2025-03-27T08:30:00.000Z", "2025-03-27T08:35:00.000Z", 300)]
    unrecorded = {g["hearing"] for g in gaps if g["kind"] == "hearing-unrecorded"}
    assert "H-27-4-1" in unrecorded and "H-27-3-0" not in unrecorded and "H-28-1-0" not in unrecorded
    undocked = {g["device"]: g for g in gaps if g["kind"] == "device-undocked"}
    assert "BWC-002" in undocked and "has never docked" in undocked["BWC-002"]["message"]
    assert "BWC-012" not in undocked, "a device nobody holds is not missed"
    table = d.ctl("gaps", check=True).stdout
    assert "clock-drift" in table and "BWC-003's clock was 3600 s ahead" in table
    assert table.splitlines()[0].split() == ["KIND", "SUBJECT", "WHAT", "IS", "MISSING"]


def test_only_supervisors_tag_and_hold(daemon_factory):
    d = daemon_factory(config='[control]\nsocketGroup = "nogroup"\noperatorGroup = "nogroup"\n', start=False)
    from conftest import world_readable_tmp
    world_readable_tmp(d.root)
    d.start()
    put(d.inbox / "card" / "A.MP4", b"a", datetime.datetime(2025, 1, 1, tzinfo=datetime.timezone.utc))
    ingest(d, d.inbox / "card")
    for args in (["tag", "1", "--note", "x"], ["hold", "place", "--item", "1", "--reason", "x"], ["retention", "apply", "--plan", "1"],
                 ["import", "officers", "/dev/null"]):
        r = d.ctl(*args, user="nobody")
        assert r.returncode == 1 and ("needs one of: supervisor, admin" in r.stderr or "cannot read" in r.stderr), (args, r.stderr)
    officers = d.root / "officers.csv"
    officers.write_text("badge,name,unit\nB-1,Ana,North\n")
    world_readable_tmp(officers)
    r = d.ctl("import", "officers", str(officers), user="nobody")
    assert r.returncode == 1 and "needs one of: supervisor, admin" in r.stderr
    assert d.ctl("checkout", "X", "--officer", "B-1", user="nobody").stderr.endswith("(a device is registered when it first docks, or by custodyctl import devices)\n")
