"""Finding 5: control connections never timed out and were not counted: about 100
idle connections made new clients fail, and 1,000 exhausted the daemon's file
descriptors, so that ingest and recording failed while the watchdog stayed green.

Against the real daemon on its real socket, started with systemd's default soft
limit on open files (1024): a thousand idle connections of one user leave exactly
`maxConnectionsPerUser` of them open, every other one answered 503 with Retry-After
(or, past as many, closed at once); another user is served, ingests and records
meanwhile, and the flooding user's next client gets a clean 503. A request head or
body dribbled a byte at a time is cut at its timeout, an idle connection at the idle
timeout, and a body announced larger than the limit is refused before it is sent.
"""

import grp
import http.client
import json
import os
import re
import resource
import select
import socket
import subprocess
import sys
import time

import pytest

from conftest import ALSAFixtures, courtroom_toml, world_readable_tmp
from test_recording import register_hearings

PER_USER = 32


def connect(path, patience=60):
    """A connected socket; while the listening socket's backlog is full (EAGAIN), tries
    again for up to `patience` seconds, as a patient client would."""
    deadline = time.monotonic() + patience
    while True:
        s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        s.settimeout(60)
        try:
            s.connect(str(path))
            return s
        except BlockingIOError:
            s.close()
            if time.monotonic() > deadline:
                raise AssertionError(f"custodyd accepted no connection for {patience} s")
            time.sleep(0.01)


def read_until_closed(socks, expected_closed, deadline):
    """Reads every socket until `expected_closed` of them have reached end of stream
    (or the deadline passes); returns {socket: bytes received} for the closed ones."""
    closed, received = {}, {s: b"" for s in socks}
    pending = set(socks)
    while len(closed) < expected_closed and time.monotonic() < deadline:
        ready, _, _ = select.select(list(pending), [], [], 0.5)
        for s in ready:
            try:
                chunk = s.recv(65536)
            except ConnectionResetError:
                chunk = b""
            if chunk:
                received[s] += chunk
            else:
                closed[s] = received[s]
                pending.discard(s)
    return closed


def read_response(s):
    """One whole response (its head and Content-Length body) from a socket."""
    raw = b""
    while b"\r\n\r\n" not in raw:
        chunk = s.recv(65536)
        assert chunk, f"closed mid-response: {raw!r}"
        raw += chunk
    status, headers, body = parse(raw)
    while len(body) < int(headers["content-length"]):
        body += s.recv(65536)
    return status, headers, body


def parse(raw):
    head, _, body = raw.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    headers = {k.strip().lower(): v.strip() for k, v in (l.split(":", 1) for l in lines[1:])}
    return int(lines[0].split()[1]), headers, body


def two_groups():
    groups = [g for g in grp.getgrall() if g.gr_gid != 0 and re.fullmatch(r"[a-z][a-z0-9_-]*", g.gr_name)]
    if len(groups) < 2:
        pytest.skip("needs two Unix groups")
    return groups[0], groups[1]


def as_operator(sock_group, op_group, *args, uid=54323):
    """custodyctl as a uid of its own, an operator through op_group, connecting through sock_group."""
    from conftest import CUSTODYCTL
    cmd = ["setpriv", f"--reuid={uid}", f"--regid={op_group.gr_gid}", f"--groups={sock_group.gr_gid}", str(CUSTODYCTL), *args]
    return cmd


