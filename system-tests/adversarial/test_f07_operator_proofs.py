"""Finding 7: an operator read custody events through `GET /v1/proofs?item=` (each
inclusion proof carries the event in full), which the role table forbids: only those
who may read the custody events may read their proofs.

Real users of a group database of the test's own (group_database.py), the daemon's
default configuration, the real socket.
"""

import json

from conftest import world_readable_tmp
from group_database import GroupDatabase, request_as, require_tools


def test_an_operator_cannot_read_custody_events_through_their_proofs(daemon_factory, tmp_path, public_tmp):
    require_tools()
    db = GroupDatabase(tmp_path / "etc")
    for g in ("custody-clients", "custody-operators", "custody-supervisors", "custody-auditors"):
        db.add_group(g)
    db.add_user("olga", groups=["custody-clients", "custody-operators"])
    db.add_user("audra", groups=["custody-clients", "custody-auditors"])
    d = daemon_factory(config="[control]\n", start=False, base=public_tmp)
    world_readable_tmp(d.root)
    d.start(wrapper=db.wrapper)
    (d.inbox / "statement.txt").write_text("the witness statement\n")
    job = d.request("POST", "/v1/jobs", {"path": str(d.inbox / "statement.txt")}).json()
    assert d.wait_job(job["id"])["stored"] == 1
    item = d.request("GET", "/v1/items").json()["items"][0]["id"]
    first = d.request("POST", "/v1/checkpoints").json()["treeSize"]
    d.request("POST", "/v1/jobs", {"path": str(d.inbox / "statement.txt")})
    second = d.request("POST", "/v1/checkpoints").json()["treeSize"]

    olga = db.setpriv("olga")
    for path in (f"/v1/proofs?item={item}", f"/v1/proofs?from={first}&to={second}"):
        reply = request_as(olga, d.socket, "GET", path)
        assert reply.get("status") == 403, f"an operator read {path}: {reply}"
        problem = json.loads(reply["body"])
        assert problem["code"] == "forbidden" and "needs one of: supervisor, auditor, admin" in problem["detail"]
        # The same operator is refused the events themselves, as before.
        assert request_as(olga, d.socket, "GET", f"/v1/events?item={item}")["status"] == 403

    audra = db.setpriv("audra")
    proofs = request_as(audra, d.socket, "GET", f"/v1/proofs?item={item}")
    assert proofs["status"] == 200
    assert any("item.store" in p["entry"] for p in json.loads(proofs["body"])["proofs"])
    assert request_as(audra, d.socket, "GET", f"/v1/proofs?from={first}&to={second}")["status"] == 200

    denied = [e for e in d.request("GET", "/v1/events?limit=10000").json()["events"]
              if e["action"] == "request.deny" and e["actor"]["uid"] == db.users["olga"]]
    assert denied and denied[0]["subject"] == "api:/v1/proofs", "the refusal is in the custody record"
