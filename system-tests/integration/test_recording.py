"""Courtroom recording end to end: the real custodyd and custodyctl, the real alsa-lib
reading `file` PCMs that replay known recordings (no sound hardware), segments filed
through the real ingest pipeline and checked with mediainfo and exiftool."""

import datetime
import json
import os
import signal
import subprocess
import threading
import time

import pytest

from conftest import CUSTODYCTL, CUSTODYD, REPO, ALSAFixtures, courtroom_toml, wav_data_chunk, wav_payload


def blob(d, sha):
    return d.state / "blobs" / "sha256" / sha[:2] / sha[2:4] / sha


def events(d, action=None, subject=None):
    path = "/v1/events?limit=10000" + (f"&subject={subject}" if subject else "")
    found = d.request("GET", path).json()["events"]
    return [e for e in found if action is None or e["action"] == action]


def wait_for(what, condition, timeout=120, step=0.05):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(step)
    raise AssertionError(f"timed out waiting for {what}")


def segments(d, **query):
    q = "&".join(f"{k}={v}" for k, v in {"limit": 10000, **query}.items())
    return d.request("GET", f"/v1/recordings?{q}").json()["segments"]


def wait_filed(d, count, **query):
    """The segments matching the query once `count` of them are filed and none is pending."""
    def done():
        found = segments(d, **query)
        return found if len(found) == count and all(s["state"] == "filed" for s in found) else None
    return wait_for(f"{count} segments filed ({query})", done)


def recorder(daemon_factory, alsa, rooms, name="d", ingest=""):
    d = daemon_factory(config="".join(rooms), start=False, name=name, ingest=ingest)
    return d.start(extra_env=alsa.env)


def ts(text):
    return datetime.datetime.fromisoformat(text.replace("Z", "+00:00"))


def register_hearings(d, *hearings):
    """Registers (id, case, courtroom) hearings as the court's calendar would: each
    scheduled to start in half an hour, so a clerk may record it now (from an hour
    before its start) while the schedule does not start it by itself yet."""
    now = datetime.datetime.now(datetime.timezone.utc).replace(microsecond=0)
    start, end = now + datetime.timedelta(minutes=30), now + datetime.timedelta(hours=2)
    folder = d.root / "registry-now"
    folder.mkdir(exist_ok=True)
    rooms = sorted({room for _, _, room in hearings})
    (folder / "courtrooms.csv").write_text("id,name\n" + "".join(f"{r},Courtroom {r}\n" for r in rooms))
    (folder / "hearings.csv").write_text("id,case,courtroom,judge,start,end\n" + "".join(
        f"{h},{c},{r},Judge Bench,{start.isoformat()},{end.isoformat()}\n" for h, c, r in hearings))
    d.ctl("import", "courtrooms", str(folder / "courtrooms.csv"), check=True)
    d.ctl("import", "hearings", str(folder / "hearings.csv"), check=True)


# MARK: a hearing recorded and filed

