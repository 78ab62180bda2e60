"""Low findings: a world-readable station.key was accepted on load, and export bundles
were written 0644 (anyone on the machine could read the evidence copies).

Against the real daemon and CLI: a station key left readable by others is made 0600
again at start, with a warning in the daemon's log, and the same key keeps signing;
a key replaced by a symbolic link stops the daemon with a message naming it; an export
written under umask 022 is the exporter's alone (files 0600, folders 0700, ZIP 0600)."""

import os
import stat
import zipfile


def mode(path):
    return stat.S_IMODE(os.lstat(path).st_mode)


def test_a_world_readable_station_key_is_repaired_with_a_warning(daemon):
    d = daemon
    key = d.state / "ledger" / "station.key"
    verifier = d.request("GET", "/v1/ledger").json()["verifierKey"]
    d.stop()
    os.chmod(key, 0o644)
    d.start()
    assert mode(key) == 0o600
    log = d.log_path.read_text(errors="replace")
    assert "station key" in log and "mode 0644" in log and "now 0600" in log, log[-2000:]
    assert d.request("GET", "/v1/ledger").json()["verifierKey"] == verifier, "the same key, not a new one"
    assert d.ctl_json("verify")["ok"]


def test_a_station_key_replaced_by_a_link_is_refused(daemon, tmp_path):
    d = daemon
    key = d.state / "ledger" / "station.key"
    d.stop()
    elsewhere = tmp_path / "elsewhere.key"
    os.rename(key, elsewhere)
    os.symlink(elsewhere, key)
    d.start(wait=False)
    code = d.proc.wait(timeout=60)
    d.log.close()
    d.proc = None
    assert code != 0
    log = d.log_path.read_text(errors="replace")
    assert str(key) in log and "symbolic link" in log, log[-2000:]


def test_export_bundles_are_the_exporters_alone(daemon, tmp_path):
    d = daemon
    card = d.inbox / "card"
    (card / "DCIM").mkdir(parents=True)
    (card / "DCIM" / "clip.mp4").write_bytes(b"evidence " * 1000)
    d.ctl_json("ingest", str(card), "--wait")
    previous = os.umask(0o022)
    try:
        out = tmp_path / "bundle"
        d.ctl_json("export", "--items", "1", "--out", out)
        zipped = d.ctl_json("export", "--items", "1", "--out", tmp_path / "bundle.zip", "--zip")
    finally:
        os.umask(previous)
    assert mode(out) == 0o700
    for root, dirs, files in os.walk(out):
        for name in dirs:
            assert mode(os.path.join(root, name)) == 0o700, os.path.join(root, name)
        for name in files:
            assert mode(os.path.join(root, name)) == 0o600, os.path.join(root, name)
    assert mode(zipped["path"]) == 0o600
    with zipfile.ZipFile(zipped["path"]) as z:
        assert {stat.S_IMODE(i.external_attr >> 16) for i in z.infolist()} == {0o600}
