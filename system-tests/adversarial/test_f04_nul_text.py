"""Finding 4: text a custody record cannot keep whole (NUL, unpaired surrogates) must never
reach it. SQLite stores text cut at U+0000 while the ledger leaf was hashed from the whole
string, so one such event made every later `verify` report "event row altered".

Attacks against the real daemon over its real socket: a user with no role asks for
`/v1/blobs/%00tail`; NULs and lone surrogates in JSON bodies and an import; a FAT card
whose long names hold control characters and a lone surrogate. Each is refused with a
400 naming where the bad text was, or (for evidence on a card) kept faithfully escaped,
and `verify` stays green."""

import hashlib
import json
import os
import pwd
import subprocess
import sys

from conftest import world_readable_tmp

RAW_REQUEST = r"""
import socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
s.connect(sys.argv[1])
s.sendall(sys.argv[2].encode("latin-1"))
data = b""
while True:
    chunk = s.recv(65536)
    if not chunk:
        break
    data += chunk
sys.stdout.buffer.write(data)
"""


def raw_request_as(d, user, method, target):
    """One request exactly as written (no client-side normalising), as another Unix user."""
    pw = pwd.getpwnam(user)
    request = f"{method} {target} HTTP/1.1\r\nHost: custodyd\r\nConnection: close\r\nContent-Length: 0\r\n\r\n"
    out = subprocess.run(["setpriv", f"--reuid={pw.pw_uid}", f"--regid={pw.pw_gid}", "--init-groups",
                          "/usr/bin/python3", "-c", RAW_REQUEST, str(d.socket), request],
                         capture_output=True, timeout=60, check=True).stdout
    head, _, body = out.partition(b"\r\n\r\n")
    return int(head.split(b" ")[1]), body


def verify_green(d):
    report = d.ctl_json("verify")
    assert report["ok"], report["problems"][:3]
    return report


def test_a_nul_in_a_request_path_from_a_user_with_no_role_leaves_verify_green(daemon_factory):
    d = daemon_factory(config='[control]\nsocketGroup = "nogroup"\n', start=False)
    (d.inbox / "card").mkdir()
    (d.inbox / "card" / "clip.mp4").write_bytes(b"evidence " * 1000)
    world_readable_tmp(d.root)
    d.start()
    d.ctl_json("ingest", str(d.inbox / "card"), "--wait")
    before = d.request("GET", "/v1/ledger").json()["treeSize"]
    status, body = raw_request_as(d, "nobody", "GET", "/v1/blobs/%00tail")
    problem = json.loads(body)
    assert status == 400, (status, problem)
    assert "request path" in problem["detail"] and "U+0000" in problem["detail"], problem
    # Asked again and again, the record stays verifiable.
    for target in ["/v1/blobs/%00", "/v1/items?text=%00", "/v1/status%00", "/v1/items/%ed%a0%80"]:
        status, _ = raw_request_as(d, "nobody", "GET", target)
        assert status == 400, target
    verify_green(d)
    # A refused request of the ordinary kind is still recorded, and still verifies.
    status, _ = raw_request_as(d, "nobody", "GET", "/v1/blobs/tail")
    assert status == 403
    assert d.request("GET", "/v1/ledger").json()["treeSize"] > before
    verify_green(d)


def test_nul_and_lone_surrogates_in_json_bodies_are_refused_naming_the_field(daemon):
    d = daemon
    (d.inbox / "card").mkdir()
    (d.inbox / "card" / "clip.mp4").write_bytes(b"evidence " * 1000)
    item = d.ctl_json("ingest", str(d.inbox / "card"), "--wait")
    assert item["stored"] == 1
    before = d.request("GET", "/v1/ledger").json()["treeSize"]
    cases = [
        ("POST", "/v1/jobs", '{"path": "%s/card\\u0000/x"}' % d.inbox, 'field "path"', "U+0000"),
        ("POST", "/v1/jobs", '{"path": "%s/\\ud800card"}' % d.inbox, 'field "path"', "unpaired surrogate"),
        ("POST", "/v1/tags", '{"item": 1, "note": "seen\\u0000hidden"}', 'field "note"', "U+0000"),
        ("POST", "/v1/tags", '{"item": 1, "note": "lone \\udfff"}', 'field "note"', "unpaired surrogate"),
        ("POST", "/v1/imports", '{"kind": "officers", "name": "o.csv", "content": "badge,name,unit\\nB-1,A\\u0000B,North\\n"}',
         'field "content"', "U+0000"),
        ("POST", "/v1/exports", '{"items": [1], "reason": "for\\u0000court"}', 'field "reason"', "U+0000"),
        ("POST", "/v1/checkouts", '{"device": "BWC\\u0000-1", "officer": "B-1"}', 'field "device"', "U+0000"),
    ]
    for method, path, body, names, what in cases:
        reply = d.request(method, path, body=body.encode())
        assert reply.status == 400, (path, body, reply.status, reply.body)
        detail = reply.json()["detail"]
        assert names in detail and what in detail, (path, detail)
    # Raw bytes that are not UTF-8 inside a JSON string.
    reply = d.request("POST", "/v1/jobs", body=b'{"path": "' + bytes(str(d.inbox), "utf-8") + b'/\xff\xfe"}')
    assert reply.status == 400 and 'field "path"' in reply.json()["detail"] and "UTF-8" in reply.json()["detail"]
    # Nothing of them was recorded, nothing started, and the record verifies.
    assert d.request("GET", "/v1/ledger").json()["treeSize"] == before
    assert len(d.request("GET", "/v1/jobs").json()["jobs"]) == 1
    verify_green(d)


