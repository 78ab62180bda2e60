"""The ledger's proofs, checked by an independent implementation: RFC 9162's
verification algorithms written here in Python (hashlib), and the checkpoint's
Ed25519 signature checked with the `cryptography` package — none of Custody's code."""

import base64
import hashlib
import json

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from test_daemon import ingest, make_files


def node(left, right):
    return hashlib.sha256(b"\x01" + left + right).digest()


def verify_inclusion(index, size, leaf, path, root):
    """RFC 9162 2.1.3.2."""
    if index >= size:
        return False
    fn, sn, r = index, size - 1, leaf
    for p in path:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            r = node(p, r)
            if not fn & 1:
                while not fn & 1 and fn != 0:
                    fn >>= 1
                    sn >>= 1
        else:
            r = node(r, p)
        fn >>= 1
        sn >>= 1
    return sn == 0 and r == root


def verify_consistency(m, n, old_root, new_root, proof):
    """RFC 9162 2.1.4.2."""
    if m == n:
        return not proof and old_root == new_root
    path = list(proof)
    if m & (m - 1) == 0:
        path.insert(0, old_root)
    fn, sn = m - 1, n - 1
    while fn & 1:
        fn >>= 1
        sn >>= 1
    fr = sr = path[0]
    for c in path[1:]:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            fr, sr = node(c, fr), node(c, sr)
            if not fn & 1:
                while not fn & 1 and fn != 0:
                    fn >>= 1
                    sn >>= 1
        else:
            sr = node(sr, c)
        fn >>= 1
        sn >>= 1
    return sn == 0 and fr == old_root and sr == new_root


def verify_note(note, vkey):
    """C2SP signed note with an Ed25519 verifier key `name+hash+base64(0x01 ‖ key)`."""
    name, key_hash, key = vkey.split("+", 2)
    raw = base64.b64decode(key)
    assert raw[0] == 1 and len(raw) == 33
    assert hashlib.sha256(name.encode() + b"\n" + raw).digest()[:4].hex() == key_hash
    body, _, signatures = note.partition("\n\n")
    body += "\n"
    public = Ed25519PublicKey.from_public_bytes(raw[1:])
    for line in signatures.splitlines():
        prefix = "\u2014 " + name + " "
        if line.startswith(prefix):
            blob = base64.b64decode(line[len(prefix):])
            if blob[:4].hex() == key_hash:
                public.verify(blob[4:], body.encode())  # raises InvalidSignature
                origin, size, root = body.splitlines()[:3]
                return origin, int(size), base64.b64decode(root)
    raise AssertionError("no signature by " + name)


def test_item_inclusion_proofs_and_checkpoint_verify_independently(daemon):
    make_files(daemon.inbox / "card", 4, 20_000)
    ingest(daemon, daemon.inbox / "card")
    vkey = daemon.ctl("ledger", "key", check=True).stdout.strip()
    proofs = daemon.ctl_json("ledger", "prove", "2")
    origin, size, root = verify_note(proofs["checkpoint"]["note"], vkey)
    assert size == proofs["checkpoint"]["treeSize"] and root == base64.b64decode(proofs["checkpoint"]["rootHash"])
    assert proofs["proofs"], "item 2 has events"
    for p in proofs["proofs"]:
        entry = p["entry"].encode()
        leaf = hashlib.sha256(b"\x00" + entry).digest()
        assert base64.b64encode(leaf).decode() == p["leafHash"]
        event = json.loads(entry)
        assert event["subject"] == "item:2" and event["seq"] == p["seq"]
        assert entry == json.dumps(event, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode(), "canonical form"
        path = [base64.b64decode(h) for h in p["auditPath"]]
        assert verify_inclusion(p["leafIndex"], size, leaf, path, root)
        # Any change to the entry or the path breaks it.
        assert not verify_inclusion(p["leafIndex"], size, hashlib.sha256(b"\x00" + entry + b" ").digest(), path, root)
        if path:
            bad = list(path)
            bad[-1] = bytes([bad[-1][0] ^ 1]) + bad[-1][1:]
            assert not verify_inclusion(p["leafIndex"], size, leaf, bad, root)
    stored = [e for e in daemon.request("GET", "/v1/events?subject=item:2").json()["events"] if e["action"] == "item.store"]
    assert stored and stored[0]["detail"]["sha256"] in proofs["proofs"][0]["entry"]


def test_consistency_between_checkpoints_verifies_independently(daemon):
    make_files(daemon.inbox / "a", 3, 5_000)
    ingest(daemon, daemon.inbox / "a")
    first = json.loads(daemon.ctl("--json", "ledger", "checkpoint", check=True).stdout)
    make_files(daemon.inbox / "b", 5, 5_000, seed=9)
    ingest(daemon, daemon.inbox / "b")
    second = json.loads(daemon.ctl("--json", "ledger", "checkpoint", check=True).stdout)
    vkey = daemon.ctl("ledger", "key", check=True).stdout.strip()
    _, m, old_root = verify_note(first["note"], vkey)
    _, n, new_root = verify_note(second["note"], vkey)
    proof = daemon.ctl_json("ledger", "consistency", str(m), str(n))
    hashes = [base64.b64decode(h) for h in proof["proof"]]
    assert m < n and verify_consistency(m, n, old_root, new_root, hashes)
    assert not verify_consistency(m, n, new_root, new_root, hashes)
    # A note whose tree size was edited no longer verifies.
    forged = first["note"].replace(f"\n{m}\n", f"\n{m + 1}\n", 1)
    try:
        verify_note(forged, vkey)
        raise AssertionError("an edited checkpoint verified")
    except InvalidSignature:
        pass
