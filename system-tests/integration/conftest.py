"""Integration harness: runs the real custodyd and custodyctl binaries in a
scratch directory and talks to the daemon over its real Unix socket."""

import http.client
import json
import os
import pwd
import shutil
import signal
import socket
import subprocess
import tempfile
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

    def start(self, wait=True, extra_env=None, user=None, wrapper=(), faked_time=None):
        """Starts custodyd; with user, as that Unix user (its state directory chowned to it);
        with wrapper, under that command (e.g. umockdev-run -d DEVICE --); with faked_time
        (e.g. "@2025-01-20 12:00:00"), with its wall clock starting then (libfaketime; the
        monotonic clock and the files' own times stay real). Under a wrapper, custodyd runs
        in a process group of its own that stop() signals whole: a wrapper that does not
        pass the signal on would otherwise leave custodyd running after the test."""
        env = dict(os.environ)
        env.update(extra_env or {})
        self.group = faked_time is not None or bool(wrapper)
        if faked_time is not None:
            wrapper = ["faketime", "-f", faked_time, *wrapper]
            env.update({"FAKETIME_DONT_FAKE_MONOTONIC": "1", "DONT_FAKE_MONOTONIC": "1", "NO_FAKE_STAT": "1"})
        self.log = open(self.log_path, "ab")
        cmd = [*wrapper, str(CUSTODYD), "--config", str(self.config_path), "--state-dir", str(self.state), "--socket", str(self.socket)]
        if user is not None:
            pw = pwd.getpwnam(user)
            world_readable_tmp(self.root)
            self.state.mkdir(parents=True, exist_ok=True)
            for p in [self.root, self.state]:
                os.chown(p, pw.pw_uid, pw.pw_gid)
            cmd = ["setpriv", f"--reuid={pw.pw_uid}", f"--regid={pw.pw_gid}", "--init-groups", *cmd]
        self.proc = subprocess.Popen(cmd, stdout=self.log, stderr=subprocess.STDOUT, env=env, start_new_session=self.group)
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
        if getattr(self, "group", False):
            # The wrapper and custodyd under it: both get the signal; wait until custodyd is gone too.
            try:
                os.killpg(self.proc.pid, sig)
            except ProcessLookupError:
                pass
            code = self.proc.wait(timeout=timeout)
            deadline = time.monotonic() + timeout
            while time.monotonic() < deadline:
                try:
                    os.killpg(self.proc.pid, 0)
                except ProcessLookupError:
                    break
                time.sleep(0.05)
            self.log.close()
            self.proc = None
            return code
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
    """Makes daemons in the test's scratch directory (or under `base`); stops them afterwards."""
    made = []

    def make(config: str = "", start=True, name="d", ingest: str = "", base=None):
        d = Daemon((base or tmp_path) / name, config, ingest)
        made.append(d)
        return d.start() if start else d

    yield make
    for d in made:
        if d.proc is not None:
            d.stop(signal.SIGKILL)


@pytest.fixture
def public_tmp():
    """A scratch directory other users can traverse, for daemons whose socket they use:
    outside pytest's own temporary tree, whose top pytest resets to mode 0700 whenever
    another pytest session of the same user starts (even while a test runs)."""
    path = Path(tempfile.mkdtemp(prefix="custody-test-"))
    os.chmod(path, 0o755)
    yield path
    shutil.rmtree(path, ignore_errors=True)


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


# ---------------------------------------------------------------------------
# Courtroom recording: the real alsa-lib, no sound hardware.
#
# One ALSA configuration (given to custodyd through ALSA_CONFIG_PATH, which replaces
# alsa.conf entirely, so it defines every PCM it uses) with capture PCMs of type
# `file` replaying known recordings over a `null` slave, and a `null` PCM. A `file`
# PCM delivers frames as fast as they are read (no pacing) and keeps delivering
# after its recording ends, so every session here is bounded in frames.


class ALSAFixtures:
    """Known recordings (raw, interleaved) and the ALSA configuration naming them."""

    SPEECH = "custody_speech"      # espeak-ng speech + a 440 Hz tone: S16_LE, 2 ch, 48 kHz
    MULTI = "custody_multi"        # speech + three tones: S24_3LE, 4 ch, 48 kHz
    LONG = "custody_long"          # 90 s of noise and a tone: S16_LE, 2 ch, 48 kHz
    NULL = "custody_null"          # endless zeros

    def __init__(self, root: Path):
        self.root = root
        self.conf = root / "alsa-test.conf"

    def raw(self, name):
        return self.root / f"{name}.raw"

    def bytes(self, name):
        return self.raw(name).read_bytes()

    @property
    def env(self):
        return {"ALSA_CONFIG_PATH": str(self.conf)}