def test_a_thousand_idle_connections_leave_other_users_served_and_ingest_and_recording_working(daemon_factory, alsa, public_tmp):
    if os.geteuid() != 0:
        pytest.skip("needs root: clients of another uid")
    sock_group, op_group = two_groups()
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft < 4096:
        resource.setrlimit(resource.RLIMIT_NOFILE, (min(hard, 4096), hard))
    d = daemon_factory(config=(f'[control]\nsocketGroup = "{sock_group.gr_name}"\noperatorGroup = "{op_group.gr_name}"\n'
                               + courtroom_toml("2", ALSAFixtures.SPEECH, segment_frames=24000)), start=False, base=public_tmp)
    world_readable_tmp(d.root)
    # systemd's default soft limit for a service without LimitNOFILE= (1024); the hard limit as it is.
    d.start(extra_env=alsa.env, wrapper=["prlimit", f"--nofile=1024:{resource.getrlimit(resource.RLIMIT_NOFILE)[1]}", "--"])
    # The hearing the other user records, registered before the flood takes root's connections.
    register_hearings(d, ("H-2", "K-2", "2"))
    card = d.inbox / "card"
    card.mkdir()
    for i in range(20):
        (card / f"CLIP{i:04}.MP4").write_bytes(os.urandom(64 * 1024) + bytes([i]))
    world_readable_tmp(card)
    for f in card.iterdir():
        os.chmod(f, 0o644)

    flood = [connect(d.socket) for _ in range(1000)]
    try:
        closed = read_until_closed(flood, len(flood) - PER_USER, time.monotonic() + 120)
        assert len(closed) == len(flood) - PER_USER, (
            f"{len(flood) - len(closed)} idle connections of one user are still open; at most {PER_USER} may be")
        answered = [parse(raw) for raw in closed.values() if raw]
        assert answered, "refused connections are answered 503, not only dropped"
        for status, headers, body in answered:
            problem = json.loads(body)
            assert status == 503 and headers["retry-after"] == "2" and problem["code"] == "too-many-connections"
            assert f"uid 0 already has {PER_USER} connections open" in problem["detail"]

        # Another user is served meanwhile: ingest and a courtroom recording work.
        ctl = lambda *a: subprocess.run(as_operator(sock_group, op_group, *a), capture_output=True, text=True, timeout=300,
                                        env=dict(os.environ, CUSTODY_SOCKET=str(d.socket)))
        status = ctl("--json", "status")
        assert status.returncode == 0, status.stderr
        assert json.loads(status.stdout)["caller"]["roles"] == ["operator"]
        job = ctl("--json", "ingest", str(card), "--wait")
        assert job.returncode == 0, job.stderr
        job = json.loads(job.stdout)
        assert job["state"] == "completed" and job["stored"] == 20 and job["failed"] == 0, job
        rec = ctl("record", "start", "--courtroom", "2", "--hearing", "H-2", "--duration", "1s")
        assert rec.returncode == 0, rec.stderr
        deadline = time.monotonic() + 120
        segs = []
        while time.monotonic() < deadline:
            listed = ctl("--json", "record", "segments", "--hearing", "H-2")
            segs = json.loads(listed.stdout) if listed.returncode == 0 else []
            if len(segs) == 2 and all(s["state"] == "filed" for s in segs):
                break
            time.sleep(0.2)
        assert len(segs) == 2 and all(s["state"] == "filed" for s in segs), segs

        # The flooding user's next client gets a clean 503 naming the cap, once the
        # refused connections it left open have been let go (until then, past the
        # allowance of refusals being answered, a new one is closed unanswered).
        for s in closed:
            s.close()
        deadline = time.monotonic() + 60
        while True:
            try:
                reply = d.request("GET", "/v1/status")
                break
            except (ConnectionResetError, http.client.RemoteDisconnected):
                assert time.monotonic() < deadline, "refused connections were never let go"
                time.sleep(0.1)
        assert reply.status == 503 and reply.headers["retry-after"] == "2"
        assert reply.json()["code"] == "too-many-connections"
    finally:
        for s in flood:
            s.close()
    # Once its connections close, the user is served again.
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and d.request("GET", "/v1/status").status != 200:
        time.sleep(0.1)
    assert d.request("GET", "/v1/status").status == 200
    assert "connection refused: uid 0 already has 32 connections open" in d.log_path.read_text()