def test_a_recorded_hearing_is_the_input_byte_for_byte_in_contiguous_segments(daemon_factory, alsa):
    d = recorder(daemon_factory, alsa, [courtroom_toml("3", ALSAFixtures.SPEECH, names=["judge", "witness"], segment_frames=48000)])
    frames = 150_000  # 3.125 s of audio: three whole segments and an eighth
    register_hearings(d, ("H-2026-0301", "K-17/2026", "3"))
    out = d.ctl("record", "start", "--courtroom", "3", "--hearing", "H-2026-0301", "--case", "K-17/2026",
                "--duration", f"{frames}f", check=True)
    assert "courtroom 3: recording from custody_speech" in out.stdout and "hearing H-2026-0301" in out.stdout

    filed = wait_filed(d, 4, hearing="H-2026-0301")
    assert [s["sequence"] for s in filed] == [1, 2, 3, 4]
    assert [s["frames"] for s in filed] == [48000, 48000, 48000, 6000]
    assert [s["firstFrame"] for s in filed] == [0, 48000, 96000, 144000]
    assert [s.get("gapBeforeSeconds") for s in filed] == [None, 0, 0, 0], "contiguous: no gap at any boundary"
    assert len({s["session"] for s in filed}) == 1 and all(s["case"] == "K-17/2026" for s in filed)

    # The stored copies, joined, are exactly the frames the PCM delivered: none lost, none twice.
    source = alsa.bytes(ALSAFixtures.SPEECH)
    stored = [blob(d, s["sha256"]).read_bytes() for s in filed]
    assert b"".join(wav_payload(b) for b in stored) == source[:frames * 4]
    # No working file is left once the copies are verified.
    wait_for("the working files removed", lambda: list((d.state / "recordings" / "3").iterdir()) == [])

    # The hearing's items are its segments, in recording order; recordedAt is each first sample's time.
    items = d.ctl_json("items", "--hearing", "H-2026-0301")
    assert [i["id"] for i in items] == [s["item"] for s in filed]
    first = ts(items[0]["recordedAt"])
    for n, item in enumerate(items):
        assert item["recordedAtSource"] == "bwf.bext" and item["container"] == "bwf"
        assert item["tags"]["hearing"] == "H-2026-0301" and item["tags"]["case"] == "K-17/2026" and item["tags"]["courtroom"] == "3"
        assert ts(item["recordedAt"]) - first == datetime.timedelta(seconds=n), "segments start one second of audio apart"
        assert item["recordedAt"] == filed[n]["firstSampleTime"]

    # Custody events: the start and stop with the caller's uid, a summary for every segment.
    start = events(d, "recording.start")[0]
    assert start["actor"]["uid"] == os.getuid() and start["subject"] == "courtroom:3"
    assert start["detail"]["pcm"] == "custody_speech" and start["detail"]["durationFrames"] == frames
    assert start["detail"]["hearing"] == "H-2026-0301" and start["detail"]["channelNames"] == ["judge", "witness"]
    stop = wait_for("the stop", lambda: events(d, "recording.stop"))[0]
    assert stop["detail"]["reason"] == "durationReached" and stop["detail"]["framesCaptured"] == frames
    for s in filed:
        mine = d.request("GET", f"/v1/events?item={s['item']}").json()["events"]
        actions = [e["action"] for e in mine]
        assert "item.store" in actions and "recording.segment" in actions
        summary = next(e for e in mine if e["action"] == "recording.segment")["detail"]
        assert summary["frames"] == s["frames"] and summary["droppedFrames"] == 0 and summary["gaps"] == []
        assert [c["name"] for c in summary["channels"]] == ["judge", "witness"]
        assert all(c["clippedSamples"] == 0 and c["peakDBFS"] < 0 for c in summary["channels"])
        assert summary["bext"]["originatorReference"].startswith("CUSTODY-" + s["session"])

    # `record segments` shows them in order with the gaps between them.
    listed = d.ctl("record", "segments", "--hearing", "H-2026-0301", check=True).stdout
    assert "4 segments, 0:00:03.1 of audio; no gaps between them" in listed, listed


def test_mediainfo_and_exiftool_read_back_the_bext_fields_and_channels(daemon_factory, alsa):
    d = recorder(daemon_factory, alsa, [courtroom_toml("CR-4", ALSAFixtures.MULTI, channels=4, fmt="S24_3LE",
                                                       names=["judge", "witness", "prosecution", "defence"], segment_frames=96000)])
    register_hearings(d, ("H-4", "K-4", "CR-4"))
    d.ctl("record", "start", "--courtroom", "CR-4", "--hearing", "H-4", "--case", "K-4", "--duration", "1.5s", check=True)
    seg = wait_filed(d, 1, hearing="H-4")[0]
    assert seg["frames"] == 72000
    path = str(blob(d, seg["sha256"]))
    assert wav_payload(open(path, "rb").read()) == alsa.bytes(ALSAFixtures.MULTI)[:72000 * 12]

    info = json.loads(subprocess.run(["mediainfo", "--Output=JSON", path], check=True, capture_output=True, text=True).stdout)
    audio = next(t for t in info["media"]["track"] if t["@type"] == "Audio")
    general = next(t for t in info["media"]["track"] if t["@type"] == "General")
    assert audio["Channels"] == "4" and audio["SamplingRate"] == "48000" and audio["BitDepth"] == "24"
    first = datetime.datetime.fromisoformat(seg["firstSampleTime"].replace("Z", "+00:00"))
    assert general.get("Encoded_Date", "").startswith(first.strftime("%Y-%m-%d %H:%M:%S")) or \
        first.strftime("%Y-%m-%d") in json.dumps(general), general
    assert "Courtroom CR-4; hearing H-4; case K-4" in json.dumps(general)

    exif = json.loads(subprocess.run(["exiftool", "-j", "-G", path], check=True, capture_output=True, text=True).stdout)[0]
    assert exif["RIFF:NumChannels"] == 4 and exif["RIFF:SampleRate"] == 48000 and exif["RIFF:BitsPerSample"] == 24
    assert exif["RIFF:Description"] == "Courtroom CR-4; hearing H-4; case K-4"
    assert exif["RIFF:Originator"] == "Custody"
    assert exif["RIFF:OriginatorReference"] == f"CUSTODY-{seg['session']}-000001"
    assert exif["RIFF:DateTimeOriginal"] == first.strftime("%Y:%m:%d %H:%M:%S")
    midnight = first.replace(hour=0, minute=0, second=0, microsecond=0)
    # TimeReference counts samples since midnight: the API's time is to the millisecond, the event's to the sample.
    assert 0 <= exif["RIFF:TimeReference"] - round((first - midnight).total_seconds() * 1000) * 48 <= 48
    summary = events(d, "recording.segment")[0]["detail"]
    assert exif["RIFF:TimeReference"] == summary["bext"]["timeReference"]
    assert summary["bext"]["originationTime"] == first.strftime("%H:%M:%S")