@pytest.fixture(scope="session")
def alsa(tmp_path_factory):
    root = tmp_path_factory.mktemp("alsa")
    f = ALSAFixtures(root)

    def run(*cmd):
        subprocess.run(list(map(str, cmd)), check=True, capture_output=True, timeout=300)

    run("espeak-ng", "-w", root / "speech22k.wav",
        "All rise. The court is now in session. The witness will state her name for the record.")
    run("sox", "-D", root / "speech22k.wav", "-r", "48000", "-b", "16", root / "speech.wav")
    seconds = subprocess.run(["soxi", "-D", str(root / "speech.wav")], check=True, capture_output=True, text=True).stdout.strip()
    run("sox", "-D", "-n", "-r", "48000", "-c", "1", "-b", "16", root / "tone.wav", "synth", seconds, "sine", "440", "gain", "-12")
    run("sox", "-D", "-M", root / "speech.wav", root / "tone.wav", "-t", "raw", "-e", "signed-integer", "-b", "16", f.raw(f.SPEECH))
    run("sox", "-D", "-n", "-r", "48000", "-c", "3", "-b", "24", root / "tones3.wav", "synth", seconds,
        "sine", "300", "sine", "600", "sine", "1200", "gain", "-9")
    run("sox", "-D", "-M", root / "speech.wav", root / "tones3.wav", "-t", "raw", "-e", "signed-integer", "-b", "24", f.raw(f.MULTI))
    run("sox", "-D", "-n", "-r", "48000", "-c", "2", "-b", "16", "-e", "signed-integer", "-t", "raw", f.raw(f.LONG),
        "synth", "90", "whitenoise", "sine", "300", "gain", "-6")

    def file_pcm(name):
        return (f'pcm.{name} {{\n    type file\n    slave.pcm "{f.NULL}"\n    file "/dev/null"\n'
                f'    infile "{f.raw(name)}"\n    format "raw"\n}}\n')

    # `hw:CARD=<id>,DEV=<n>` (what a courtroom named by its audio interface records
    # from) replays the speech too: the interface itself is emulated by umockdev.
    hw = (f'pcm.hw {{\n    @args [ CARD DEV ]\n    @args.CARD {{ type string }}\n    @args.DEV {{ type integer default 0 }}\n'
          f'    type file\n    slave.pcm "{f.NULL}"\n    file "/dev/null"\n    infile "{f.raw(f.SPEECH)}"\n    format "raw"\n}}\n')
    f.conf.write_text("# Custody's integration-test PCMs (no hardware).\n"
                      f"pcm.{f.NULL} {{\n    type null\n}}\n"
                      + "".join(file_pcm(n) for n in (f.SPEECH, f.MULTI, f.LONG)) + hw)
    return f


def courtroom_toml(ident, pcm, channels=2, rate=48000, fmt="S16_LE", names=None, segment_frames=48000, **extra):
    """A [[courtroom]] table, with the keys other tools write first."""
    names = names or [f"ch{i + 1}" for i in range(channels)]
    text = (f'[[courtroom]]\nid = "{ident}"\npcm = "{pcm}"\nchannels = {channels}\nrate = {rate}\nformat = "{fmt}"\n'
            f'channelNames = [{", ".join(json.dumps(n) for n in names)}]\nsegmentFrames = {segment_frames}\n')
    for key, value in extra.items():
        text += f"{key} = {json.dumps(value)}\n"
    return text


def wav_data_chunk(data: bytes):
    """Where a WAV/BWF/RF64 file's `data` chunk begins and the size its header states, as
    (offset of its first byte, stated size); None when the file has no data chunk yet."""
    offset = 12
    while offset + 8 <= len(data):
        ident = data[offset:offset + 4]
        size = int.from_bytes(data[offset + 4:offset + 8], "little")
        if ident == b"data":
            return offset + 8, size
        offset += 8 + size + (size & 1)
    return None


def wav_payload(data: bytes) -> bytes:
    """The `data` chunk of a WAV/BWF/RF64 file."""
    chunk = wav_data_chunk(data)
    if chunk is None:
        raise AssertionError("no data chunk")
    start, size = chunk
    return data[start:start + size]
