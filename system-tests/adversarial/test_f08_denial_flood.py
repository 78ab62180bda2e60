"""Finding 8: every refused request was a durable ledger entry with the whole request
path as its subject, so a user with no role could grow the custody ledger by 80 KiB a
request, for ever.

A real user of the socket's group with no role (group_database.py) sends hundreds of
requests with paths of 79 KB on one connection: the ledger gains a handful of small
events (the first refusal of the minute at once, cut to 256 characters, then one
summary of the rest with their count), the fact of the refusals is never lost (not
even when the daemon is killed), every refusal is accounted for once the daemon stops,
and `verify` passes.
"""

import json
import signal
import sqlite3
import subprocess
import sys
import time

from conftest import world_readable_tmp
from group_database import GroupDatabase, require_tools

REQUESTS = 300
PATH_BYTES = 79_000

# Sends REQUESTS GETs with long paths on one keep-alive connection; prints the statuses.
FLOODER = r"""
import json, socket, sys
count, length = int(sys.argv[2]), int(sys.argv[3])
s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
s.settimeout(60)
s.connect(sys.argv[1])
statuses, buffered = [], b""
for i in range(count):
    path = "/v1/blobs/" + ("%06d" % i) + "a" * (length - 16)
    s.sendall(b"GET " + path.encode() + b" HTTP/1.1\r\nHost: custodyd\r\n\r\n")
    while b"\r\n\r\n" not in buffered:
        buffered += s.recv(65536)
    head, buffered = buffered.split(b"\r\n\r\n", 1)
    lines = head.decode().split("\r\n")
    length_ = int(next(l.split(":", 1)[1] for l in lines[1:] if l.lower().startswith("content-length")))
    while len(buffered) < length_:
        buffered += s.recv(65536)
    buffered = buffered[length_:]
    statuses.append(int(lines[0].split()[1]))
print(json.dumps(statuses))
"""


def refusals(db_path, uid):
    db = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True)
    rows = db.execute("SELECT action, subject, detail FROM events WHERE actor_uid = ? AND outcome = 'denied' ORDER BY seq",
                      (uid,)).fetchall()
    db.close()
    return [(a, s, json.loads(d)) for a, s, d in rows]


def flood(db, d, user):
    out = subprocess.run([*db.setpriv(user), sys.executable, "-c", FLOODER, str(d.socket), str(REQUESTS), str(PATH_BYTES)],
                         capture_output=True, text=True, timeout=600)
    assert out.returncode == 0, out.stderr
    statuses = json.loads(out.stdout)
    assert statuses == [403] * REQUESTS


def test_a_flood_of_long_denied_paths_leaves_the_ledger_small_and_every_refusal_accounted_for(daemon_factory, tmp_path, public_tmp):
    require_tools()
    db = GroupDatabase(tmp_path / "etc")
    for g in ("custody-clients", "custody-operators", "custody-supervisors", "custody-auditors"):
        db.add_group(g)
    mallory = db.add_user("mallory", groups=["custody-clients"])
    # The socket's group named, so that the same user connects to a daemon of any version.
    d = daemon_factory(config='[control]\nsocketGroup = "custody-clients"\n', start=False, base=public_tmp)
    world_readable_tmp(d.root)
    d.start(wrapper=db.wrapper)
    index = d.state / "index.sqlite"

    started = time.time()
    flood(db, d, "mallory")
    minutes = int(time.time() // 60) - int(started // 60) + 1

    # At once, durably: the first refusal of each minute, its path cut to 256 characters.
    now = refusals(index, mallory)
    assert 1 <= len(now) <= 2 * minutes, f"{len(now)} ledger entries for {REQUESTS} refusals"
    first = now[0]
    assert first[0] == "request.deny" and first[1].startswith("api:/v1/blobs/000000aaa") and first[1].endswith("…")
    assert len(first[1]) == len("api:") + 256 + 1 and first[2]["pathBytes"] == PATH_BYTES
    assert all(len(s) <= 300 and len(json.dumps(detail)) <= 2048 for _, s, detail in now)

    # Killed now, the refusals are still on record (the count of the minute's rest is what a kill may cost).
    d.kill()
    assert refusals(index, mallory)[0] == first
    d.start(wrapper=db.wrapper)
    flood(db, d, "mallory")
    assert d.stop() == 0  # a graceful stop writes the pending summary

    recorded = refusals(index, mallory)
    after_kill = recorded[len(now):]
    alone = [r for r in after_kill if r[0] == "request.deny"]
    summaries = [r for r in after_kill if r[0] == "request.deny.summary"]
    assert alone and summaries, after_kill
    assert len(alone) + sum(int(s[2]["count"]) for s in summaries) == REQUESTS, "every refusal accounted for"
    for _, subject, detail in summaries:
        assert subject == "api" and detail["firstAt"] <= detail["lastAt"]
        assert 1 <= len(detail["paths"]) <= 5 and all(len(p) <= len("GET ") + 257 for p in detail["paths"])
    stored = sum(len(s) + len(json.dumps(detail)) for _, s, detail in recorded)
    assert stored < 16 * 1024, f"{stored} bytes of refusals in the ledger for {2 * REQUESTS * PATH_BYTES} bytes of paths"

    d.start(wrapper=db.wrapper)
    verify = d.ctl("verify")
    assert verify.returncode == 0, verify.stdout + verify.stderr
