"""Exports for court: written by custodyctl, checked by tools that are not Custody's —
sha256sum, the standalone verifier in tools/verify-export (Python + cryptography),
case_validate (PyPI case-utils) for the CASE/UCO document, and Python's zipfile and
unzip for the ZIP form. Tampering with a bundle is caught and named."""

import hashlib
import json
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from test_daemon import ingest

REPO = Path(__file__).resolve().parents[2]
VERIFIER = REPO / "tools" / "verify-export" / "verify_export.py"
CASE_VALIDATE = Path(os.environ.get("CASE_VALIDATE", REPO / ".build-venv" / "bin" / "case_validate"))


def card_with_names(root: Path):
    """Recordings with the names cameras and recorders give, Cyrillic included."""
    files = {
        "DCIM/100MEDIA/FILE0001.MP4": b"video one " * 5000,
        "DCIM/101MEDIA/FILE0001.MP4": b"video two " * 7000,
        "Саслушање_Доказ 7.wav": b"RIFF audio " * 300,
        "notes/empty.txt": b"",
    }
    for name, data in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_bytes(data)
    return files


def verifier(bundle, key=None):
    cmd = [sys.executable, str(VERIFIER), str(bundle), "--json"] + (["--key", key] if key else [])
    out = subprocess.run(cmd, capture_output=True, text=True, timeout=300)
    assert out.returncode in (0, 1), f"verifier could not run: {out.returncode}\n{out.stdout}\n{out.stderr}"
    return out.returncode, json.loads(out.stdout)


def failures(report):
    return [f"{r['subject']}: {r['message']}" for r in report["results"] if not r["ok"]]


@pytest.fixture
def exported(daemon, tmp_path):
    files = card_with_names(daemon.inbox / "card")
    ingest(daemon, daemon.inbox / "card")
    items = daemon.request("GET", "/v1/items?limit=100").json()["items"]
    assert len(items) == len(files)
    out = tmp_path / "bundle"
    summary = daemon.ctl_json("export", "--items", *[i["id"] for i in items], "--out", out, "--reason", "disclosure to the defence")
    key = daemon.ctl("ledger", "key", check=True).stdout.strip()
    return daemon, out, files, items, summary, key


def test_export_folder_is_complete_and_checks_with_independent_tools(exported):
    d, out, files, items, summary, key = exported
    assert summary["files"] == len(files) and summary["path"] == str(out)
    manifest = json.loads((out / "manifest.json").read_text())
    # Each file under its original name, byte for byte.
    by_original = {f["originalPath"]: f for f in manifest["files"]}
    assert set(by_original) == set(files)
    for original, data in files.items():
        f = by_original[original]
        assert f["path"] == f"evidence/{f['item']}/{original.split('/')[-1]}"
        assert (out / f["path"]).read_bytes() == data
        assert f["sha256"] == hashlib.sha256(data).hexdigest()
    # sha256sum -c, run by the tool itself.
    check = subprocess.run(["sha256sum", "-c", "SHA256SUMS"], cwd=out, capture_output=True, text=True)
    assert check.returncode == 0, check.stdout + check.stderr
    assert check.stdout.count(": OK") == len(files)
    # The independent verifier, with the key obtained from the station (not the bundle).
    code, report = verifier(out, key)
    assert code == 0 and report["ok"], failures(report)
    assert any("export" == r["subject"] and "by root" in r["message"] for r in report["results"])
    # CASE/UCO: the JSON-LD validates against the CASE ontology's SHACL shapes.
    assert CASE_VALIDATE.exists(), f"{CASE_VALIDATE} missing: run scripts/install-deps.sh"
    case = subprocess.run([str(CASE_VALIDATE), str(out / "case-uco.jsonld")], capture_output=True, text=True, timeout=600)
    assert case.returncode == 0 and "Conforms: True" in case.stdout, case.stdout[-3000:] + case.stderr[-2000:]
    graph = json.loads((out / "case-uco.jsonld").read_text())["@graph"]
    hashes = {n["uco-types:hashValue"]["@value"] for node in graph for facet in node.get("uco-core:hasFacet", [])
              for n in facet.get("uco-observable:hash", [])}
    assert hashes == {f["sha256"] for f in manifest["files"]}
    actions = [n for n in graph if n["@type"] == "case-investigation:InvestigativeAction"]
    assert {a["uco-core:name"] for a in actions} >= {"item.store", "item.export", "export.create"}
    # The README says how to check it, with the station's key.
    readme = (out / "README.txt").read_text()
    assert "sha256sum -c SHA256SUMS" in readme and key in readme
    # The export is a custody event, signed into the ledger, and the store still verifies.
    events = d.request(f"GET", f"/v1/events?subject=export").json()["events"]
    assert [e["action"] for e in events] == ["export.create"] and events[0]["seq"] == summary["exportId"]
    assert events[0]["detail"]["reason"] == "disclosure to the defence"
    assert sorted(events[0]["detail"]["items"]) == sorted(i["id"] for i in items)
    for i in items:
        item_events = d.request("GET", f"/v1/events?subject=item:{i['id']}").json()["events"]
        assert any(e["action"] == "item.export" and e["detail"]["export"] == summary["exportId"] for e in item_events)
    assert manifest["checkpoint"]["treeSize"] > summary["exportId"]
    assert d.ctl_json("verify", "--full")["ok"]


