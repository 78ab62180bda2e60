"""Finding 10: an operator sets hearing and case tags through POST /v1/recordings.

An operator (not a supervisor: operators may not tag) starts a courtroom recording
naming a hearing that was never registered, another courtroom's hearing, one long
over, or a registered hearing with a forged case. Each is refused with an error that
names what was wrong, nothing is recorded under the false tags, and a recording of the
real hearing carries the registry's case, not the request's."""

import datetime
import time

from conftest import ALSAFixtures, courtroom_toml, world_readable_tmp


def register(d, rows):
    folder = d.root / "calendar"
    folder.mkdir(exist_ok=True)
    (folder / "courtrooms.csv").write_text("id,name\n3,Courtroom 3\n4,Courtroom 4\n")
    (folder / "hearings.csv").write_text("id,case,courtroom,judge,start,end\n" + "".join(
        f"{h},{c},{r},Judge Bench,{s.isoformat()},{e.isoformat()}\n" for h, c, r, s, e in rows))
    d.ctl("import", "courtrooms", str(folder / "courtrooms.csv"), check=True)
    d.ctl("import", "hearings", str(folder / "hearings.csv"), check=True)


def test_an_operator_cannot_tag_a_recording_with_a_made_up_hearing_or_case(daemon_factory, alsa):
    rooms = "".join(courtroom_toml(r, ALSAFixtures.SPEECH, segment_frames=48000, automatic=False) for r in ("3", "4"))
    d = daemon_factory(config='[control]\nsocketGroup = "nogroup"\noperatorGroup = "nogroup"\n' + rooms, start=False)
    world_readable_tmp(d.root)
    d.start(extra_env=alsa.env)
    now = datetime.datetime.now(datetime.timezone.utc).replace(microsecond=0)
    hour = datetime.timedelta(hours=1)
    register(d, [("H-REAL", "K-REAL/2026", "3", now + hour / 2, now + 2 * hour),
                 ("H-OTHER-ROOM", "K-OTHER/2026", "4", now - hour / 2, now + hour),
                 ("H-LAST-WEEK", "K-OLD/2026", "3", now - 7 * 24 * hour, now - 7 * 24 * hour + hour)])

    for args, words in [
        (["--hearing", "H-MADE-UP"], "no registered hearing H-MADE-UP"),
        (["--hearing", "H-MADE-UP", "--case", "K-MADE-UP"], "no registered hearing H-MADE-UP"),
        (["--hearing", "H-OTHER-ROOM"], "sits in courtroom 4, not 3"),
        (["--hearing", "H-LAST-WEEK"], "may be recorded from"),
        (["--hearing", "H-REAL", "--case", "K-FORGED"], "(K-REAL/2026), not K-FORGED"),
        (["--case", "K-FORGED"], "name the hearing, not case K-FORGED"),
    ]:
        r = d.ctl("record", "start", "--courtroom", "3", *args, "--duration", "1s", user="nobody")
        assert r.returncode == 1 and words in r.stderr, (args, r.stdout, r.stderr)
    # The same through the API itself: the problem names the refusal.
    reply = d.request("POST", "/v1/recordings", {"courtroom": "3", "hearing": "H-MADE-UP", "case": "K-MADE-UP"})
    assert reply.status == 404 and reply.json()["code"] == "hearing-not-found", reply.body
    reply = d.request("POST", "/v1/recordings", {"courtroom": "3", "hearing": "H-LAST-WEEK"})
    assert reply.status == 409 and reply.json()["code"] == "hearing-not-in-session", reply.body
    events = d.request("GET", "/v1/events?limit=10000").json()["events"]
    assert not [e for e in events if e["action"] == "recording.start"], "nothing was recorded under a false tag"

    # The real hearing: recorded, and tagged with the registry's case.
    started = d.ctl_json("record", "start", "--courtroom", "3", "--hearing", "H-REAL", "--duration", "1s", user="nobody")
    assert started["session"]["hearing"] == "H-REAL" and started["session"]["case"] == "K-REAL/2026", started
    deadline = datetime.datetime.now() + datetime.timedelta(seconds=120)
    items = []
    while datetime.datetime.now() < deadline:
        items = d.ctl_json("items", "--hearing", "H-REAL")
        if items:
            break
        time.sleep(0.1)
    assert items and all(i["tags"]["hearing"] == "H-REAL" and i["tags"]["case"] == "K-REAL/2026" for i in items), items
    assert d.ctl("verify").returncode == 0