def test_a_nul_in_an_imported_csv_is_refused_naming_line_and_column(daemon):
    d = daemon
    import base64
    csv = b"badge,name,unit\nB-1,Ana,North\nB-2,Bo\x00b,South\n"
    reply = d.request("POST", "/v1/imports", {"kind": "officers", "name": "officers.csv",
                                              "contentBase64": base64.b64encode(csv).decode()})
    assert reply.status == 422, (reply.status, reply.body)
    errors = reply.json()["errors"]
    assert any(e["line"] == 3 and e["field"] == "name" and "U+0000" in e["message"] for e in errors), errors
    assert d.request("GET", "/v1/officers").json()["officers"] == [], "nothing of the file was imported"
    ics = (b"BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nUID:H-1\r\nSUMMARY:Hearing\x00 one\r\nDTSTART:20260316T090000Z\r\n"
           b"DTEND:20260316T100000Z\r\nLOCATION:CR1\r\nX-CUSTODY-CASE:K-1\r\nX-CUSTODY-JUDGE:Judge A\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n")
    reply = d.request("POST", "/v1/imports", {"kind": "hearings", "name": "hearings.ics",
                                              "contentBase64": base64.b64encode(ics).decode()})
    assert reply.status == 422, (reply.status, reply.body)
    assert any(e["line"] == 4 and e["field"] == "SUMMARY" and "U+0000" in e["message"] for e in reply.json()["errors"])
    verify_green(d)


# A FAT card whose long names hold what no ordinary tool writes: made with mkfs.fat and
# mcopy, then the placeholder characters of the long-name entries are patched (a VFAT
# long name's checksum covers the short name only, so the entries stay valid).
PLACEHOLDERS = {ord("{"): 0x001B, ord("}"): 0x202E, ord("^"): 0xD800, ord("`"): 0x0007}


def patch_long_names(image: bytes) -> bytes:
    data = bytearray(image)
    positions = [1, 3, 5, 7, 9, 14, 16, 18, 20, 22, 24, 28, 30]
    for entry in range(0, len(data) - 31, 32):
        if data[entry + 11] == 0x0F and data[entry + 12] == 0 and data[entry + 26:entry + 28] == b"\0\0" \
                and data[entry] not in (0x00, 0xE5) and data[entry] & 0x1F:
            for p in positions:
                unit = int.from_bytes(data[entry + p:entry + p + 2], "little")
                if unit in PLACEHOLDERS:
                    data[entry + p:entry + p + 2] = PLACEHOLDERS[unit].to_bytes(2, "little")
    return bytes(data)


def expected_name(placeholder_name: str) -> str:
    """The name Custody keeps: controls as they are, a lone surrogate escaped \\u{D800}."""
    out = ""
    for c in placeholder_name:
        unit = PLACEHOLDERS.get(ord(c), ord(c))
        out += "\\u{D800}" if unit == 0xD800 else chr(unit)
    return out


def test_a_fat_card_with_control_characters_and_a_lone_surrogate_in_names_is_ingested_faithfully(daemon, tmp_path):
    d = daemon
    names = {
        "evidence {[2J{]0;owned`clip one.mp4": b"first clip " * 4000,
        "statement of the witness }gpj.exe.mp4": b"second clip " * 3000,
        "broken ^ surrogate in this name.wav": b"RIFF audio " * 2000,
        "plain long name for comparison.mp4": b"plain " * 5000,
    }
    src = tmp_path / "src"
    src.mkdir()
    image = d.inbox / "card.img"
    subprocess.run(["mkfs.fat", "-C", "-F", "16", "-n", "CARD", str(image), "16384"], check=True, capture_output=True)
    for i, (name, data) in enumerate(names.items()):
        (src / f"f{i}").write_bytes(data)
        subprocess.run(["mcopy", "-i", str(image), str(src / f"f{i}"), f"::{name}"], check=True, capture_output=True)
    image.write_bytes(patch_long_names(image.read_bytes()))
    job = d.ctl_json("ingest", "--image", str(image), "--wait")
    assert job["state"] == "completed" and job["stored"] == len(names) and job["failed"] == 0, job
    items = d.request("GET", "/v1/items?limit=100").json()["items"]
    by_path = {i["source"]["path"]: i for i in items}
    for name, data in names.items():
        kept = expected_name(name)
        assert kept in by_path, (kept, sorted(by_path))
        assert by_path[kept]["sha256"] == hashlib.sha256(data).hexdigest(), "the bytes are the file's"
    assert not any("\ufffd" in p or "\0" in p for p in by_path), "nothing replaced, nothing cut"
    # The lone surrogate is noted as a name FAT forbids, and the name stays reversible.
    events = d.request("GET", "/v1/events?limit=10000").json()["events"]
    assert any("surrogate" in json.dumps(e["detail"]) for e in events if e["action"] == "job.create"), "the volume's problem is noted"
    verify_green(d)
    assert d.ctl_json("verify", "--full")["ok"]