def test_a_pcm_that_does_not_exist_is_an_error_naming_it_and_the_courtroom_shows_the_fault(daemon_factory, alsa):
    d = recorder(daemon_factory, alsa, [courtroom_toml("9", "custody_nowhere")])
    register_hearings(d, ("H-9", "K-9", "9"))
    out = d.ctl("record", "start", "--courtroom", "9", "--hearing", "H-9", "--duration", "1s")
    assert out.returncode == 1 and "custody_nowhere" in out.stderr and "snd_pcm_open" in out.stderr, out
    room = d.ctl_json("record", "status", "--courtroom", "9")
    assert room["state"] == "faulted"
    assert room["session"]["fault"]["code"] == "capture.pcm-open" and "custody_nowhere" in room["session"]["fault"]["message"]
    text = d.ctl("record", "status", check=True).stdout
    assert "faulted" in text and "FAULT capture.pcm-open" in text and "custody_nowhere" in text
    fault = events(d, "recording.fault")[0]
    assert fault["actor"]["uid"] == os.getuid() and fault["outcome"] == "error"
    assert fault["detail"]["pcm"] == "custody_nowhere" and fault["detail"]["call"] == "snd_pcm_open"
    assert events(d, "recording.start") == [] and segments(d) == [], "nothing pretends to be recorded"
    # And an unknown courtroom is refused as such.
    out = d.ctl("record", "start", "--courtroom", "nowhere")
    assert out.returncode == 1 and 'no courtroom "nowhere"' in out.stderr


def wav_frames_on_disk(path, frame_bytes=4):
    """Whole frames in a working WAV file's data chunk as it is on disk (its header's sizes
    are written only when the segment closes); None before its data chunk is written."""
    data = path.read_bytes()
    chunk = wav_data_chunk(data)
    return None if chunk is None else (len(data) - chunk[0]) // frame_bytes


def wav_header_states_its_size(path):
    """Whether a segment's header states the sizes its file has (it was closed and its
    header written), so that a restart has nothing to repair in it."""
    data = path.read_bytes()
    if len(data) < 12 or int.from_bytes(data[4:8], "little") != len(data) - 8:
        return False
    chunk = wav_data_chunk(data)
    return chunk is not None and chunk[1] == len(data) - chunk[0]


def all_threads_stopped(pid):
    try:
        tasks = os.listdir(f"/proc/{pid}/task")
        return all(open(f"/proc/{pid}/task/{t}/stat").read().rsplit(")", 1)[1].split()[0] == "T" for t in tasks)
    except FileNotFoundError:
        return False


