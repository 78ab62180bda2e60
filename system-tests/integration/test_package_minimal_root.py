"""The Debian package on a minimal Debian 12: a root made by debootstrap (variant
minbase, nothing installed but the essential packages and apt), the .deb installed
into it with `dpkg -i` and `apt-get -f install` (apt fetches what Depends: names),
and, inside it (chroot): custodyd --version and --help, custodyctl --version, and a
short ingest through the control socket by custodyd running as the package's service
user with the shipped configuration, the stored files checked with sha256sum.

The root's tarball is cached under out/minimal-root/ (by suite and architecture);
a fresh checkout (CI) builds it from Debian's archive (about 6 minutes here).
CUSTODY_TEST_DEB=FILE tests that package instead of the one make deb builds.
"""

import json
import os
import re
import shutil
import signal
import subprocess
import time
from pathlib import Path

import pytest

from conftest import REPO

SUITE = "bookworm"
MIRROR = os.environ.get("CUSTODY_DEBIAN_MIRROR", "http://deb.debian.org/debian")
CACHE_DIR = REPO / "out/minimal-root"

# Mounts a chroot needs, made in a mount namespace of the command's own, so they go
# away with it: the kernel's /proc, /sys read-only (libudev and libusb look at it),
# and the host's /dev. ROOT is the root; the command runs inside it.
IN_ROOT = r"""
set -e
mount -t proc proc "$ROOT/proc"
mount --rbind /sys "$ROOT/sys" && mount -o remount,bind,ro "$ROOT/sys"
mount --rbind /dev "$ROOT/dev"
exec chroot "$ROOT" "$@"
"""

pytestmark = pytest.mark.skipif(
    os.geteuid() != 0 or not all(shutil.which(t) for t in ("debootstrap", "unshare", "chroot", "dpkg-deb")),
    reason="needs root, debootstrap, unshare and chroot (scripts/install-deps.sh installs debootstrap)")


def arch():
    return subprocess.run(["dpkg", "--print-architecture"], capture_output=True, text=True, check=True).stdout.strip()


def run(*cmd, timeout=1800, check=True, **kw):
    result = subprocess.run(list(map(str, cmd)), capture_output=True, text=True, timeout=timeout, **kw)
    if check and result.returncode != 0:
        raise AssertionError(f"{' '.join(map(str, cmd))} exited {result.returncode}:\n{result.stdout}\n{result.stderr}")
    return result


def in_root(root, *cmd, timeout=1800, check=True, env=None):
    """Runs cmd inside root (chroot), with /proc, /sys and /dev mounted for it alone."""
    full_env = {"PATH": "/usr/sbin:/usr/bin:/sbin:/bin", "LANG": "C.UTF-8", "ROOT": str(root), **(env or {})}
    return run("unshare", "-m", "sh", "-c", IN_ROOT, "in-root", *cmd, timeout=timeout, check=check, env=full_env)


def minimal_root_tarball():
    """A minbase Debian root as a tarball, made once by debootstrap and kept."""
    tarball = CACHE_DIR / f"debian-{SUITE}-{arch()}-minbase.tar"
    if tarball.exists():
        return tarball
    CACHE_DIR.mkdir(parents=True, exist_ok=True)
    build = CACHE_DIR / f"debian-{SUITE}-{arch()}.building"
    shutil.rmtree(build, ignore_errors=True)
    run("debootstrap", "--variant=minbase", f"--arch={arch()}", SUITE, build, MIRROR, timeout=3600)
    partial = tarball.with_suffix(".partial")
    run("tar", "--numeric-owner", "--xattrs", "-C", build, "-cf", partial, ".")
    partial.rename(tarball)
    shutil.rmtree(build)
    return tarball


def package():
    if os.environ.get("CUSTODY_TEST_DEB"):
        return Path(os.environ["CUSTODY_TEST_DEB"])
    # What ships: the release build (Swift runtime linked statically); lintian checks it.
    run("make", "-s", "deb", cwd=REPO, timeout=5400)
    debs = sorted((REPO / "out/deb").glob("custody_*.deb"))
    assert len(debs) == 1, debs
    return debs[0]


def apt_proxy_config():
    """The host's apt proxy settings, for apt inside the root (none: nothing)."""
    out = run("apt-config", "dump", check=False).stdout
    return "".join(l + "\n" for l in out.splitlines() if re.match(r"Acquire::(http|https)::Proxy", l, re.I))


@pytest.fixture(scope="module")
def installed_root(tmp_path_factory):
    """A fresh minimal root with the package installed as an administrator would."""
    tarball = minimal_root_tarball()
    deb = package()
    root = tmp_path_factory.mktemp("minimal-root") / "root"
    root.mkdir()
    run("tar", "--numeric-owner", "--xattrs", "-C", root, "-xf", tarball)
    shutil.copy("/etc/resolv.conf", root / "etc/resolv.conf")
    proxy = apt_proxy_config()
    if proxy:
        (root / "etc/apt/apt.conf.d/01proxy").write_text(proxy)
    (root / "etc/apt/sources.list").write_text(f"deb {MIRROR} {SUITE} main\n")
    shutil.copy(deb, root / "tmp/custody.deb")
    steps = {}
    # dpkg alone stops at the dependencies a minimal system lacks; apt-get -f install fetches them.
    steps["dpkg -i"] = in_root(root, "dpkg", "-i", "/tmp/custody.deb", check=False)
    in_root(root, "apt-get", "update", "-q", timeout=1800)
    steps["apt-get -f install"] = in_root(root, "apt-get", "-f", "install", "-y", "-q", "--no-install-recommends",
                                          env={"DEBIAN_FRONTEND": "noninteractive"}, timeout=3600)
    return root, steps


