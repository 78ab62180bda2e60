"""Low finding: the import drop box /srv/custody/import was group-writable without the
sticky bit, so any operator could rename another operator's directory there (and put
a symbolic link in its place while that operator's job waited). The layout is made by
the shipped tmpfiles.d file through the real systemd-tmpfiles; two operators (uids in
the operators' group, through setpriv) try it."""

import shutil
import stat
import subprocess
from pathlib import Path

from conftest import world_readable_tmp

REPO = Path(__file__).resolve().parents[2]
OPERATORS_GID, ANA, BORIS = 4242, 4301, 4302


def as_operator(uid, *cmd):
    return subprocess.run(["setpriv", f"--reuid={uid}", f"--regid={OPERATORS_GID}", f"--groups={OPERATORS_GID}", *map(str, cmd)],
                          capture_output=True, text=True)


def test_an_operator_cannot_move_another_operators_drop(tmp_path):
    root = tmp_path / "root"
    (root / "etc").mkdir(parents=True)
    (root / "etc/passwd").write_text("root:x:0:0::/root:/bin/sh\ncustody:x:4200:4200::/var/lib/custody:/usr/sbin/nologin\n")
    (root / "etc/group").write_text("root:x:0:\ncustody:x:4200:\ncustody-operators:x:4242:custody\n")
    (root / "usr/lib/tmpfiles.d").mkdir(parents=True)
    shutil.copy(REPO / "systemd/custody.tmpfiles", root / "usr/lib/tmpfiles.d/custody.conf")
    made = subprocess.run(["systemd-tmpfiles", f"--root={root}", "--create", "custody.conf"], capture_output=True, text=True)
    assert made.returncode == 0, made.stderr
    box = root / "srv/custody/import"
    world_readable_tmp(box.parent)

    assert as_operator(ANA, "mkdir", box / "ana-card").returncode == 0
    theft = as_operator(BORIS, "mv", box / "ana-card", box / "ana-card.moved")
    assert theft.returncode != 0 and "Operation not permitted" in theft.stderr, theft
    removal = as_operator(BORIS, "rmdir", box / "ana-card")
    assert removal.returncode != 0, removal
    assert (box / "ana-card").is_dir() and not (box / "ana-card.moved").exists()
    mode = box.stat().st_mode
    assert mode & stat.S_ISVTX and mode & stat.S_ISGID and box.stat().st_gid == OPERATORS_GID, oct(mode)
    # The box still works for everyone: Boris drops his own card, and may move it.
    assert as_operator(BORIS, "mkdir", box / "boris-card").returncode == 0
    assert as_operator(BORIS, "mv", box / "boris-card", box / "boris-card-2").returncode == 0