def freeze_then_kill_mid_segment(d, directory, low, high, timeout=120):
    """SIGKILLs custodyd while it is frozen with the segment it is writing holding between
    `low` and `high` whole frames on disk, and every segment before it closed with its
    header written; between looks it runs."""
    pid = d.proc.pid
    deadline = time.monotonic() + timeout
    while True:
        assert time.monotonic() < deadline, "never found the segment being written between the bounds"
        os.kill(pid, signal.SIGSTOP)
        while not all_threads_stopped(pid):
            assert time.monotonic() < deadline, "custodyd's threads never all stopped"
            time.sleep(0.001)
        # Segments are named by their start: the last is the one being written; those
        # before it are closed, and their headers must be written already (a segment
        # closed a moment ago whose header is not yet written would be repaired too).
        working = sorted(directory.glob("*.wav"))
        closed_whole = all(wav_header_states_its_size(p) for p in working[:-1])
        frames = wav_frames_on_disk(working[-1]) if working and closed_whole else None
        if frames is not None and low <= frames <= high:
            d.kill()  # SIGKILL ends a stopped process too
            return frames
        os.kill(pid, signal.SIGCONT)
        time.sleep(0.005)


def test_sigkill_mid_segment_then_restart_repairs_and_files_the_partial_segment(daemon_factory, alsa):
    # Two-second segments of a 90 s recording, checkpointed every 20 ms of audio (slow
    # enough, with a durable write each time, that the session is still running when
    # the first segment has been filed).
    room = courtroom_toml("5", ALSAFixtures.LONG, segment_frames=96000, checkpointSeconds=0.02)
    d = recorder(daemon_factory, alsa, [room])
    total = 90 * 48000
    register_hearings(d, ("H-5", "K-5", "5"))
    d.ctl("record", "start", "--courtroom", "5", "--hearing", "H-5", "--duration", f"{total}f", check=True)
    wait_for("the first segment filed", lambda: any(s["state"] == "filed" for s in segments(d, courtroom="5")), step=0.01)

    # The kill must land mid-segment: several checkpoints into one and far from its end.
    # A status read and then a kill
    # could land anywhere (capture goes on between the two), so custodyd is frozen
    # (SIGSTOP) and the working files on disk are looked at; only then is it killed, or
    # let go on to look again.
    assert d.request("GET", "/v1/recordings/5").json()["state"] == "recording"
    freeze_then_kill_mid_segment(d, d.state / "recordings" / "5", 4000, 60000)
    partial = sorted((d.state / "recordings" / "5").glob("*.wav"))
    assert partial, "a segment was being written when custodyd was killed"

    d.start(extra_env=alsa.env)
    def settled():
        found = segments(d, courtroom="5")
        return found if found and all(s["state"] == "filed" for s in found) else None
    filed = wait_for("every segment filed after the restart", settled)
    n = len(filed)
    assert [s["sequence"] for s in filed] == list(range(1, n + 1))
    assert all(s["frames"] == 96000 for s in filed[:-1]) and 960 <= filed[-1]["frames"] < 96000
    assert filed[-1]["repaired"] and not any(s["repaired"] for s in filed[:-1])
    assert all(s.get("gapBeforeSeconds") in (None, 0) for s in filed)
    captured = sum(s["frames"] for s in filed)
    assert captured < total, "custodyd was killed mid-session"
    # Nothing was lost or made up: the repaired segment ends at its last whole frame on disk.
    joined = b"".join(wav_payload(blob(d, s["sha256"]).read_bytes()) for s in filed)
    assert joined == alsa.bytes(ALSAFixtures.LONG)[:captured * 4]
    wait_for("the working files removed", lambda: list((d.state / "recordings" / "5").iterdir()) == [])
    repair = events(d, "recording.repair")
    assert len(repair) == 1 and repair[0]["detail"]["frames"] == filed[-1]["frames"]
    stop = events(d, "recording.stop")
    assert len(stop) == 1 and stop[0]["detail"]["reason"] == "crash" and stop[0]["detail"]["framesCaptured"] == captured
    # sox reads the repaired segment whole.
    frames = subprocess.run(["soxi", "-s", str(blob(d, filed[-1]["sha256"]))], check=True, capture_output=True, text=True).stdout
    assert int(frames) == filed[-1]["frames"]
    assert d.request("GET", "/v1/recordings/5").json()["state"] == "idle"


