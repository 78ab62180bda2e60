"""custodyd as systemd runs it: socket activation (LISTEN_FDS/LISTEN_PID), the
notify protocol and its watchdog (NOTIFY_SOCKET, WATCHDOG_USEC), logs for the
journal (JOURNAL_STREAM) or a terminal, and the log level changed while it runs."""

import os
import re
import select
import socket
import stat
import subprocess
import sys
import time

import pytest

from conftest import CUSTODYD, Daemon, world_readable_tmp

# What systemd does between fork and exec: the listening socket becomes
# descriptor 3, LISTEN_FDS=1, and LISTEN_PID names the process that will run
# custodyd (known only after fork: exec keeps the pid).
ACTIVATE = r"""
import os, sys
fd = int(sys.argv[1])
if fd != 3:
    os.dup2(fd, 3)
    os.close(fd)
os.set_inheritable(3, True)
os.environ["LISTEN_FDS"] = "1"
os.environ["LISTEN_FDNAMES"] = "control"
os.environ["LISTEN_PID"] = sys.argv[2] if sys.argv[2] != "self" else str(os.getpid())
os.execv(sys.argv[3], sys.argv[3:])
"""


def listening_socket(path, mode=0o660):
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.bind(str(path))
    os.chmod(path, mode)
    s.listen(16)
    return s


def start_activated(d, sock, listen_pid="self", extra_env=None):
    """Starts d's custodyd as systemd would, handing it `sock`."""
    d.log = open(d.log_path, "ab")
    cmd = [sys.executable, "-c", ACTIVATE, str(sock.fileno()), listen_pid, str(CUSTODYD),
           "--config", str(d.config_path), "--state-dir", str(d.state), "--socket", str(d.socket)]
    env = dict(os.environ, **(extra_env or {}))
    d.proc = subprocess.Popen(cmd, stdout=d.log, stderr=subprocess.STDOUT, env=env, pass_fds=[sock.fileno()])
    return d


def get_status(path):
    from conftest import UnixHTTPConnection
    conn = UnixHTTPConnection(str(path), timeout=10)
    conn.request("GET", "/v1/status")
    resp = conn.getresponse()
    body = resp.read()
    conn.close()
    return resp.status, body


def wait_for(predicate, timeout=30, what="condition"):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.05)
    raise AssertionError(f"timed out waiting for {what}")


def test_adopts_the_socket_systemd_passes(tmp_path):
    d = Daemon(tmp_path / "d")
    activated = tmp_path / "activated.sock"
    sock = listening_socket(activated)
    try:
        start_activated(d, sock)
        sock.close()  # the daemon holds its own copy, as with systemd
        status, body = wait_for(lambda: _try(get_status, activated), what="custodyd on the passed socket")
        assert status == 200
        assert not d.socket.exists(), "with a passed socket, control.socket is not bound"
        assert "control socket adopted from systemd (fd 3)" in d.log_path.read_text()
        # Several connections, one after the other, on the same adopted socket.
        for _ in range(3):
            assert get_status(activated)[0] == 200
        assert d.stop() == 0
        # The socket is systemd's: the daemon leaves it where it is, ready for the next start.
        assert stat.S_ISSOCK(os.stat(activated).st_mode)
        assert stat.S_IMODE(os.stat(activated).st_mode) == 0o660
    finally:
        if d.proc is not None:
            d.kill()


def test_ignores_descriptors_meant_for_another_process(tmp_path):
    d = Daemon(tmp_path / "d")
    activated = tmp_path / "activated.sock"
    sock = listening_socket(activated)
    try:
        start_activated(d, sock, listen_pid="1")  # LISTEN_PID names someone else
        d.wait_ready()  # on its own socket
        assert stat.S_ISSOCK(os.stat(d.socket).st_mode)
        assert "control socket listening on" in d.log_path.read_text()
        assert d.stop() == 0
    finally:
        sock.close()
        if d.proc is not None:
            d.kill()


def test_creates_its_socket_when_started_by_hand(daemon):
    st = os.stat(daemon.socket)
    assert stat.S_ISSOCK(st.st_mode) and stat.S_IMODE(st.st_mode) == 0o660
    assert "control socket listening on" in daemon.log_path.read_text()


def listen_backlog(path):
    """The backlog of the Unix socket listening at path, as the kernel holds it (ss's Send-Q)."""
    out = subprocess.run(["ss", "-xlnH"], capture_output=True, text=True, check=True, timeout=30).stdout
    for line in out.splitlines():
        fields = line.split()
        if len(fields) > 4 and fields[4] == str(path):
            return int(fields[3])
    raise AssertionError(f"no socket listening at {path}:\n{out}")


def test_binds_its_socket_without_touching_the_process_umask(daemon_factory, tmp_path):
    """The socket custodyd makes is private from the moment it exists (its mode is set on
    the socket before bind), and the process-wide umask, which every other thread's new
    files and directories depend on, is never changed to get there. The backlog is the
    configured one."""
    trace = tmp_path / "umask.trace"
    d = daemon_factory('[control]\nsocketGroup = ""\nmaxConnections = 100\n', start=False)
    d.start(wrapper=["strace", "-f", "-qq", "-e", "trace=umask,fchmod,bind", "-o", str(trace)])
    st = os.stat(d.socket)
    assert stat.S_ISSOCK(st.st_mode) and stat.S_IMODE(st.st_mode) == 0o660
    assert listen_backlog(d.socket) == 100
    assert d.stop() == 0
    calls = trace.read_text()
    assert "umask(" not in calls, calls
    assert re.search(r"fchmod\((\d+), 0600\)\s+= 0.*\n(?:.*\n)*?.*bind\(\1, \{sa_family=AF_UNIX, sun_path=\"" + re.escape(str(d.socket)), calls), calls


