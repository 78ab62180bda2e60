"""The live event stream (GET /v1/events/stream) over the real socket: resuming loses
nothing and repeats nothing, a stalled reader holds back neither ingest nor other
clients, it is refused to a role that may not read the custody events; and
`custodyctl watch`, for every role, follows docks through the state-change stream
(GET /v1/changes/stream) without asking anything while nothing happens."""

import datetime
import grp
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import time

import pytest

from conftest import CUSTODYCTL, UnixHTTPConnection, world_readable_tmp
from test_docking_media import Watch, start
from test_openapi import CLIENT, unused_uid


class Stream:
    """GET /v1/events/stream, read one message at a time."""

    def __init__(self, d, query="", headers=None):
        self.conn = UnixHTTPConnection(str(d.socket), timeout=120)
        self.conn.request("GET", "/v1/events/stream" + query, headers=headers or {})
        self.resp = self.conn.getresponse()
        if self.resp.status != 200:
            body = self.resp.read()
            self.conn.close()
            raise AssertionError(f"the stream answered {self.resp.status}: {body[:300]!r}")
        assert self.resp.getheader("content-type") == "text/event-stream"

    def next(self):
        """The next message as {"event", "id", "data"} (comments skipped); None when the stream ended."""
        event, ident, data = "message", None, []
        while True:
            line = self.resp.readline()
            if not line:
                return None
            line = line.decode().rstrip("\n")
            if line == "":
                if data or ident is not None:
                    return {"event": event, "id": ident, "data": json.loads("\n".join(data))}
                continue
            if line.startswith(":"):
                continue
            name, _, value = line.partition(":")
            value = value[1:] if value.startswith(" ") else value
            if name == "event":
                event = value
            elif name == "id":
                ident = value
            elif name == "data":
                data.append(value)

    def close(self):
        self.resp.close()  # the response holds the socket too
        self.conn.close()


def test_resuming_after_a_disconnect_loses_nothing_and_repeats_nothing(daemon, tmp_path):
    d = daemon
    card = d.inbox / "card"
    card.mkdir()
    for n in range(40):
        (card / f"CLIP{n:04d}.MP4").write_bytes(f"clip {n}\n".encode() * 100)
    first = Stream(d, "?after=0")
    ready = first.next()
    assert ready == {"event": "ready", "id": "0", "data": {"after": 0}}, ready
    job = d.request("POST", "/v1/jobs", {"path": str(card)}).json()
    # Some events, then the connection is dropped while the job runs.
    seen = []
    while len(seen) < 5:
        message = first.next()
        assert message is not None, "the stream ended"
        if message["event"] == "custody":
            seen.append(message)
    first.close()
    # A reconnecting reader sends Last-Event-ID (and may still send its first URL's after=0).
    second = Stream(d, "?after=0", headers={"Last-Event-ID": seen[-1]["id"]})
    ready = second.next()
    assert ready["event"] == "ready" and ready["data"] == {"after": int(seen[-1]["id"])}, ready
    while True:
        message = second.next()
        assert message is not None, "the stream ended"
        if message["event"] != "custody":
            continue
        seen.append(message)
        if message["data"]["action"] == "job.finish" and message["data"]["subject"] == f"job:{job['id']}":
            break
    second.close()
    assert all(int(m["id"]) == m["data"]["seq"] for m in seen)
    logged = d.request("GET", "/v1/events?limit=10000").json()["events"]
    # Every event up to the job's end, in order, each once, as GET /v1/events gives it.
    assert [m["data"] for m in seen] == [e for e in logged if e["seq"] <= seen[-1]["data"]["seq"]]
    stored = [e for e in logged if e["action"] == "item.store" and e["subject"].startswith("item:")]
    assert len(stored) == 40


def test_a_stalled_reader_holds_back_neither_ingest_nor_other_clients(daemon_factory):
    d = daemon_factory(config='[control]\nsocketGroup = ""\nidleTimeoutSeconds = 3\n')
    card = d.inbox / "card"
    card.mkdir()
    files = 1500
    for n in range(files):
        # Long names: each event is several hundred bytes, all of them far more than the sockets hold.
        (card / f"STILL-{n:05d}-{'X' * 120}.JPG").write_bytes(f"still {n}\n".encode())
    # A reader that asks for everything and never reads a byte, with a small receive buffer.
    stalled = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    stalled.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    stalled.connect(str(d.socket))
    stalled.sendall(b"GET /v1/events/stream?after=0 HTTP/1.1\r\nHost: custodyd\r\n\r\n")
    job = d.request("POST", "/v1/jobs", {"path": str(card)}).json()
    answered = 0
    while True:
        # Other clients are answered all along.
        assert d.request("GET", "/v1/status").status == 200
        answered += 1
        state = d.request("GET", f"/v1/jobs/{job['id']}?files=false").json()
        if state["state"] not in ("queued", "running"):
            break
        time.sleep(0.2)
    assert state["state"] == "completed" and state["stored"] == files, state
    # Its events were far more than the sockets hold: the daemon cut the stalled reader
    # (its answer unread for the idle timeout) instead of waiting for it.
    deadline = time.monotonic() + 60
    while b"its answer not read for 3 s" not in d.log_path.read_bytes():
        assert time.monotonic() < deadline, "the stalled reader was never cut"
        time.sleep(0.1)
    stalled.settimeout(60)
    received = b""
    while chunk := stalled.recv(65536):
        received += chunk
    assert received.startswith(b"HTTP/1.1 200 OK"), received[:200]
    stalled.close()