def test_slow_heads_slow_bodies_and_idle_connections_are_cut_and_oversized_bodies_refused_unread(daemon_factory):
    """With the default timeouts (a head within 10 s of its first byte, a body within
    60 s of its head, 60 s idle), all five attacks at once: a byte every 0.2 s of a
    head, a byte every 0.2 s of a body, nothing at all, a body announced at 1 TiB, and
    a 32 MiB stored file asked for and never read."""
    d = daemon_factory(config='[control]\nsocketGroup = ""\nmaxRequestBytes = 4096\n')
    (d.inbox / "big.bin").write_bytes(os.urandom(32 << 20))
    job = d.wait_job(d.request("POST", "/v1/jobs", {"path": str(d.inbox / "big.bin")}).json()["id"])
    item = d.request("GET", f"/v1/items?job={job['id']}").json()["items"][0]
    export = d.request("POST", "/v1/exports", {"items": [item["id"]]}).json()["exportId"]

    # A keep-alive client asking every second is served throughout and never cut.
    steady = connect(d.socket)
    attacks = {
        "head": (connect(d.socket), b"GET /v1/status HTTP/1.1\r\nHost: custodyd\r\nX-Slow: "),
        "body": (connect(d.socket), b"POST /v1/jobs HTTP/1.1\r\nHost: custodyd\r\nContent-Length: 4000\r\n\r\n{"),
        "idle": (connect(d.socket), b""),
        "huge": (connect(d.socket), b"POST /v1/jobs HTTP/1.1\r\nHost: custodyd\r\nContent-Type: application/json\r\n"
                                    b"Content-Length: 1099511627776\r\n\r\n"),
    }
    for s, first in attacks.values():
        s.sendall(first)
    # Asks for the file, then never reads: the socket fills and stays full.
    stalled = connect(d.socket)
    stalled.sendall(f"GET /v1/blobs/{item['sha256']}?export={export} HTTP/1.1\r\nHost: custodyd\r\n\r\n".encode())
    hangup = select.poll()
    hangup.register(stalled, select.POLLRDHUP | select.POLLHUP)
    received = {name: b"" for name in attacks}
    dribbled = {name: 0 for name in attacks}
    closed = {}
    started = time.monotonic()
    last_steady = 0.0
    while (len(closed) < len(attacks) or "stalled" not in closed) and time.monotonic() - started < 180:
        if "stalled" not in closed and hangup.poll(0):
            closed["stalled"] = time.monotonic() - started
        open_ = {s: name for name, (s, _) in attacks.items() if name not in closed}
        ready, _, _ = select.select(list(open_), [], [], 0.2)
        for s in ready:
            try:
                chunk = s.recv(65536)
            except ConnectionResetError:
                chunk = b""
            if chunk:
                received[open_[s]] += chunk
            else:
                closed[open_[s]] = time.monotonic() - started
        for name in ("head", "body"):
            if name not in closed:
                try:
                    attacks[name][0].sendall(b"x")
                    dribbled[name] += 1
                except (BrokenPipeError, ConnectionResetError):
                    closed[name] = time.monotonic() - started
        if time.monotonic() - last_steady >= 1:
            steady.sendall(b"GET /v1/status HTTP/1.1\r\nHost: custodyd\r\n\r\n")
            status, headers, _ = read_response(steady)
            assert status == 200 and headers["connection"] == "keep-alive", "the steady client is served throughout"
            last_steady = time.monotonic()
    for s, _ in attacks.values():
        s.close()
    stalled.close()
    steady.close()
    assert set(closed) == set(attacks) | {"stalled"}, (
        f"still open after 180 s: {(set(attacks) | {'stalled'}) - set(closed)} (dribbled {dribbled})")
    assert received["head"] == b"" and dribbled["head"] >= 20, "cut while its head was still arriving, unanswered"
    assert received["body"] == b"" and dribbled["body"] >= 20, "cut while its body was still arriving, unanswered"
    assert received["idle"] == b"", "an idle connection is closed without an answer"
    assert closed["head"] < closed["body"] and closed["head"] < closed["idle"], f"the head's limit is the shortest: {closed}"

    # The oversized body was refused at once, before a byte of it was sent.
    status, headers, body = parse(received["huge"])
    problem = json.loads(body)
    assert status == 413 and headers["connection"] == "close" and problem["code"] == "too-large"
    assert "limited to 4096 bytes; this one announces 1099511627776 bytes" in problem["detail"]

    log = d.log_path.read_text()
    assert "request head not complete 10 s after its first byte" in log
    assert "request body not complete 60 s after its head" in log
    assert "its answer not read for 60 s" in log
    assert d.request("GET", "/v1/status").status == 200, "the daemon serves on"
