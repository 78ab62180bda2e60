"""Finding 14: terminal escape injection. File names from a card, a device's USB strings
and request paths reached custodyctl's tables raw: a file named with ESC sequences could
clear the operator's screen, retitle the terminal or hide a line, and a bidi override
could make `gpj.exe` read as `exe.jpg`.

The real CLI against the real daemon: an ingested file named with ESC sequences and bidi
overrides, and a docked device (emulated by umockdev) whose USB serial holds them, are
shown escaped (`\\u{001B}`, `\\u{202E}`) in `items`, `item`, `job`, `audit`, `devices` and
`watch`; `--json` stays faithful."""

import json
import time
from pathlib import Path

from conftest import REPO

UNSAFE = ["\x1b", "\x07", "\x9b", "\u202e", "\u2066", "\u200f", "\x7f"]

# Names a camera never writes but an attacker's card (or a directory) can hold.
HOSTILE = {
    "\x1b[2J\x1b]0;owned\x07clip.mp4": b"first clip " * 3000,
    "statement \u202egpj.exe.mp4": b"second clip " * 2000,
    "isolate \u2066hidden\u2069 \x9b31m\u200f\x7f.wav": b"RIFF audio " * 1000,
}


def assert_shown_escaped(text, what):
    for c in UNSAFE:
        assert c not in text, f"{what} shows U+{ord(c):04X} raw:\n{text!r}"


def test_hostile_file_names_are_escaped_in_items_item_job_and_audit(daemon):
    d = daemon
    card = d.inbox / "card"
    card.mkdir()
    for name, data in HOSTILE.items():
        (card / name).write_bytes(data)
    job = d.ctl_json("ingest", str(card), "--wait")
    assert job["stored"] == len(HOSTILE), job
    # --json is faithful: the names exactly as on disk.
    listed = d.ctl_json("items")
    assert sorted(i["source"]["path"] for i in listed) == sorted(HOSTILE)
    outputs = {
        "items": d.ctl("items", check=True).stdout,
        "job": d.ctl("job", job["id"], check=True).stdout,
        "audit": d.ctl("audit", check=True).stdout,
    }
    for item in listed:
        outputs[f"item {item['id']}"] = d.ctl("item", item["id"], check=True).stdout
        outputs[f"audit --item {item['id']}"] = d.ctl("audit", "--item", item["id"], check=True).stdout
    for what, text in outputs.items():
        assert_shown_escaped(text, what)
    assert "\\u{001B}[2J\\u{001B}]0;owned\\u{0007}clip.mp4" in outputs["items"]
    assert "statement \\u{202E}gpj.exe.mp4" in outputs["job"]
    assert "isolate \\u{2066}hidden\\u{2069} \\u{009B}31m\\u{200F}\\u{007F}.wav" in outputs["audit"]
    # Each table row is still one line: a name cannot break the layout.
    rows = [line for line in outputs["items"].splitlines() if line.strip()]
    assert len(rows) == 1 + len(HOSTILE), outputs["items"]


def test_a_refusal_quoting_a_hostile_path_is_escaped(daemon):
    d = daemon
    r = d.ctl("ingest", "/nowhere/\x1b[31mred\u202e")
    assert r.returncode == 1
    assert_shown_escaped(r.stderr, "the refusal")
    assert "\\u{001B}[31mred\\u{202E}" in r.stderr, r.stderr


UMOCKDEV = REPO / "system-tests" / "umockdev"
HOSTILE_SERIAL = "BWC\x1b[2J\x1b]0;x\x07\u202eEVIL"


def hostile_bodycam(tmp_path: Path) -> Path:
    """The emulated body camera, its USB serial (a sysfs attribute) made hostile."""
    text = (UMOCKDEV / "bodycam-mass-storage.umockdev").read_text()
    assert "A: serial=BWC0001234\n" in text
    text = text.replace("A: serial=BWC0001234\n", f"H: serial={HOSTILE_SERIAL.encode().hex().upper()}\n", 1)
    out = tmp_path / "hostile-bodycam.umockdev"
    out.write_text(text)
    return out


def test_a_hostile_usb_serial_is_escaped_in_devices_and_watch(daemon_factory, tmp_path):
    catalog = REPO / "catalog"
    d = daemon_factory(config=f'[devices]\ncatalog = ["{catalog}", "{REPO / "system-tests" / "catalog"}"]\n[control]\nsocketGroup = ""\n',
                       start=False)
    d.start(wrapper=["umockdev-run", "-d", str(hostile_bodycam(tmp_path)), "--"])
    deadline = time.monotonic() + 30
    while True:
        devices = d.request("GET", "/v1/devices?all=true").json()["devices"]
        if any(x.get("serial") for x in devices):
            break
        assert time.monotonic() < deadline, f"the emulated camera never docked: {devices}"
        time.sleep(0.05)
    faithful = json.loads(d.ctl("devices", "--json", check=True).stdout)
    assert [x["serial"] for x in faithful if x["vendorId"] == "2e8a"] == [HOSTILE_SERIAL], "--json keeps the serial as the device gave it"
    table = d.ctl("devices", check=True).stdout
    assert_shown_escaped(table, "devices")
    assert "BWC\\u{001B}[2J\\u{001B}]0;x\\u{0007}\\u{202E}EVIL" in table, table
    # watch prints the devices docked when it starts, then follows; a short run is enough.
    watched = d.ctl("watch", "--seconds", "1", check=True).stdout
    assert "dock" in watched and "\\u{202E}EVIL" in watched, watched
    assert_shown_escaped(watched, "watch")
    lines = [json.loads(line) for line in d.ctl("watch", "--json", "--seconds", "1", check=True).stdout.splitlines()]
    assert any(c.get("device", {}).get("serial") == HOSTILE_SERIAL for c in lines), "watch --json is faithful"