def test_silence_raises_an_alarm_that_is_a_custody_event_and_in_the_segment_summary(daemon_factory, alsa):
    d = recorder(daemon_factory, alsa, [courtroom_toml("6", ALSAFixtures.NULL, names=["judge", "witness"], segment_frames=48000,
                                                       silenceSeconds=0.25)])
    d.ctl("record", "start", "--courtroom", "6", "--duration", "1s", check=True)
    seg = wait_filed(d, 1, courtroom="6")[0]
    raised = events(d, "recording.alarm.raise")
    assert {e["detail"]["channelName"] for e in raised} == {"judge", "witness"}
    assert all(e["detail"]["kind"] == "silence" and e["detail"]["startFrame"] == 0 for e in raised)
    cleared = wait_for("the alarms cleared with the session", lambda: events(d, "recording.alarm.clear"))
    assert all(e["detail"].get("endedWithSession") for e in cleared)
    summary = events(d, "recording.segment")[0]["detail"]
    assert seg["alarms"] == 2 and len(summary["alarms"]) == 2
    assert all(c.get("peakDBFS") is None for c in summary["channels"]), "digital silence has no level"
    # And the audio metrics count them.
    wait_for("the session's end counted", lambda: events(d, "recording.stop"))
    metrics = {line.split(" ")[0]: float(line.split(" ")[1]) for line in d.request("GET", "/metrics").body.decode().splitlines()
               if line.startswith("custody_audio_")}
    assert metrics == {"custody_audio_sessions_active": 0, "custody_audio_sessions_total": 1,
                       "custody_audio_dropped_frames_total": 0, "custody_audio_alarms_total": 2}, metrics


def test_record_status_and_watch_follow_a_session(daemon_factory, alsa):
    d = recorder(daemon_factory, alsa, [courtroom_toml("7", ALSAFixtures.SPEECH, names=["judge", "witness"], segment_frames=24000)])
    register_hearings(d, ("H-7", "K-7", "7"))
    watch = subprocess.Popen([str(CUSTODYCTL), "watch", "--json"],
                             stdout=subprocess.PIPE, text=True, env=dict(os.environ, CUSTODY_SOCKET=str(d.socket)))
    lines = []
    reader = threading.Thread(target=lambda: lines.extend(json.loads(line) for line in watch.stdout), daemon=True)
    reader.start()
    try:
        # watch says when its first look is taken; from then on it misses nothing.
        wait_for("watch following", lambda: lines and lines[0]["event"] == "watching", timeout=60)
        d.ctl("record", "start", "--courtroom", "7", "--hearing", "H-7", "--duration", "2s", check=True)
        wait_filed(d, 4, hearing="H-7")

        def seen():
            kinds = [line["event"] for line in lines if line.get("recording")]
            return kinds if kinds.count("segment-filed") == 4 and "recording-stop" in kinds else None
        kinds = wait_for("watch showing the four segments and the stop", seen, timeout=60)
    finally:
        watch.terminate()
        watch.wait(timeout=30)
    assert kinds.count("segment-filed") == 4 and "recording-stop" in kinds, kinds
    assert {line["segment"]["sequence"] for line in lines if line["event"] == "segment-filed"} == {1, 2, 3, 4}
    status = d.ctl_json("record", "status")
    assert status[0]["courtroom"] == "7" and status[0]["state"] == "stopped" and status[0]["segmentsFiled"] == 4
    assert status[0]["session"]["stopReason"] == "durationReached"
    text = d.ctl("record", "status", check=True).stdout
    assert "7" in text and "stopped" in text and "4 filed" in text


def test_a_session_stopped_by_hand_is_the_callers_and_its_last_segment_is_filed(daemon_factory, alsa):
    d = recorder(daemon_factory, alsa, [courtroom_toml("8", ALSAFixtures.LONG, segment_frames=480000, checkpointSeconds=0.01)])
    register_hearings(d, ("H-8", "K-8", "8"))
    d.ctl("record", "start", "--courtroom", "8", "--hearing", "H-8", "--duration", "80s", check=True)
    again = d.ctl("record", "start", "--courtroom", "8")
    assert again.returncode == 1 and "already recording" in again.stderr
    out = d.ctl("record", "stop", "--courtroom", "8", check=True).stdout
    assert "courtroom 8: stopped" in out and "stopRequested" in out
    stop = events(d, "recording.stop")[0]
    assert stop["actor"]["uid"] == os.getuid() and stop["detail"]["reason"] == "stopRequested"
    filed = wait_filed(d, stop["detail"]["segments"], hearing="H-8")
    assert sum(s["frames"] for s in filed) == stop["detail"]["framesCaptured"] < 80 * 48000
    joined = b"".join(wav_payload(blob(d, s["sha256"]).read_bytes()) for s in filed)
    assert joined == alsa.bytes(ALSAFixtures.LONG)[:len(joined)]


