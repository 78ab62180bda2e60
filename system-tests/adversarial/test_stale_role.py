"""Low: a role outlived its group membership on a long-lived connection (the caller's
roles were looked up once, when the connection was made).

A real user of a group database of the test's own (group_database.py) keeps one
connection open; between two requests on it, an administrator removes the user from
custody-operators (and later adds it to custody-supervisors). Each change holds from
the very next request on that same connection.
"""

import json
import subprocess
import sys

from conftest import world_readable_tmp
from group_database import GroupDatabase, require_tools

# Requests GET /v1/status on ONE connection, once per line read from stdin; prints
# each answer's status and caller roles (or detail) as a JSON line.
KEEP_ALIVE_CLIENT = r"""
import json, socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
s.settimeout(60)
s.connect(sys.argv[1])
buffered = b""
for _ in sys.stdin:
    s.sendall(b"GET /v1/status HTTP/1.1\r\nHost: custodyd\r\n\r\n")
    while b"\r\n\r\n" not in buffered:
        chunk = s.recv(65536)
        if not chunk:
            print(json.dumps({"closed": True}), flush=True)
            sys.exit(0)
        buffered += chunk
    head, buffered = buffered.split(b"\r\n\r\n", 1)
    lines = head.decode().split("\r\n")
    headers = {k.lower(): v.strip() for k, v in (l.split(":", 1) for l in lines[1:])}
    length = int(headers["content-length"])
    while len(buffered) < length:
        buffered += s.recv(65536)
    body, buffered = json.loads(buffered[:length]), buffered[length:]
    status = int(lines[0].split()[1])
    print(json.dumps({"status": status, "roles": body.get("caller", {}).get("roles"), "detail": body.get("detail"),
                      "connection": headers.get("connection")}), flush=True)
"""


def test_a_user_removed_from_a_group_loses_the_role_at_the_next_request_on_the_same_connection(daemon_factory, tmp_path, public_tmp):
    require_tools()
    db = GroupDatabase(tmp_path / "etc")
    for g in ("custody-clients", "custody-operators", "custody-supervisors", "custody-auditors"):
        db.add_group(g)
    db.add_user("olga", groups=["custody-clients", "custody-operators"])
    d = daemon_factory(config="[control]\n", start=False, base=public_tmp)
    world_readable_tmp(d.root)
    d.start(wrapper=db.wrapper)

    # The process keeps the groups it logged in with; only the daemon's lookup changes.
    client = subprocess.Popen([*db.setpriv("olga"), sys.executable, "-c", KEEP_ALIVE_CLIENT, str(d.socket)],
                              stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        def ask():
            client.stdin.write("\n")
            client.stdin.flush()
            return json.loads(client.stdout.readline())

        first = ask()
        assert first["status"] == 200 and first["roles"] == ["operator"] and first["connection"] == "keep-alive", first

        db.remove_member("custody-operators", "olga")
        second = ask()
        assert second.get("status") == 403, f"the role outlived the membership: {second}"
        assert "has no Custody role" in second["detail"]

        db.add_member("custody-supervisors", "olga")
        third = ask()
        assert third.get("status") == 200 and third["roles"] == ["supervisor"], third
    finally:
        client.stdin.close()
        client.wait(timeout=60)
