"""Integration harness: runs the real custodyd and custodyctl binaries in a
scratch directory and talks to the daemon over its real Unix socket."""

import http.client
import json
import os
import pwd
import signal
import socket
import subprocess
import time
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
BIN = Path(os.environ.get("CUSTODY_BIN", REPO / ".build" / "debug"))
CUSTODYD = BIN / "custodyd"
CUSTODYCTL = BIN / "custodyctl"
SAMPLE_MEDIA = REPO / "scripts" / "make-sample-media.sh"


class UnixHTTPConnection(http.client.HTTPConnection):
    """http.client over a Unix stream socket."""

    def __init__(self, path, timeout=30):
        super().__init__("custodyd", timeout=timeout)
        self.unix_path = path

    def connect(self):
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.sock.settimeout(self.timeout)
        self.sock.connect(self.unix_path)


class Reply:
    def __init__(self, status, headers, body):
        self.status = status
        self.headers = headers
        self.body = body

    @property
    def content_type(self):
        return self.headers.get("content-type", "").split(";")[0].strip()

    def json(self):
        return json.loads(self.body)


class Daemon:
    """One custodyd with its own state directory, socket and configuration."""

    def __init__(self, root: Path, config: str = "", ingest: str = ""):
        self.root = root
        self.state = root / "state"
        self.socket = root / "control.sock"
        self.config_path = root / "custodyd.toml"
        self.log_path = root / "custodyd.log"
        self.inbox = root / "inbox"
        self.inbox.mkdir(parents=True, exist_ok=True)
        self.proc = None
        self.write_config(config, ingest)

    def write_config(self, extra: str = "", ingest: str = ""):
        """The [ingest] section allows only the inbox; `ingest` adds keys to it, `extra` adds sections."""
        text = f'[ingest]\nallowedPaths = ["{self.inbox}"]\n{ingest}'
        if "[control]" not in extra:
            text += '[control]\nsocketGroup = ""\n'
        self.config_path.write_text(text + extra)

    def start(self, wait=True, extra_env=None, user=None, wrapper=()):
        """Starts custodyd; with user, as that Unix user (its state directory chowned to it);
        with wrapper, under that command (e.g. umockdev-run -d DEVICE --)."""
        env = dict(os.environ)
        env.update(extra_env or {})
        self.log = open(self.log_path, "ab")
        cmd = [*wrapper, str(CUSTODYD), "--config", str(self.config_path), "--state-dir", str(self.state), "--socket", str(self.socket)]
        if user is not None:
            pw = pwd.getpwnam(user)
            world_readable_tmp(self.root)
            self.state.mkdir(parents=True, exist_ok=True)
            for p in [self.root, self.state]:
                os.chown(p, pw.pw_uid, pw.pw_gid)
            cmd = ["setpriv", f"--reuid={pw.pw_uid}", f"--regid={pw.pw_gid}", "--init-groups", *cmd]
        self.proc = subprocess.Popen(cmd, stdout=self.log, stderr=subprocess.STDOUT, env=env)
        if wait:
            self.wait_ready()
        return self

    def wait_ready(self, timeout=30):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise AssertionError(f"custodyd exited with {self.proc.returncode}:\n{self.log_path.read_text()}")
            try:
                if self.request("GET", "/v1/status").status == 200:
                    return
            except OSError:
                pass
            time.sleep(0.05)
        raise AssertionError(f"custodyd not ready after {timeout}s:\n{self.log_path.read_text()}")

    def stop(self, sig=signal.SIGTERM, timeout=60):
        if self.proc is None:
            return None
        if self.proc.poll() is None:
            self.proc.send_signal(sig)
        code = self.proc.wait(timeout=timeout)
        self.log.close()
        self.proc = None
        return code

    def kill(self):
        return self.stop(signal.SIGKILL)

    def request(self, method, path, body=None, headers=None):
        conn = UnixHTTPConnection(str(self.socket))
        data = None
        hdrs = dict(headers or {})
        if body is not None:
            data = body if isinstance(body, (bytes, str)) else json.dumps(body)
            hdrs.setdefault("Content-Type", "application/json")
        conn.request(method, path, body=data, headers=hdrs)
        resp = conn.getresponse()
        reply = Reply(resp.status, {k.lower(): v for k, v in resp.getheaders()}, resp.read())
        conn.close()
        return reply

    def ctl(self, *args, user=None, check=False, env=None):
        """Runs custodyctl against this daemon, optionally as another user (setpriv)."""
        cmd = [str(CUSTODYCTL), *map(str, args)]
        if user is not None:
            pw = pwd.getpwnam(user)
            cmd = ["setpriv", f"--reuid={pw.pw_uid}", f"--regid={pw.pw_gid}", "--init-groups", *cmd]
        full_env = dict(os.environ, CUSTODY_SOCKET=str(self.socket))
        full_env.update(env or {})
        result = subprocess.run(cmd, capture_output=True, text=True, env=full_env, timeout=300)
        if check and result.returncode != 0:
            raise AssertionError(f"{' '.join(cmd)} exited {result.returncode}:\n{result.stdout}\n{result.stderr}")
        return result

    def ctl_json(self, *args, **kw):
        return json.loads(self.ctl("--json", *args, check=True, **kw).stdout)

    def wait_job(self, job_id, timeout=300):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            job = self.request("GET", f"/v1/jobs/{job_id}").json()
            if job["state"] not in ("queued", "running"):
                return job
            time.sleep(0.1)
        raise AssertionError(f"job {job_id} still {job['state']} after {timeout}s")


@pytest.fixture
def daemon_factory(tmp_path):
    """Makes daemons in the test's scratch directory; stops them afterwards."""
    made = []

    def make(config: str = "", start=True, name="d", ingest: str = ""):
        d = Daemon(tmp_path / name, config, ingest)
        made.append(d)
        return d.start() if start else d

    yield make
    for d in made:
        if d.proc is not None:
            d.stop(signal.SIGKILL)


@pytest.fixture
def daemon(daemon_factory):
    return daemon_factory()


@pytest.fixture(scope="session")
def sample_media(tmp_path_factory):
    """The demo's realistic evidence set, made once per run by scripts/make-sample-media.sh."""
    out = tmp_path_factory.mktemp("sample-media")
    subprocess.run(["bash", str(SAMPLE_MEDIA), str(out)], check=True, capture_output=True, timeout=600)
    return out


def world_readable_tmp(path: Path):
    """Lets other uids (tests that switch user) traverse down to path."""
    p = path
    while p != p.parent:
        try:
            os.chmod(p, os.stat(p).st_mode | 0o005)
        except PermissionError:
            pass
        p = p.parent