def test_a_bad_courtroom_table_stops_custodyd_naming_file_line_and_key(daemon_factory):
    d = daemon_factory(config='[[courtroom]]\nid = "3"\npcm = "hw:CARD=Courtroom3"\nchannels = 2\nchannelNames = ["judge"]\n',
                       start=False)
    out = subprocess.run([str(CUSTODYD), "--config", str(d.config_path), "--state-dir", str(d.state),
                          "--socket", str(d.socket)], capture_output=True, text=True, timeout=60)
    assert out.returncode == 78
    assert f"{d.config_path}:" in out.stderr and "courtroom[0].channelNames" in out.stderr and "names 1 channels" in out.stderr


def test_a_courtroom_named_by_its_audio_interface_records_from_that_interfaces_card(daemon_factory, alsa):
    """The interface is emulated by umockdev (system-tests/umockdev/usb-audio-interface.umockdev:
    serial AUD0000003, ALSA card Courtroom3); the catalog matches it, its card gives the
    PCM, and the test ALSA configuration's `hw` replays speech."""
    room = ('[[courtroom]]\nid = "CR3"\ninterface = "AUD0000003"\nchannels = 2\nrate = 48000\nformat = "S16_LE"\n'
            'channelNames = ["judge", "witness"]\nsegmentFrames = 48000\n')
    devices = f'[devices]\ncatalog = ["{REPO / "catalog"}", "{REPO / "system-tests" / "catalog"}"]\n'
    # Not docked: nothing to record from, and the answer says so.
    undocked = daemon_factory(config='[devices]\nenabled = false\n' + room, start=False, name="undocked")
    undocked.start(extra_env=alsa.env)
    out = undocked.ctl("record", "start", "--courtroom", "CR3")
    assert out.returncode == 1 and "interface AUD0000003" in out.stderr, out.stderr
    undocked.stop()

    d = daemon_factory(config=devices + room, start=False)
    d.start(wrapper=["umockdev-run", "-d", str(REPO / "system-tests" / "umockdev" / "usb-audio-interface.umockdev"), "--"],
            extra_env=alsa.env)
    dock = wait_for("the interface docked", lambda: [x for x in d.request("GET", "/v1/devices").json()["devices"]
                                                      if x.get("serial") == "AUD0000003" and x.get("message")])[0]
    assert dock["alsaCard"] == "Courtroom3" and "recorded by courtroom sessions" in dock["message"]
    register_hearings(d, ("H-3", "K-3", "CR3"))
    started = d.ctl_json("record", "start", "--courtroom", "CR3", "--hearing", "H-3", "--duration", "1.5s")
    assert started["pcm"] == "hw:CARD=Courtroom3,DEV=0" and started["interface"] == "AUD0000003"
    filed = wait_filed(d, 2, hearing="H-3")
    joined = b"".join(wav_payload(blob(d, s["sha256"]).read_bytes()) for s in filed)
    assert joined == alsa.bytes(ALSAFixtures.SPEECH)[:72000 * 4]
    items = d.ctl_json("items", "--hearing", "H-3")
    assert [i["source"].get("device") for i in items] == ["AUD0000003", "AUD0000003"], "each segment comes from the interface"
    start = events(d, "recording.start")[0]
    assert start["detail"]["interface"] == "AUD0000003" and start["detail"]["pcm"] == "hw:CARD=Courtroom3,DEV=0"