def test_an_adopted_socket_gets_the_configured_backlog(tmp_path):
    """NIO listens again on a socket it adopts, with a default backlog of its own; custodyd
    sets the configured one (at least 64, maxConnections up to 4096) on systemd's socket too."""
    d = Daemon(tmp_path / "d", config='[control]\nsocketGroup = ""\nmaxConnections = 300\n')
    activated = tmp_path / "activated.sock"
    sock = listening_socket(activated)
    try:
        start_activated(d, sock)
        sock.close()
        wait_for(lambda: _try(get_status, activated), what="custodyd on the passed socket")
        assert listen_backlog(activated) == 300
        assert d.stop() == 0
    finally:
        if d.proc is not None:
            d.kill()


def _try(f, *args):
    try:
        return f(*args)
    except OSError:
        return None


def notify_socket(tmp_path):
    path = tmp_path / "notify.sock"
    s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    s.bind(str(path))
    return path, s


def receive(s, seconds):
    messages = []
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        ready, _, _ = select.select([s], [], [], max(0, deadline - time.monotonic()))
        if ready:
            messages.append((time.monotonic(), s.recv(4096).decode()))
    return messages


def test_ready_and_watchdog_pings(daemon_factory, tmp_path):
    path, s = notify_socket(tmp_path)
    d = daemon_factory(start=False)
    # WATCHDOG_USEC=600 ms: pings every 300 ms, from the daemon's own loop.
    d.start(extra_env={"NOTIFY_SOCKET": str(path), "WATCHDOG_USEC": "600000"})
    messages = receive(s, 3.0)
    texts = [m for _, m in messages]
    ready = [m for m in texts if "READY=1" in m]
    assert ready and "STATUS=serving" in ready[0]
    pings = [t for t, m in messages if m == "WATCHDOG=1"]
    assert len(pings) >= 5, texts
    gaps = [b - a for a, b in zip(pings, pings[1:])]
    assert max(gaps) < 0.6, f"a ping at least every timeout: gaps {gaps}"
    # A stopped (wedged) daemon sends nothing, and systemd would restart it.
    d.proc.send_signal(19)  # SIGSTOP
    try:
        receive(s, 0.4)  # drain what was in flight
        assert [m for _, m in receive(s, 1.5) if m == "WATCHDOG=1"] == []
    finally:
        d.proc.send_signal(18)  # SIGCONT
    assert [m for _, m in receive(s, 1.5) if m == "WATCHDOG=1"], "pings again once it runs"
    assert d.stop() == 0
    assert any("STOPPING=1" in m for _, m in receive(s, 0.5))
    s.close()


def test_no_watchdog_pings_for_another_process(daemon_factory, tmp_path):
    path, s = notify_socket(tmp_path)
    d = daemon_factory(start=False)
    d.start(extra_env={"NOTIFY_SOCKET": str(path), "WATCHDOG_USEC": "200000", "WATCHDOG_PID": "1"})
    texts = [m for _, m in receive(s, 1.5)]
    assert any("READY=1" in m for m in texts) and "WATCHDOG=1" not in texts
    s.close()


# ---------------------------------------------------------------------------
# Logs


def test_terminal_lines_without_journal(daemon):
    daemon.stop()
    lines = daemon.log_path.read_text().splitlines()
    assert any(re.match(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z (info|notice)\s+control socket listening on ", l) for l in lines), lines
    assert not any(l.startswith("<") for l in lines)


def test_journal_stream_lines_carry_priorities(daemon_factory, tmp_path):
    if os.path.exists("/run/systemd/journal/socket"):
        pytest.skip("a journal runs here: custodyd would use its native protocol (the unit tests cover it)")
    d = daemon_factory(start=False)
    d.log_path.touch()
    st = os.stat(d.log_path)
    # JOURNAL_STREAM names the stream standard error is: here, the log file.
    d.start(extra_env={"JOURNAL_STREAM": f"{st.st_dev}:{st.st_ino}"})
    (d.inbox / "note.txt").write_text("a note\n")
    job = d.request("POST", "/v1/jobs", {"path": str(d.inbox / "note.txt")}).json()
    d.wait_job(job["id"])
    d.stop()
    lines = d.log_path.read_text().splitlines()
    assert all(re.match(r"^<[0-7]>", l) for l in lines if l), lines
    assert any(l.startswith("<6>control socket listening on") for l in lines)
    assert any(l.startswith("<6>job ") and f"job_id={job['id']}" in l for l in lines), lines


def test_log_level_from_the_command_line(daemon_factory):
    d = daemon_factory(config='[log]\nlevel = "warning"\n')
    assert d.ctl("log-level").stdout == "warning\n"
    assert d.ctl("--json", "log-level").stdout.replace(" ", "").replace("\n", "") == '{"level":"warning"}'
    set_ = d.ctl("log-level", "debug")
    assert set_.returncode == 0 and set_.stdout == "debug\n"
    d.ctl("status", check=True)
    bad = d.ctl("log-level", "loud")
    assert bad.returncode == 2 and "unknown level 'loud'" in bad.stderr
    d.stop()
    log = d.log_path.read_text()
    assert "debug" in log and "GET /v1/status" in log, "debug records appear once the level is debug"


def test_log_level_needs_admin(daemon_factory):
    if os.geteuid() != 0:
        pytest.skip("needs root to run custodyctl as another user")
    d = daemon_factory()
    os.chmod(d.socket, 0o666)  # reach the socket; roles still come from SO_PEERCRED
    world_readable_tmp(d.socket.parent)
    out = d.ctl("log-level", "debug", user="nobody")
    assert out.returncode == 1 and "needs one of: admin" in out.stderr
    assert d.ctl("log-level").stdout == "info\n"
