#!/usr/bin/env python3
"""Checks a Custody export bundle without Custody's code.

    python3 verify_export.py BUNDLE [--key VERIFIER-KEY] [--json]

BUNDLE is the export folder or its ZIP file. The checks, each explained in README.md:

  1. the checkpoint is signed by the station key (Ed25519, C2SP signed note);
  2. every custody event in the bundle is a leaf of that checkpoint's Merkle tree
     (RFC 9162 inclusion proof), and its leaf hash is SHA-256(0x00 || entry);
  3. every evidence file has the SHA-256 and size the manifest states, which are the
     ones recorded when the station first stored it (its proven item.store event);
  4. nothing listed is missing and nothing unlisted was added.

Needs Python 3.8+ and the `cryptography` package (Debian: python3-cryptography).
Exit status 0 when every check passes, 1 when any fails, 2 when the bundle cannot be read.
"""

import argparse
import base64
import hashlib
import json
import os
import sys
import zipfile

try:
    from cryptography.exceptions import InvalidSignature
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
except ImportError:  # pragma: no cover - explained to the user
    sys.exit("verify_export.py needs the 'cryptography' package: apt install python3-cryptography, or pip install cryptography")


class Bundle:
    """Read access to a bundle folder or ZIP file."""

    def __init__(self, path):
        self.path = path
        self.zip = zipfile.ZipFile(path) if os.path.isfile(path) else None
        if self.zip is None and not os.path.isdir(path):
            raise OSError(f"{path} is neither an export folder nor a ZIP file")

    def names(self):
        if self.zip:
            return {n for n in self.zip.namelist() if not n.endswith("/")}
        found = set()
        for root, _, files in os.walk(self.path):
            for f in files:
                found.add(os.path.relpath(os.path.join(root, f), self.path).replace(os.sep, "/"))
        return found

    def open(self, name):
        if self.zip:
            return self.zip.open(name)
        return open(os.path.join(self.path, *name.split("/")), "rb")

    def text(self, name):
        with self.open(name) as f:
            return f.read().decode("utf-8")

    def sha256(self, name):
        h, size = hashlib.sha256(), 0
        with self.open(name) as f:
            while True:
                chunk = f.read(1 << 20)
                if not chunk:
                    return h.hexdigest(), size
                h.update(chunk)
                size += len(chunk)


# RFC 9162 section 2.1: leaf = SHA-256(0x00 || entry), node = SHA-256(0x01 || left || right).

def leaf_hash(entry):
    return hashlib.sha256(b"\x00" + entry).digest()


def node_hash(left, right):
    return hashlib.sha256(b"\x01" + left + right).digest()


def verify_inclusion(index, size, leaf, path, root):
    """RFC 9162 section 2.1.3.2: does `path` prove `leaf` is leaf `index` of the tree of `size` with `root`?"""
    if index < 0 or index >= size:
        return False
    fn, sn, r = index, size - 1, leaf
    for p in path:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            r = node_hash(p, r)
            if not fn & 1:
                while not fn & 1 and fn != 0:
                    fn >>= 1
                    sn >>= 1
        else:
            r = node_hash(r, p)
        fn >>= 1
        sn >>= 1
    return sn == 0 and r == root


def parse_key(vkey):
    """A C2SP verifier key: name+keyhash+base64(0x01 || 32-byte Ed25519 public key)."""
    name, key_hash, key = vkey.strip().split("+", 2)
    raw = base64.b64decode(key)
    if len(raw) != 33 or raw[0] != 1:
        raise ValueError("not an Ed25519 verifier key")
    if hashlib.sha256(name.encode() + b"\n" + raw).digest()[:4].hex() != key_hash:
        raise ValueError("the key hash does not match the key")
    return name, bytes.fromhex(key_hash), Ed25519PublicKey.from_public_bytes(raw[1:])


def verify_checkpoint(note, vkey):
    """A C2SP signed note: body (origin, size, base64 root), a blank line, signature lines
    "— name base64(keyhash || signature)". Returns (origin, size, root)."""
    name, key_hash, public = parse_key(vkey)
    body, sep, signatures = note.partition("\n\n")
    if not sep:
        raise ValueError("no blank line between the checkpoint and its signature")
    body += "\n"
    prefix = "\u2014 " + name + " "
    for line in signatures.splitlines():
        if line.startswith(prefix):
            blob = base64.b64decode(line[len(prefix):])
            if blob[:4] == key_hash:
                try:
                    public.verify(blob[4:], body.encode())
                except InvalidSignature:
                    raise ValueError("the signature does not verify: the checkpoint was altered or signed with another key")
                origin, size, root = body.splitlines()[:3]
                if origin != name:
                    raise ValueError(f"the checkpoint is of {origin!r}, the key of {name!r}")
                return origin, int(size), base64.b64decode(root)
    raise ValueError(f"no signature by {name} in the checkpoint")


class Report:
    def __init__(self):
        self.results = []

    def check(self, ok, subject, message):
        self.results.append({"ok": bool(ok), "subject": subject, "message": message})
        return ok

    @property
    def ok(self):
        return all(r["ok"] for r in self.results)


def check_events(bundle, report, name, tree_size, root, events):
    """Every event's leaf hash and inclusion proof (one result per event); returns the
    parsed entries of those that verify."""
    proven = []
    for e in events:
        subject = f"{name} event {e.get('seq')}"
        entry = e["entry"].encode("utf-8")
        leaf = leaf_hash(entry)
        path = [base64.b64decode(p) for p in e["auditPath"]]
        parsed = json.loads(entry)
        if base64.b64encode(leaf).decode() != e["leafHash"]:
            report.check(False, subject, "the entry does not hash to its leaf hash: the event text was altered")
        elif not verify_inclusion(e["leafIndex"], tree_size, leaf, path, root):
            report.check(False, subject, "its inclusion proof does not lead to the signed root: the event is not the one the station recorded")
        elif parsed.get("seq") != e.get("seq"):
            report.check(False, subject, f"the entry is event {parsed.get('seq')}, not {e.get('seq')}")
        else:
            report.check(True, subject, f"{parsed['action']} by {parsed['actor']['name']} (uid {parsed['actor']['uid']}) at "
                                        f"{parsed['time']}: leaf {e['leafIndex']} of the {tree_size} signed")
            proven.append(parsed)
    return proven