def test_zip_export_checks_with_zipfile_unzip_and_the_verifier(daemon, tmp_path):
    files = card_with_names(daemon.inbox / "card")
    ingest(daemon, daemon.inbox / "card")
    ids = [i["id"] for i in daemon.request("GET", "/v1/items?limit=100").json()["items"]]
    out = tmp_path / "case-bundle"
    summary = daemon.ctl_json("export", "--items", *ids, "--out", out, "--zip")
    zpath = Path(summary["path"])
    assert zpath == tmp_path / "case-bundle.zip" and not out.exists()
    assert not [p for p in tmp_path.iterdir() if ".partial" in p.name], "no staging file is left behind"
    with zipfile.ZipFile(zpath) as z:
        assert z.testzip() is None, "every entry's CRC-32 checks"
        names = z.namelist()
        manifest = json.loads(z.read("manifest.json"))
        for f in manifest["files"]:
            assert z.read(f["path"]) == files[f["originalPath"]]
    assert any("Саслушање_Доказ 7.wav" in n for n in names), "UTF-8 names survive"
    test = subprocess.run(["unzip", "-t", str(zpath)], capture_output=True, text=True)
    assert test.returncode == 0 and "No errors detected" in test.stdout, test.stdout + test.stderr
    code, report = verifier(zpath)
    assert code == 0 and report["ok"], failures(report)
    assert any(r["subject"] == "station key" and "taken from the bundle" in r["message"] for r in report["results"])


