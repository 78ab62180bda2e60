#!/usr/bin/env python3
"""bench-tagging-client.py SOCKET SPEC.json [RUNS]

Times search requests through custodyd's control socket the way custodyctl makes
them: one connection per request, HTTP/1.1 with `Connection: close`, the whole JSON
answer read. Prints p50 and p99 (milliseconds) of:

  (a) one officer's items in a 7-day window     GET /v1/items?officer=B&from=T&to=T+7d
  (b) one hearing's items                        GET /v1/items?hearing=H
  (c) a text search (SQLite FTS5, trigram):      GET /v1/items?text=...
      c1: a note's words (a few matches), c2: an officer's name (thousands of matches)
"""

import datetime
import json
import random
import socket
import statistics
import sys
import time
from urllib.parse import quote

sock_path, spec_path = sys.argv[1], sys.argv[2]
runs = int(sys.argv[3]) if len(sys.argv) > 3 else 500
spec = json.load(open(spec_path, encoding="utf-8"))
rng = random.Random(7)
start = datetime.datetime.fromisoformat(spec["from"].replace("Z", "+00:00"))


def get(path):
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    t0 = time.perf_counter()
    s.connect(sock_path)
    s.sendall(f"GET {path} HTTP/1.1\r\nHost: custodyd\r\nUser-Agent: custodyctl\r\nAccept: application/json\r\n"
              "Connection: close\r\n\r\n".encode())
    chunks = []
    while True:
        b = s.recv(1 << 16)
        if not b:
            break
        chunks.append(b)
    elapsed = (time.perf_counter() - t0) * 1000
    s.close()
    reply = b"".join(chunks)
    head, _, body = reply.partition(b"\r\n\r\n")
    status = int(head.split(b" ", 2)[1])
    assert status == 200, f"{path}: {reply[:300]!r}"
    return elapsed, json.loads(body)


def window():
    t = start + datetime.timedelta(seconds=rng.randrange((spec["days"] - 7) * 86400))
    iso = lambda d: d.strftime("%Y-%m-%dT%H:%M:%SZ")
    return f"from={iso(t)}&to={iso(t + datetime.timedelta(days=7))}"


queries = {
    "a": lambda: f"/v1/items?officer={rng.choice(spec['officers'])}&{window()}",
    "b": lambda: f"/v1/items?hearing={rng.choice(spec['hearings'])}",
    "c1": lambda: "/v1/items?text=" + quote(rng.choice(spec["notes"])),
    "c2": lambda: "/v1/items?text=" + quote(rng.choice(spec["names"])),
}
labels = {
    "a": "(a) one officer's items, 7-day window",
    "b": "(b) one hearing's items",
    "c1": "(c) text search: a note's words",
    "c2": "(c) text search: an officer's name",
}
results = {}
for key, make in queries.items():
    for _ in range(min(50, runs)):  # warm the page cache and the daemon
        get(make())
    times, matches = [], []
    for _ in range(runs):
        ms, body = get(make())
        times.append(ms)
        matches.append(body["total"])
    times.sort()
    results[key] = {
        "p50": statistics.median(times), "p99": times[min(len(times) - 1, int(len(times) * 0.99))],
        "max": times[-1], "matches": statistics.median(matches), "runs": runs,
    }
    r = results[key]
    print(f"  {labels[key]:<42} p50 {r['p50']:7.2f} ms   p99 {r['p99']:7.2f} ms   max {r['max']:7.2f} ms"
          f"   (median {r['matches']:.0f} matches, first 100 returned; {runs} requests)")
json.dump(results, open(spec_path + ".results", "w"))