def verify(path, vkey=None):
    bundle = Bundle(path)
    report = Report()
    names = bundle.names()
    manifest = json.loads(bundle.text("manifest.json"))
    bundled_key = bundle.text("station-key.txt").strip()
    if vkey is None:
        vkey = bundled_key
        report.check(True, "station key", "taken from the bundle itself (station-key.txt): compare it with the key the agency publishes, or pass --key")
    else:
        report.check(vkey.strip() == bundled_key, "station key", "the bundle's station-key.txt is the key given" if vkey.strip() == bundled_key
                     else "the bundle's station-key.txt differs from the key given; checking against the key given")

    # 1. The checkpoint.
    try:
        origin, tree_size, root = verify_checkpoint(bundle.text("checkpoint.txt"), vkey)
        report.check(True, "checkpoint", f"signed by {origin}: {tree_size} ledger entries, root {base64.b64encode(root).decode()}")
    except (ValueError, KeyError) as error:
        report.check(False, "checkpoint", str(error))
        return report
    cp = manifest["checkpoint"]
    report.check(cp["treeSize"] == tree_size and base64.b64decode(cp["rootHash"]) == root, "manifest",
                 "names the signed checkpoint" if cp["treeSize"] == tree_size and base64.b64decode(cp["rootHash"]) == root
                 else "names a different checkpoint than checkpoint.txt")

    # 2. The export event itself.
    export_doc = json.loads(bundle.text("custody/export.json"))
    proven = check_events(bundle, report, "export", tree_size, root, [export_doc])
    if proven:
        ev = proven[0]
        listed = sorted(f["sha256"] for f in manifest["files"])
        recorded = sorted(ev.get("detail", {}).get("sha256s", []))
        report.check(ev["action"] == "export.create" and ev["seq"] == manifest["exportId"], "export",
                     f"export {ev['seq']} by {ev['actor']['name']} (uid {ev['actor']['uid']}) at {ev['time']}"
                     if ev["action"] == "export.create" and ev["seq"] == manifest["exportId"] else "custody/export.json is not this export's event")
        report.check(listed == recorded, "export", "lists exactly the files the station recorded exporting" if listed == recorded
                     else "the manifest's files differ from those the station recorded exporting: a file was added or removed")

    # 3. Every file, against the manifest and its proven item.store event.
    sums = {}
    for line in bundle.text("SHA256SUMS").splitlines():
        digest, _, name = line.partition("  ")
        sums[name] = digest
    listed_paths = set()
    for f in manifest["files"]:
        subject = f["path"]
        listed_paths.add(f["path"])
        report.check(sums.get(f["path"]) == f["sha256"], subject, "SHA256SUMS agrees with the manifest" if sums.get(f["path"]) == f["sha256"]
                     else "SHA256SUMS and the manifest disagree")
        custody = json.loads(bundle.text(f["custody"]))
        events = check_events(bundle, report, f"item {f['item']}", tree_size, root, custody["events"])
        stores = [e for e in events if e["action"] == "item.store" and e["subject"] == f"item:{f['item']}"]
        stored = stores[0]["detail"] if stores else {}
        report.check(stored.get("sha256") == f["sha256"] and stored.get("size") == f["size"], subject,
                     f"recorded at ingest (event {stores[0]['seq']}) with this SHA-256 and size" if stores and stored.get("sha256") == f["sha256"]
                     and stored.get("size") == f["size"] else "no proven item.store event records this SHA-256 and size")
        if f["path"] not in names:
            report.check(False, subject, "the file is missing from the bundle")
            continue
        digest, size = bundle.sha256(f["path"])
        report.check(digest == f["sha256"] and size == f["size"], subject,
                     f"SHA-256 {digest} ({size} bytes) matches" if digest == f["sha256"] and size == f["size"]
                     else f"the file was changed: SHA-256 {digest} ({size} bytes), expected {f['sha256']} ({f['size']} bytes)")
    for extra in sorted(n for n in names if n.startswith("evidence/") and n not in listed_paths):
        report.check(False, extra, "this file is not in the manifest: it was added after the export")
    return report


def main():
    parser = argparse.ArgumentParser(description="Check a Custody export bundle (folder or ZIP) without Custody.")
    parser.add_argument("bundle")
    parser.add_argument("--key", help="the station's verifier key, obtained from the agency (default: the bundle's own station-key.txt)")
    parser.add_argument("--json", action="store_true", help="print the results as JSON")
    args = parser.parse_args()
    try:
        report = verify(args.bundle, args.key)
    except (OSError, KeyError, ValueError, zipfile.BadZipFile) as error:
        print(f"verify_export: cannot read {args.bundle}: {error}", file=sys.stderr)
        return 2
    if args.json:
        print(json.dumps({"ok": report.ok, "results": report.results}, indent=2, ensure_ascii=False))
    else:
        for r in report.results:
            print(("ok    " if r["ok"] else "FAIL  ") + r["subject"] + ": " + r["message"])
        failed = sum(1 for r in report.results if not r["ok"])
        print("\nALL CHECKS PASSED" if report.ok else f"\n{failed} CHECK(S) FAILED")
    return 0 if report.ok else 1


if __name__ == "__main__":
    sys.exit(main())
