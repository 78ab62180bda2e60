"""Finding 2: the control socket's group was the operators' role group, so a user
who should only audit could not connect at all, and the documented way round it
(joining custody-operators) made every auditor an operator.

With the daemon's default configuration and real users and groups (a group
database of the test's own, see group_database.py): the socket belongs to
`custody-clients`, which lets a user connect and grants nothing; the role comes from
the role group alone.
"""

import json
import stat

from conftest import world_readable_tmp
from group_database import GroupDatabase, request_as, require_tools

# The [control] table as shipped: every key at its default.
DEFAULT_CONTROL = "[control]\n"


def roles_of(reply):
    assert reply.get("status") == 200, reply
    return json.loads(reply["body"])["caller"]["roles"]


def test_an_auditor_only_user_connects_through_the_socket_group_and_is_only_an_auditor(daemon_factory, tmp_path, public_tmp):
    require_tools()
    db = GroupDatabase(tmp_path / "etc")
    for g in ("custody-clients", "custody-operators", "custody-supervisors", "custody-auditors"):
        db.add_group(g)
    db.add_user("audra", groups=["custody-clients", "custody-auditors"])
    db.add_user("olga", groups=["custody-clients", "custody-operators"])
    db.add_user("cleo", groups=["custody-clients"])
    db.add_user("ada", groups=["custody-auditors"])
    d = daemon_factory(config=DEFAULT_CONTROL, start=False, base=public_tmp)
    world_readable_tmp(d.root)
    d.start(wrapper=db.wrapper)

    st = d.socket.stat()
    assert st.st_gid == db.groups["custody-clients"], "the socket belongs to the connect-only group by default"
    assert stat.S_IMODE(st.st_mode) == 0o660

    # An auditor connects and audits; it never becomes an operator.
    audra = db.setpriv("audra")
    assert roles_of(request_as(audra, d.socket, "GET", "/v1/status")) == ["auditor"]
    assert request_as(audra, d.socket, "GET", "/v1/events")["status"] == 200
    assert request_as(audra, d.socket, "GET", "/metrics")["status"] == 200
    ingest = request_as(audra, d.socket, "POST", "/v1/jobs", {"path": str(d.inbox)})
    assert ingest["status"] == 403 and "needs one of: operator, supervisor, admin" in json.loads(ingest["body"])["detail"]

    # An operator is only an operator: membership of the socket's group adds nothing.
    olga = db.setpriv("olga")
    assert roles_of(request_as(olga, d.socket, "GET", "/v1/status")) == ["operator"]
    assert request_as(olga, d.socket, "GET", "/v1/events")["status"] == 403

    # The socket's group alone: connected, and refused everything.
    cleo = request_as(db.setpriv("cleo"), d.socket, "GET", "/v1/status")
    assert cleo["status"] == 403 and "has no Custody role" in json.loads(cleo["body"])["detail"]

    # A role without the socket's group: the kernel refuses the connection itself.
    ada = request_as(db.setpriv("ada"), d.socket, "GET", "/v1/status")
    assert ada.get("error") == "PermissionError", ada