def test_a_stream_counts_against_the_connection_caps(daemon_factory):
    d = daemon_factory(config='[control]\nsocketGroup = ""\nmaxConnections = 2\nmaxConnectionsPerUser = 1\n')
    # Once the daemon has let go of the connections of its start-up checks, a stream is served.
    deadline = time.monotonic() + 60
    while True:
        try:
            stream = Stream(d)
            break
        except AssertionError:
            assert time.monotonic() < deadline, "no stream was ever served"
            time.sleep(0.05)
    assert stream.next()["event"] == "ready"
    # While it is open, the same user's other connections are refused with 503.
    reply = d.request("GET", "/v1/status")
    assert reply.status == 503 and reply.json()["code"] == "too-many-connections", reply.body
    stream.close()
    deadline = time.monotonic() + 60
    while d.request("GET", "/v1/status").status != 200:
        assert time.monotonic() < deadline, "the stream's connection was never let go"
        time.sleep(0.05)


def test_an_operator_is_refused_the_custody_events_and_watch_follows_the_state_changes_asking_nothing_while_idle(
        daemon_factory, public_tmp):
    if os.geteuid() != 0 or not shutil.which("setpriv"):
        pytest.skip("needs root and setpriv to connect as another user")
    groups = [g for g in grp.getgrall() if g.gr_gid != 0 and re.fullmatch(r"[a-z][a-z0-9_-]*", g.gr_name)]
    if len(groups) < 2:
        pytest.skip("needs two Unix groups")
    sock_group, operators = groups[:2]
    d = daemon_factory(config=f'[control]\nsocketGroup = "{sock_group.gr_name}"\noperatorGroup = "{operators.gr_name}"\n',
                       start=False, base=public_tmp)
    d.start()
    world_readable_tmp(d.socket.parent)
    uid = unused_uid()
    as_operator = ["setpriv", f"--reuid={uid}", f"--regid={operators.gr_gid}", f"--groups={sock_group.gr_gid}"]
    out = subprocess.run([*as_operator, sys.executable, "-c", CLIENT, str(d.socket), "GET", "/v1/events/stream?after=0"],
                         capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    reply = json.loads(out.stdout)
    assert reply["status"] == 403, reply
    problem = json.loads(reply["body"])
    assert problem["code"] == "forbidden" and "needs one of: supervisor, auditor, admin" in problem["detail"], problem
    # The same caller's watch follows the state changes, which every role may read: for six
    # seconds in which nothing happens it asks only its first look (polling every 250 ms
    # asked each list 24 times).
    assert d.request("PUT", "/v1/log-level", {"level": "debug"}).status == 200
    mark = len(d.log_path.read_bytes())
    out = subprocess.run([*as_operator, str(CUSTODYCTL), "watch", "--json", "--seconds", "6"], capture_output=True, text=True,
                         timeout=120, env=dict(os.environ, CUSTODY_SOCKET=str(d.socket)))
    assert out.returncode == 0, out.stderr
    assert json.loads(out.stdout.splitlines()[0])["event"] == "watching", out.stdout
    asked = [m.group(3).decode() for m in REQUEST_LINE.finditer(d.log_path.read_bytes()[mark:])
             if m.group(1) == str(uid).encode()]
    assert asked[0] == "/v1/changes/stream", asked
    assert sorted(asked[1:]) == ["/v1/devices?all=true", "/v1/jobs?limit=50", "/v1/recordings?limit=50"], asked


REQUEST_LINE = re.compile(rb"\((\d+)\) (GET|POST|PUT|PATCH|DELETE) (\S+) \xe2\x86\x92 \d{3}")


def instant(text):
    return datetime.datetime.fromisoformat(text.replace("Z", "+00:00"))


def requests_logged(d):
    return [m.group(3).decode() for m in REQUEST_LINE.finditer(d.log_path.read_bytes())]


def test_watch_shows_a_dock_from_the_stream_and_asks_nothing_while_nothing_happens(daemon_factory, tmp_path):
    testbed, d = start(daemon_factory, tmp_path)
    watch = None
    try:
        assert d.request("PUT", "/v1/log-level", {"level": "debug"}).status == 200
        watch = Watch(d)
        watch.wait_for(lambda e: e["event"] == "watching")
        # The watch's own requests: the stream, then one look at each list.
        deadline = time.monotonic() + 60
        while not {"/v1/devices?all=true", "/v1/jobs?limit=50"} <= set(requests_logged(d)):
            assert time.monotonic() < deadline, requests_logged(d)
            time.sleep(0.1)
        assert "/v1/changes/stream" in requests_logged(d)
        before = requests_logged(d)
        time.sleep(5)  # nothing happens: the watch must ask nothing (polling every 250 ms asked 60 times)
        assert requests_logged(d) == before, requests_logged(d)[len(before):]

        testbed.request("dock card-reader-two-slot")
        watch.wait_for(lambda e: e["event"] == "dock" and e["device"]["productId"] == "0c50")
        # It looked again because the stream said so.
        assert "/v1/devices?all=true" in requests_logged(d)[len(before):]
        # How long after the dock was recorded the watch looked (reported, not asserted: timing is the machine's).
        shown = next(e for e in watch.events() if e["event"] == "dock" and e["device"]["productId"] == "0c50")
        docked = next(e for e in d.request("GET", "/v1/events?limit=10000").json()["events"]
                      if e["action"] == "device.dock" and e["subject"] == f"dock:{shown['device']['id']}")
        delay = instant(shown["time"]) - instant(docked["time"])
        print(f"watch showed the dock {delay.total_seconds() * 1000:.0f} ms after it was recorded")
    finally:
        if watch is not None:
            watch.stop()
        assert d.stop() == 0
