#!/usr/bin/env python3
"""An independent recomputation of a Custody ledger (the peer in bench-ledger.sh):
each event row's canonical bytes (RFC 8785: sorted keys, no whitespace, UTF-8),
its leaf hash, the comparison with the stored leaf, and the RFC 9162 root."""
import hashlib
import json
import sqlite3
import sys

db = sqlite3.connect(f"file:{sys.argv[1]}?mode=ro", uri=True)
stored = dict(db.execute("SELECT seq, leaf FROM ledger"))
leaves, bad = [], 0
for seq, time, uid, name, action, subject, outcome, detail in db.execute(
        "SELECT seq, time, actor_uid, actor_name, action, subject, outcome, detail FROM events ORDER BY seq"):
    entry = json.dumps({"seq": seq, "time": time, "actor": {"uid": uid, "name": name}, "action": action, "subject": subject,
                        "outcome": outcome, "detail": json.loads(detail)}, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    leaf = hashlib.sha256(b"\x00" + entry.encode()).digest()
    bad += leaf != stored.get(seq)
    leaves.append(leaf)


def root(level):
    # RFC 9162 MTH, bottom-up: pair complete subtrees left to right; the odd last one is carried up.
    if not level:
        return hashlib.sha256(b"").digest()
    while len(level) > 1:
        nxt = [hashlib.sha256(b"\x01" + level[i] + level[i + 1]).digest() for i in range(0, len(level) - 1, 2)]
        if len(level) % 2:
            nxt.append(level[-1])
        level = nxt
    return level[0]


print(f"{len(leaves)} leaves, {bad} differ from the ledger, root {root(leaves).hex()[:16]}…")
