"""Finding 8, on the export abandon route: a refusal there was written as its own
`request.deny` event every time, past the accounting every other refusal goes through.

A real user who may export (an auditor) but did not make this export asks, on one
connection, hundreds of times to abandon another user's export: each is refused with
403 and the export stays whole; the ledger gains the first refusal of the minute at once
and one summary of the rest, every refusal is accounted for once the daemon stops, and
`verify` passes.
"""

import json
import sqlite3
import subprocess
import sys
import time

from conftest import world_readable_tmp

REQUESTS = 200

# Sends REQUESTS abandon requests on one keep-alive connection; prints the statuses.
FLOODER = r"""
import json, socket, sys
target, count = sys.argv[2], int(sys.argv[3])
body = json.dumps({"reason": "not mine"}).encode()
s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
s.settimeout(60)
s.connect(sys.argv[1])
statuses, buffered = [], b""
for i in range(count):
    s.sendall(("POST %s HTTP/1.1\r\nHost: custodyd\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n"
               % (target, len(body))).encode() + body)
    while b"\r\n\r\n" not in buffered:
        buffered += s.recv(65536)
    head, buffered = buffered.split(b"\r\n\r\n", 1)
    lines = head.decode().split("\r\n")
    length = int(next(l.split(":", 1)[1] for l in lines[1:] if l.lower().startswith("content-length")))
    while len(buffered) < length:
        buffered += s.recv(65536)
    buffered = buffered[length:]
    statuses.append(int(lines[0].split()[1]))
print(json.dumps(statuses))
"""


def refusals(db_path, uid):
    db = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True)
    rows = db.execute("SELECT action, subject, detail FROM events WHERE actor_uid = ? AND outcome = 'denied' ORDER BY seq",
                      (uid,)).fetchall()
    db.close()
    return [(a, s, json.loads(d)) for a, s, d in rows]


def test_a_flood_of_refused_abandons_is_accounted_for_like_every_refusal(daemon_factory):
    # nobody is an auditor here: a role that may export and abandon, but only its own exports.
    d = daemon_factory(config='[control]\nsocketGroup = "nogroup"\nauditorGroup = "nogroup"\n', start=False)
    world_readable_tmp(d.root)
    d.start()
    (d.inbox / "clip.mp4").write_bytes(b"evidence " * 4096)
    d.ctl_json("ingest", str(d.inbox / "clip.mp4"), "--wait")
    item = d.request("GET", "/v1/items").json()["items"][0]["id"]
    export = d.request("POST", "/v1/exports", {"items": [item]}).json()["exportId"]
    target = f"/v1/exports/{export}/abandon"

    started = time.time()
    out = subprocess.run(["setpriv", "--reuid=65534", "--regid=65534", "--init-groups", sys.executable, "-c", FLOODER,
                          str(d.socket), target, str(REQUESTS)], capture_output=True, text=True, timeout=600)
    assert out.returncode == 0, out.stderr
    assert json.loads(out.stdout) == [403] * REQUESTS
    minutes = int(time.time() // 60) - int(started // 60) + 1

    index = d.state / "index.sqlite"
    now = refusals(index, 65534)
    assert 1 <= len(now) <= 2 * minutes, f"{len(now)} ledger entries for {REQUESTS} refusals"
    first = now[0]
    assert first[0] == "request.deny" and first[1] == f"api:{target}" and first[2]["reason"] == "not the exporter", first
    assert not [e for e in d.request("GET", "/v1/events?subject=export&limit=10000").json()["events"]
                if e["action"] == "export.abandon"], "the export is not abandoned by another user"

    assert d.stop() == 0  # a graceful stop writes the pending summary
    recorded = refusals(index, 65534)
    alone = [r for r in recorded if r[0] == "request.deny"]
    summaries = [r for r in recorded if r[0] == "request.deny.summary"]
    assert len(alone) + sum(int(s[2]["count"]) for s in summaries) == REQUESTS, "every refusal accounted for"
    assert all(f"POST {target}" in s[2]["paths"] for s in summaries), summaries
    d.start()
    assert d.ctl_json("verify")["ok"]