def test_package_installs_with_its_dependencies(installed_root):
    root, steps = installed_root
    status = in_root(root, "dpkg-query", "-W", "-f=${Status} ${Version}", "custody").stdout
    version = re.search(r'static let string = "(.*)"', (REPO / "Sources/CustodyCore/Version.swift").read_text()).group(1)
    assert status == f"install ok installed {version}", status + steps["dpkg -i"].stdout + steps["dpkg -i"].stderr
    # Every shared library the binaries load is there (ldd names none "not found").
    for b in ("/usr/bin/custodyd", "/usr/bin/custodyctl"):
        ldd = in_root(root, "ldd", b, check=False)
        assert "not found" not in ldd.stdout, f"{b}:\n{ldd.stdout}"
    # The postinst made the service user and groups, and the state layout.
    passwd = (root / "etc/passwd").read_text()
    assert re.search(r"^custody:x:\d+:\d+:.*:/var/lib/custody:/usr/sbin/nologin$", passwd, re.M), passwd
    assert (root / "var/lib/custody/blobs").is_dir() and (root / "srv/custody/import").is_dir()
    assert (root / "etc/systemd/system/sockets.target.wants/custodyd.socket").is_symlink(), "socket enabled"


def test_binaries_run_in_the_minimal_root(installed_root):
    root, _ = installed_root
    version = re.search(r'static let string = "(.*)"', (REPO / "Sources/CustodyCore/Version.swift").read_text()).group(1)
    for tool in ("custodyd", "custodyctl"):
        out = in_root(root, tool, "--version", check=False)
        assert (out.returncode, out.stdout) == (0, version + "\n"), f"{tool} --version: {out.returncode}\n{out.stdout}{out.stderr}"
    helped = in_root(root, "custodyd", "--help", check=False)
    assert helped.returncode == 0 and "USAGE: custodyd" in helped.stdout and "--config" in helped.stdout, helped.stdout + helped.stderr


def test_short_ingest_in_the_minimal_root(installed_root, tmp_path):
    root, _ = installed_root
    # A card in the package's import drop box (an allowed ingest path of the shipped configuration).
    card = root / "srv/custody/import/card"
    card.mkdir()
    (card / "DCIM").mkdir()
    originals = {"DCIM/clip0001.bin": os.urandom(3 * 1024 * 1024 + 17), "DCIM/clip0002.bin": os.urandom(65536),
                 "notes.txt": b"officer 4711, shift B\n"}
    for rel, data in originals.items():
        (card / rel).write_bytes(data)
    # /run/custody as the unit's RuntimeDirectory= makes it (the postinst's tmpfiles made it too).
    runtime = root / "run/custody"
    runtime.mkdir(exist_ok=True)
    ids = in_root(root, "id", "-u", "custody").stdout.strip(), in_root(root, "id", "-g", "custody").stdout.strip()
    os.chown(runtime, int(ids[0]), int(ids[1]))
    log = open(tmp_path / "custodyd.log", "wb")
    # As the service user, with the service's groups (SupplementaryGroups=), and the shipped configuration.
    env = {"PATH": "/usr/sbin:/usr/bin:/sbin:/bin", "LANG": "C.UTF-8", "ROOT": str(root)}
    daemon = subprocess.Popen(["unshare", "-m", "sh", "-c", IN_ROOT, "in-root", "setpriv", "--reuid=custody", "--regid=custody",
                               "--groups=custody-clients,custody-operators", "/usr/bin/custodyd", "--config", "/etc/custody/custodyd.toml"],
                              stdout=log, stderr=subprocess.STDOUT, env=env)
    try:
        deadline = time.monotonic() + 120
        while not (runtime / "control.sock").exists():
            assert daemon.poll() is None, f"custodyd exited {daemon.returncode}:\n{(tmp_path / 'custodyd.log').read_text()}"
            assert time.monotonic() < deadline, f"no control socket after 120 s:\n{(tmp_path / 'custodyd.log').read_text()}"
            time.sleep(0.1)
        status = in_root(root, "custodyctl", "--json", "status", check=False)
        assert status.returncode == 0, status.stdout + status.stderr + (tmp_path / "custodyd.log").read_text()
        job = json.loads(in_root(root, "custodyctl", "--json", "ingest", "/srv/custody/import/card", "--wait", timeout=600).stdout)
        assert job["state"] == "completed" and job["stored"] == len(originals) and job["failed"] == 0, job
        items = json.loads(in_root(root, "custodyctl", "--json", "items").stdout)
        items = items["items"] if isinstance(items, dict) else items
        by_path = {i["source"]["path"]: i for i in items}
        assert set(by_path) == set(originals), by_path.keys()
        # sha256sum (coreutils, inside the root) on the originals and on the stored files agrees with the store.
        for rel in originals:
            sha = by_path[rel]["sha256"]
            blob = f"/var/lib/custody/blobs/sha256/{sha[:2]}/{sha[2:4]}/{sha}"
            sums = in_root(root, "sha256sum", f"/srv/custody/import/card/{rel}", blob).stdout.split()
            assert sums[0] == sums[2] == sha, (rel, sums)
            assert (root / blob.lstrip("/")).read_bytes() == originals[rel]
    finally:
        daemon.send_signal(signal.SIGTERM)
        code = daemon.wait(timeout=120)
        log.close()
    assert code == 0, f"custodyd exited {code} on SIGTERM:\n{(tmp_path / 'custodyd.log').read_text()}"