def test_tampering_with_an_export_is_caught_and_named(exported, tmp_path):
    d, out, files, items, summary, key = exported
    manifest = json.loads((out / "manifest.json").read_text())
    first = manifest["files"][0]

    def copy(name):
        target = tmp_path / name
        shutil.copytree(out, target)
        return target

    # One byte of a recording changed.
    b = copy("byte")
    data = bytearray((b / first["path"]).read_bytes())
    data[len(data) // 2] ^= 0x01
    (b / first["path"]).write_bytes(bytes(data))
    code, report = verifier(b, key)
    assert code == 1 and any(first["path"] in f and "was changed" in f for f in failures(report)), failures(report)
    assert subprocess.run(["sha256sum", "-c", "--quiet", "SHA256SUMS"], cwd=b, capture_output=True).returncode != 0

    # A recording removed from the bundle.
    r = copy("removed")
    (r / first["path"]).unlink()
    code, report = verifier(r, key)
    assert code == 1 and any(first["path"] in f and "missing" in f for f in failures(report)), failures(report)

    # A recording added that the station never exported.
    a = copy("added")
    (a / "evidence" / "999").mkdir()
    (a / "evidence" / "999" / "planted.mp4").write_bytes(b"planted")
    code, report = verifier(a, key)
    assert code == 1 and any("planted.mp4" in f and "not in the manifest" in f for f in failures(report)), failures(report)

    # A custody event rewritten (the performer changed), and the manifest's hash
    # replaced to match a substituted file: both contradict the signed ledger.
    e = copy("event")
    custody_path = e / first["custody"]
    custody = json.loads(custody_path.read_text())
    custody["events"][0]["entry"] = custody["events"][0]["entry"].replace('"name":"root"', '"name":"someone"')
    custody_path.write_text(json.dumps(custody))
    code, report = verifier(e, key)
    assert code == 1 and any("does not hash to its leaf hash" in f for f in failures(report)), failures(report)

    s = copy("substituted")
    (s / first["path"]).write_bytes(b"a different recording")
    fake = hashlib.sha256(b"a different recording").hexdigest()
    m = json.loads((s / "manifest.json").read_text())
    m["files"][0]["sha256"], m["files"][0]["size"] = fake, len(b"a different recording")
    (s / "manifest.json").write_text(json.dumps(m))
    (s / "SHA256SUMS").write_text((s / "SHA256SUMS").read_text().replace(first["sha256"], fake))
    code, report = verifier(s, key)
    found = failures(report)
    assert code == 1 and any(first["path"] in f and "no proven item.store event" in f for f in found), found
    assert any("differ from those the station recorded exporting" in f for f in found), found

    # The checkpoint's root altered: its signature no longer verifies.
    c = copy("checkpoint")
    note = (c / "checkpoint.txt").read_text().splitlines(keepends=True)
    note[2] = ("A" if note[2][0] != "A" else "B") + note[2][1:]
    (c / "checkpoint.txt").write_text("".join(note))
    code, report = verifier(c, key)
    assert code == 1 and any(f.startswith("checkpoint:") and "signature does not verify" in f for f in failures(report)), failures(report)

    # Checked against another station's key.
    other = key.split("+")[0] + "+00000000+" + "AQ" + "A" * 42 + "="
    code, report = verifier(out, other)
    assert code == 1


def test_export_errors_name_the_problem_and_write_nothing(daemon, tmp_path):
    card_with_names(daemon.inbox / "card")
    ingest(daemon, daemon.inbox / "card")
    before = daemon.request("GET", "/v1/ledger").json()["treeSize"]
    # An unknown item: nothing recorded, nothing written.
    r = daemon.ctl("export", "--items", "1", "999", "--out", tmp_path / "x")
    assert r.returncode == 1 and "no item 999" in r.stderr and not (tmp_path / "x").exists()
    # No selection, or two: a usage error.
    assert daemon.ctl("export", "--out", tmp_path / "y").returncode == 2
    assert daemon.ctl("export", "--items", "1", "--case", "K-1", "--out", tmp_path / "y").returncode == 2
    # A case with no items.
    r = daemon.ctl("export", "--case", "K-NONE", "--out", tmp_path / "z")
    assert r.returncode == 1 and "no items are tagged to case K-NONE" in r.stderr
    # An existing destination is refused before anything is recorded.
    (tmp_path / "exists").mkdir()
    r = daemon.ctl("export", "--items", "1", "--out", tmp_path / "exists")
    assert r.returncode == 1 and "already exists" in r.stderr
    assert daemon.request("GET", "/v1/ledger").json()["treeSize"] == before, "no export was recorded"
    # Files are handed out for an export only, to its maker, and only those it holds.
    sha = daemon.request("GET", "/v1/items/1").json()["sha256"]
    assert daemon.request("GET", f"/v1/blobs/{sha}").status == 400
    assert daemon.request("GET", f"/v1/blobs/{sha}?export=1").status == 404, "event 1 is not an export"
    made = daemon.request("POST", "/v1/exports", {"items": [2]}).json()
    assert daemon.request("GET", f"/v1/blobs/{sha}?export={made['exportId']}").status == 404, "item 1 is not in it"
    mine = daemon.request("GET", f"/v1/blobs/{made['files'][0]['sha256']}?export={made['exportId']}")
    assert mine.status == 200 and hashlib.sha256(mine.body).hexdigest() == made["files"][0]["sha256"]
