"""A group database of the test's own for one custodyd, and clients that connect as
its users.

The daemon runs in a mount namespace of its own (`unshare --mount`) in which a copy
of /etc/passwd and /etc/group is bind-mounted over the system's: the test adds real
users and groups (with the names the daemon uses by default) and changes their
memberships while the daemon runs, and the machine's own files never change. The
daemon reads that database through the C library (getpwuid_r, getgrouplist), exactly
as it reads the system's.

A client runs as one of those users through `setpriv`, with the groups a login would
give it (its primary group and every group it is a member of), so that the kernel
checks the socket's permissions against them.
"""

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

# Numeric ids for the test's users and groups, above those of any real account here.
FIRST_ID = 61000


def require_tools():
    if os.geteuid() != 0:
        pytest.skip("needs root: a private mount namespace, and clients of other uids")
    for tool in ("unshare", "setpriv", "mount"):
        if not shutil.which(tool):
            pytest.skip(f"needs {tool} (util-linux)")


class GroupDatabase:
    def __init__(self, root: Path):
        root.mkdir(parents=True, exist_ok=True)
        self.passwd = root / "passwd"
        self.group = root / "group"
        shutil.copyfile("/etc/passwd", self.passwd)
        shutil.copyfile("/etc/group", self.group)
        os.chmod(self.passwd, 0o644)
        os.chmod(self.group, 0o644)
        used = {int(l.split(":")[2]) for f in (self.passwd, self.group) for l in f.read_text().splitlines() if l.count(":") >= 3}
        self._next = max([FIRST_ID - 1] + [i for i in used if i < 65534]) + 1
        self.users = {}   # name -> uid
        self.groups = {}  # name -> gid

    def _id(self):
        n = self._next
        self._next += 1
        return n

    def _rows(self, path):
        return [l.split(":") for l in path.read_text().splitlines() if l]

    def _write(self, path, rows):
        # In place (same inode), so the bind mount in the daemon's namespace sees it.
        with open(path, "r+") as f:
            f.seek(0)
            f.write("".join(":".join(r) + "\n" for r in rows))
            f.truncate()

    def add_group(self, name):
        gid = self._id()
        with open(self.group, "a") as f:
            f.write(f"{name}:x:{gid}:\n")
        self.groups[name] = gid
        return gid

    def add_user(self, name, groups=()):
        """A user with a primary group of its own name and these supplementary groups."""
        uid = self._id()
        gid = self.add_group(name)
        with open(self.passwd, "a") as f:
            f.write(f"{name}:x:{uid}:{gid}:{name}:/nonexistent:/usr/sbin/nologin\n")
        self.users[name] = uid
        for g in groups:
            self.add_member(g, name)
        return uid

    def members(self, group):
        for r in self._rows(self.group):
            if r[0] == group:
                return [m for m in r[3].split(",") if m]
        raise KeyError(group)

    def add_member(self, group, user):
        rows = self._rows(self.group)
        for r in rows:
            if r[0] == group and user not in r[3].split(","):
                r[3] = ",".join([m for m in r[3].split(",") if m] + [user])
        self._write(self.group, rows)

    def remove_member(self, group, user):
        rows = self._rows(self.group)
        for r in rows:
            if r[0] == group:
                r[3] = ",".join(m for m in r[3].split(",") if m and m != user)
        self._write(self.group, rows)

    def login_groups(self, user):
        """The gids a login of `user` gets: its primary group and every group it is a member of."""
        gids = [self.groups[user]]
        for r in self._rows(self.group):
            if user in r[3].split(","):
                gids.append(int(r[2]))
        return gids

    @property
    def wrapper(self):
        """Runs a command in a mount namespace where this database is the system's."""
        script = 'mount --bind "$1" /etc/passwd && mount --bind "$2" /etc/group && shift 2 && exec "$@"'
        return ["unshare", "--mount", "--propagation", "private", "sh", "-c", script, "sh", str(self.passwd), str(self.group)]

    def setpriv(self, user, groups=None):
        """The setpriv prefix that runs a command as `user` with its login's groups (or `groups`)."""
        gids = groups if groups is not None else self.login_groups(user)
        return ["setpriv", f"--reuid={self.users[user]}", f"--regid={self.groups[user]}",
                "--groups=" + ",".join(str(g) for g in gids)]


# One request over the daemon's socket, printed as JSON: status, headers, body
# (latin-1), or the error met connecting.
CLIENT = r"""
import http.client, json, socket, sys
class C(http.client.HTTPConnection):
    def connect(self):
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.sock.settimeout(60)
        self.sock.connect(sys.argv[1])
try:
    c = C("custodyd", timeout=60)
    body = sys.argv[4] if len(sys.argv) > 4 else None
    c.request(sys.argv[2], sys.argv[3], body=body, headers={"Content-Type": "application/json"} if body else {})
    r = c.getresponse()
    print(json.dumps({"status": r.status, "headers": {k.lower(): v for k, v in r.getheaders()}, "body": r.read().decode("latin-1")}))
except OSError as e:
    print(json.dumps({"error": e.__class__.__name__, "errno": e.errno}))
"""


def request_as(prefix, socket_path, method, path, body=None):
    """Runs one request as the user `prefix` (a setpriv command) stands for."""
    cmd = [*prefix, sys.executable, "-c", CLIENT, str(socket_path), method, path]
    if body is not None:
        cmd.append(body if isinstance(body, str) else json.dumps(body))
    out = subprocess.run(cmd, capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    return json.loads(out.stdout)