def test_the_hearing_schedule_starts_and_stops_recording_and_the_segments_carry_the_hearing(daemon_factory, alsa):
    """A hearing imported into the registry (the court's calendar) a few seconds from now:
    the courtroom starts recording at its start and stops a margin after its end, by
    itself; the segments are tagged to it and its case, and its actual times are set."""
    room = courtroom_toml("CR9", ALSAFixtures.NULL, channels=1, rate=8000, names=["bench"], segment_frames=80000,
                          checkpointSeconds=0.05)
    schedule = "[recording]\nscheduleLeadSeconds = 0\nscheduleMarginSeconds = 1\nscheduleIntervalSeconds = 1\n"
    d = recorder(daemon_factory, alsa, [schedule, room])
    registry = d.root / "registry"
    registry.mkdir()
    (registry / "courtrooms.csv").write_text("id,name,building\nCR9,Courtroom 9,Palace of Justice\n")
    now = datetime.datetime.now(datetime.timezone.utc).replace(microsecond=0)
    start, end = now + datetime.timedelta(seconds=3), now + datetime.timedelta(seconds=5)
    (registry / "hearings.csv").write_text("id,case,courtroom,judge,start,end,title\n"
                                           f"H-AUTO,K-99/2026,CR9,Judge Bench,{start.isoformat()},{end.isoformat()},Scheduled\n")
    d.ctl("import", "courtrooms", str(registry / "courtrooms.csv"), check=True)
    d.ctl("import", "hearings", str(registry / "hearings.csv"), check=True)

    started = wait_for("the scheduled start", lambda: events(d, "recording.start"), timeout=30)[0]
    assert started["actor"]["name"] == "custodyd" and started["detail"]["automatic"] is True
    assert started["detail"]["hearing"] == "H-AUTO" and started["detail"]["case"] == "K-99/2026"
    assert ts(started["time"]) >= start - datetime.timedelta(seconds=0.001)
    stop = wait_for("the scheduled stop", lambda: events(d, "recording.stop"), timeout=30)[0]
    assert stop["detail"]["reason"] == "schedule" and ts(stop["time"]) >= end + datetime.timedelta(seconds=1)
    status = d.request("GET", "/v1/recordings/CR9").json()
    assert status["state"] == "stopped" and status["session"]["automatic"] and status["session"]["stopReason"] == "schedule"
    filed = wait_filed(d, stop["detail"]["segments"], hearing="H-AUTO")
    items = d.ctl_json("items", "--hearing", "H-AUTO", "--limit", "10000")
    assert [i["id"] for i in items] == [s["item"] for s in filed]
    assert all(i["tags"] == {**i["tags"], "hearing": "H-AUTO", "case": "K-99/2026", "courtroom": "CR9"} for i in items)
    # The registry now knows when the hearing was actually recorded.
    hearing = next(h for h in d.ctl_json("hearings") if h["id"] == "H-AUTO")
    assert hearing["actualStart"] == filed[0]["firstSampleTime"]
    assert hearing["actualEnd"] >= filed[-1]["endTime"][:19]
    # That the schedule does not start it again within its margin is asserted tick by tick,
    # on a fake clock, in RecordingScheduleTests (a fixed sleep here could only pass by luck).


def test_sigterm_ends_the_session_and_files_its_last_segment_before_custodyd_exits(daemon_factory, alsa):
    d = recorder(daemon_factory, alsa, [courtroom_toml("4", ALSAFixtures.LONG, segment_frames=480000, checkpointSeconds=0.01)])
    register_hearings(d, ("H-4", "K-4", "4"))
    d.ctl("record", "start", "--courtroom", "4", "--hearing", "H-4", "--duration", "80s", check=True)
    wait_for("some audio", lambda: (d.request("GET", "/v1/recordings/4").json()["session"].get("framesCaptured") or 0) > 48000)
    assert d.stop() == 0, "a graceful stop"
    log = d.log_path.read_text()
    d.start(extra_env=alsa.env)
    stop = events(d, "recording.stop")
    assert len(stop) == 1 and stop[0]["detail"]["reason"] == "shutdown" and stop[0]["actor"]["name"] == "custodyd", log
    found = segments(d, courtroom="4")
    assert found and all(s["state"] == "filed" and not s["repaired"] for s in found), ("filed before custodyd exited", found)
    joined = b"".join(wav_payload(blob(d, s["sha256"]).read_bytes()) for s in found)
    assert len(joined) == stop[0]["detail"]["framesCaptured"] * 4
    assert joined == alsa.bytes(ALSAFixtures.LONG)[:len(joined)]
    assert events(d, "recording.repair") == [], "nothing to repair after a graceful stop"
