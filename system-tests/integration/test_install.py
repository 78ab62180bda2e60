"""make install / uninstall / deb, and the unit files as systemd sees them.

`make install BIN=<the debug build> PREFIX=/usr DESTDIR=<scratch>` installs every
file with its mode; `make uninstall` removes exactly those; `make deb` builds the
same as a Debian package that lintian passes. systemd-analyze verifies the units
and rates the service's exposure (`security --offline=yes`) at 2.0 or lower.
"""

import grp
import os
import re
import shutil
import socket
import stat
import subprocess
from pathlib import Path

import pytest

from conftest import BIN, REPO

SECURITY_THRESHOLD = 2.0

CATALOG = sorted(p.name for p in (REPO / "catalog").glob("*.toml"))
EXPECTED = {
    "usr/bin/custodyd": 0o755,
    "usr/bin/custodyctl": 0o755,
    "usr/lib/systemd/system/custodyd.service": 0o644,
    "usr/lib/systemd/system/custodyd.socket": 0o644,
    "usr/lib/sysusers.d/custody.conf": 0o644,
    "usr/lib/tmpfiles.d/custody.conf": 0o644,
    "usr/lib/udev/rules.d/70-custody.rules": 0o644,
    "etc/custody/custodyd.toml": 0o644,
    "usr/share/doc/custody/README.md": 0o644,
    "usr/share/doc/custody/configuration.md": 0o644,
    "usr/share/doc/custody/openapi.yaml": 0o644,
    "usr/share/man/man8/custodyd.8": 0o644,
    "usr/share/man/man1/custodyctl.1": 0o644,
    "usr/share/man/man5/custodyd.toml.5": 0o644,
    **{f"usr/share/custody/catalog/{name}": 0o644 for name in CATALOG},
    **{f"usr/share/bash-completion/completions/{t}": 0o644 for t in ("custodyd", "custodyctl")},
    **{f"usr/share/zsh/vendor-completions/_{t}": 0o644 for t in ("custodyd", "custodyctl")},
    **{f"usr/share/fish/vendor_completions.d/{t}.fish": 0o644 for t in ("custodyd", "custodyctl")},
}
SAME_AS_REPO = {
    "usr/lib/systemd/system/custodyd.service": "systemd/custodyd.service",
    "usr/lib/systemd/system/custodyd.socket": "systemd/custodyd.socket",
    "usr/lib/sysusers.d/custody.conf": "systemd/custody.sysusers",
    "usr/lib/tmpfiles.d/custody.conf": "systemd/custody.tmpfiles",
    "usr/lib/udev/rules.d/70-custody.rules": "udev/70-custody.rules",
    "etc/custody/custodyd.toml": "config/custodyd.toml",
}


def make(*args, timeout=900, bin=BIN):
    """make ARGS with BIN= the binaries under test; bin=None builds and uses the release ones."""
    extra = [f"BIN={bin}"] if bin is not None else []
    result = subprocess.run(["make", "-s", *args, *extra], cwd=REPO, capture_output=True, text=True, timeout=timeout)
    assert result.returncode == 0, f"make {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}"
    return result


def files_under(root):
    return {str(p.relative_to(root)) for p in root.rglob("*") if p.is_file() or p.is_symlink()}


@pytest.fixture(scope="module")
def installed(tmp_path_factory):
    root = tmp_path_factory.mktemp("destdir")
    make("install", "PREFIX=/usr", f"DESTDIR={root}")
    return root


def test_install_puts_every_file_with_its_mode(installed):
    assert files_under(installed) == set(EXPECTED), "exactly the documented files, nothing else"
    for rel, mode in EXPECTED.items():
        st = (installed / rel).stat()
        assert stat.S_IMODE(st.st_mode) == mode, f"{rel}: mode {oct(stat.S_IMODE(st.st_mode))}, expected {oct(mode)}"
        assert st.st_size > 0, f"{rel} is empty"
    for rel, source in SAME_AS_REPO.items():
        assert (installed / rel).read_bytes() == (REPO / source).read_bytes(), f"{rel} differs from {source}"
    for name in CATALOG:
        assert (installed / "usr/share/custody/catalog" / name).read_bytes() == (REPO / "catalog" / name).read_bytes()


def test_installed_binaries_run(installed):
    for tool in ("custodyd", "custodyctl"):
        out = subprocess.run([installed / "usr/bin" / tool, "--version"], capture_output=True, text=True, timeout=60)
        assert out.returncode == 0 and re.fullmatch(r"\d+\.\d+\.\d+\n", out.stdout), out


def test_man_pages_are_made_from_the_argument_parsers(installed):
    for rel, name, section in (("usr/share/man/man8/custodyd.8", "custodyd", "8"),
                               ("usr/share/man/man1/custodyctl.1", "custodyctl", "1")):
        source = (installed / rel).read_text()
        assert f".Dt {name.upper()} {section}" in source and f".Nm {name}" in source
        rendered = subprocess.run(["man", "-l", str(installed / rel)], capture_output=True, text=True, timeout=60,
                                  env=dict(os.environ, MANWIDTH="100", MAN_KEEP_FORMATTING="0"))
        assert rendered.returncode == 0, rendered.stderr
        text = re.sub(r".\x08", "", rendered.stdout)  # no overstrike bold
        assert "NAME" in text and "SYNOPSIS" in text and name in text
    ctl = (installed / "usr/share/man/man1/custodyctl.1").read_text()
    for command in ("status", "ingest", "log-level", "metrics", "verify"):
        assert f"Em {command}" in ctl or f".It Em {command}" in ctl or command in ctl, f"custodyctl(1) lacks {command}"
    assert "--config" in (installed / "usr/share/man/man8/custodyd.8").read_text().replace("Fl -config", "--config")


def render_man(page):
    """The page as man shows it, and groff's warnings about it (none are allowed)."""
    rendered = subprocess.run(["man", "--warnings", "-l", str(page)], capture_output=True, text=True, timeout=60,
                              env=dict(os.environ, MANWIDTH="100", MAN_KEEP_FORMATTING="0"))
    assert rendered.returncode == 0 and rendered.stderr == "", f"{page}: {rendered.stderr}"
    return re.sub(r".\x08", "", rendered.stdout)


def section(text, title):
    """The body of one section of a rendered page (up to the next heading at the margin)."""
    match = re.search(rf"^{re.escape(title)}\n(.*?)(?=^[A-Z][A-Z .]+\n)", text, re.S | re.M)
    assert match, f"no {title} section in:\n{text}"
    return match.group(1)


def test_man_pages_state_signals_environment_files_and_exit_statuses(installed):
    """The sections swift-argument-parser cannot know (docs/man/*.md) replace its generic
    EXIT STATUS, and say what custodyd really does."""
    daemon = render_man(installed / "usr/share/man/man8/custodyd.8")
    signals = section(daemon, "SIGNALS")
    assert "SIGTERM" in signals and "SIGKILL" in signals
    environment = section(daemon, "ENVIRONMENT")
    for variable in ("LISTEN_FDS", "NOTIFY_SOCKET", "WATCHDOG_USEC", "JOURNAL_STREAM"):
        assert variable in environment
    files = section(daemon, "FILES")
    for path in ("/etc/custody/custodyd.toml", "/etc/custody/catalog.d", "/var/lib/custody", "/run/custody/control.sock"):
        assert path in files
    status = section(daemon, "EXIT STATUS")
    assert re.search(r"^\s+78\s", status, re.M) and "configuration" in status
    assert "exits 0 on success" not in daemon, "the generic exit status is replaced"
    ctl = render_man(installed / "usr/share/man/man1/custodyctl.1")
    assert "CUSTODY_SOCKET" in section(ctl, "ENVIRONMENT")
    assert re.search(r"^\s+64\s", section(ctl, "EXIT STATUS"), re.M)


def test_custodyd_toml_5_is_made_from_the_configuration_document(installed):
    """Every key docs/configuration.md documents is in custodyd.toml(5), so the page
    and the document cannot disagree."""
    page = render_man(installed / "usr/share/man/man5/custodyd.toml.5")
    assert page.startswith("CUSTODYD.TOML(5)") and "/etc/custody/custodyd.toml" in section(page, "SYNOPSIS")
    document = (REPO / "docs/configuration.md").read_text()
    keys = re.findall(r"^\| `([A-Za-z][A-Za-z0-9]*)` \|", document, re.M)
    assert len(keys) > 30, keys
    flat = re.sub(r"\s+", " ", re.sub(r"\u2010\n\s*", "", page))  # words man hyphenated at a line's end, whole
    missing = [k for k in keys if k not in flat]
    assert not missing, f"custodyd.toml(5) lacks {missing}"
    assert "[control]" in page


def test_completions_are_for_each_shell(installed):
    share = installed / "usr/share"
    bash = (share / "bash-completion/completions/custodyctl").read_text()
    assert not bash.startswith("#!"), "sourced, not run"
    assert re.search(r"^complete .*-F _custodyctl custodyctl$", bash, re.M) and "log-level" in bash
    assert (share / "zsh/vendor-completions/_custodyctl").read_text().startswith("#compdef custodyctl")
    assert "complete -c 'custodyctl'" in (share / "fish/vendor_completions.d/custodyctl.fish").read_text()
    if shutil.which("bash"):
        check = subprocess.run(["bash", "-n", str(share / "bash-completion/completions/custodyctl")], capture_output=True, text=True)
        assert check.returncode == 0, check.stderr


def test_prefix_is_written_into_the_unit(tmp_path):
    make("install", "PREFIX=/opt/custody", f"DESTDIR={tmp_path}")
    unit = (tmp_path / "opt/custody/lib/systemd/system/custodyd.service").read_text()
    assert "ExecStart=/opt/custody/bin/custodyd\n" in unit
    assert (tmp_path / "etc/custody/custodyd.toml").is_file(), "configuration stays in /etc"


def test_uninstall_removes_exactly_what_install_put(tmp_path):
    make("install", "PREFIX=/usr", f"DESTDIR={tmp_path}")
    foreign = [tmp_path / "usr/share/doc/other/README", tmp_path / "usr/bin/other", tmp_path / "etc/custody/catalog.d/local.toml",
               tmp_path / "var/lib/custody/index.sqlite"]
    for f in foreign:
        f.parent.mkdir(parents=True, exist_ok=True)
        f.write_text("not Custody's to remove\n")
    make("uninstall", "PREFIX=/usr", f"DESTDIR={tmp_path}")
    assert files_under(tmp_path) == {str(f.relative_to(tmp_path)) for f in foreign}
    assert not (tmp_path / "usr/share/custody").exists() and not (tmp_path / "usr/share/doc/custody").exists()


# ---------------------------------------------------------------------------
# The units, as systemd reads them


def units_for_verify(installed, tmp_path):
    """The installed units, with ExecStart= naming the binary inside DESTDIR
    (systemd-analyze verify checks that it exists and is executable)."""
    unit_dir = tmp_path / "units"
    unit_dir.mkdir()
    for name in ("custodyd.service", "custodyd.socket"):
        text = (installed / "usr/lib/systemd/system" / name).read_text()
        (unit_dir / name).write_text(text.replace("/usr/bin/custodyd", str(installed / "usr/bin/custodyd")))
    return unit_dir


def test_systemd_analyze_verify(installed, tmp_path):
    unit_dir = units_for_verify(installed, tmp_path)
    env = dict(os.environ, MANPATH=str(installed / "usr/share/man"))  # Documentation=man:custodyd(8) is checked too
    out = subprocess.run(["systemd-analyze", "verify", str(unit_dir / "custodyd.service"), str(unit_dir / "custodyd.socket")],
                         capture_output=True, text=True, timeout=120, env=env)
    assert out.returncode == 0 and out.stdout.strip() == "" and out.stderr.strip() == "", f"{out.stdout}\n{out.stderr}"


def test_systemd_analyze_security_rates_the_service_low(tmp_path):
    unit = tmp_path / "custodyd.service"
    shutil.copy(REPO / "systemd/custodyd.service", unit)
    out = subprocess.run(["systemd-analyze", "security", "--offline=yes", f"--threshold={int(SECURITY_THRESHOLD * 10)}", str(unit)],
                         capture_output=True, text=True, timeout=120)
    level = re.search(r"Overall exposure level for custodyd.service: (\d+\.\d+)", out.stdout)
    assert level, out.stdout + out.stderr
    assert float(level.group(1)) <= SECURITY_THRESHOLD, f"exposure {level.group(1)} > {SECURITY_THRESHOLD}:\n{out.stdout}"
    assert out.returncode == 0, out.stdout + out.stderr


def test_every_hardening_line_says_why():
    lines = (REPO / "systemd/custodyd.service").read_text().splitlines()
    start = lines.index(next(l for l in lines if l.startswith("# --- Hardening")))
    directives = 0
    for i in range(start + 1, len(lines)):
        line = lines[i]
        if line.startswith("["):
            break
        if re.match(r"^[A-Z]\w*=", line):
            directives += 1
            assert lines[i - 1].startswith("# "), f"no comment says why: {line}"
    assert directives >= 30
    unit = "\n".join(lines)
    for needed in ("Type=notify", "WatchdogSec=", "Restart=on-failure", "User=custody", "StateDirectory=custody",
                   "RuntimeDirectory=custody", "ConfigurationDirectory=custody", "ProtectSystem=strict", "ProtectHome=yes",
                   "PrivateTmp=yes", "NoNewPrivileges=yes", "CapabilityBoundingSet=\n", "DevicePolicy=closed",
                   "DeviceAllow=char-usb_device rw", "DeviceAllow=block-sd r", "DeviceAllow=char-alsa rw",
                   "RestrictAddressFamilies=AF_UNIX AF_NETLINK", "SystemCallFilter=@system-service",
                   "MemoryDenyWriteExecute=yes", "LockPersonality=yes", "RestrictRealtime=yes", "ProtectKernelTunables=yes"):
        assert needed in unit, f"custodyd.service lacks {needed!r}"


def test_socket_unit():
    socket = (REPO / "systemd/custodyd.socket").read_text()
    # The socket's group lets people connect and grants no role (roles are the custody-* role groups).
    for needed in ("ListenStream=/run/custody/control.sock", "SocketGroup=custody-clients", "SocketMode=0660"):
        assert needed in socket
    service = (REPO / "systemd/custodyd.service").read_text()
    assert "SupplementaryGroups=custody-clients custody-operators" in service
    assert re.search(r"^LimitNOFILE=\d+$", service, re.M), "the unit sets the open-file limit the connection caps assume"


def test_udev_rules_start_the_service():
    rules = [l for l in (REPO / "udev/70-custody.rules").read_text().splitlines() if l and not l.startswith("#")]
    starters = [l for l in rules if 'TAG+="systemd"' in l]
    assert len(starters) >= 4 and all('ENV{SYSTEMD_WANTS}+="custodyd.service"' in l for l in starters)


def test_sysusers_and_tmpfiles_make_the_users_and_the_layout(installed, tmp_path):
    root = tmp_path / "root"
    shutil.copytree(installed, root, symlinks=True)
    (root / "etc").mkdir(exist_ok=True)
    out = subprocess.run(["systemd-sysusers", f"--root={root}", "custody.conf"], capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    users = {l.split(":")[0]: l.split(":") for l in (root / "etc/passwd").read_text().splitlines()}
    groups = {l.split(":")[0]: l.split(":") for l in (root / "etc/group").read_text().splitlines()}
    assert users["custody"][5] == "/var/lib/custody" and users["custody"][6] == "/usr/sbin/nologin"
    assert int(users["custody"][2]) < 1000, "a system user"
    for g in ("custody", "custody-clients", "custody-operators", "custody-supervisors", "custody-auditors"):
        assert g in groups and int(groups[g][2]) < 1000
    assert "custody" in groups["custody-clients"][3].split(","), "custodyd may give a socket it makes itself to the clients"
    assert "custody" in groups["custody-operators"][3].split(","), "custodyd reads the import drop box"
    out = subprocess.run(["systemd-tmpfiles", f"--root={root}", "--create", "custody.conf"], capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    uid, gid = int(users["custody"][2]), int(users["custody"][3])
    for rel, mode in (("var/lib/custody", 0o750), ("var/lib/custody/blobs", 0o750), ("var/lib/custody/tmp", 0o750),
                      ("var/lib/custody/ledger", 0o750)):
        st = (root / rel).stat()
        assert (stat.S_IMODE(st.st_mode), st.st_uid, st.st_gid) == (mode, uid, gid), rel
    st = (root / "srv/custody/import").stat()
    assert stat.S_IMODE(st.st_mode) == 0o3770 and st.st_gid == int(groups["custody-operators"][2])


# ---------------------------------------------------------------------------
# The Debian package


@pytest.fixture(scope="module")
def built_deb():
    """out/deb/custody_VERSION_ARCH.deb, made by make deb from the release build (what
    ships: its Swift runtime linked statically); make deb runs lintian --fail-on error."""
    if not shutil.which("lintian") or not shutil.which("dpkg-deb"):
        pytest.skip("needs dpkg-deb and lintian (scripts/install-deps.sh installs them)")
    make("deb", timeout=5400, bin=None)
    debs = sorted((REPO / "out/deb").glob("custody_*.deb"))
    assert len(debs) == 1
    return debs[0]


def test_deb_package(built_deb, tmp_path):
    deb = built_deb
    lintian = subprocess.run(["lintian", "--fail-on", "error", str(deb)], capture_output=True, text=True, timeout=600)
    assert lintian.returncode == 0 and not re.search(r"^E: ", lintian.stdout, re.M), lintian.stdout
    listing = subprocess.run(["dpkg-deb", "--contents", str(deb)], capture_output=True, text=True, check=True).stdout
    packaged = {line.split()[-1].lstrip("./") for line in listing.splitlines() if not line.startswith("d")}
    expected = {p + (".gz" if "/man/" in p else "") for p in EXPECTED} | {
        "usr/share/doc/custody/copyright", "usr/share/doc/custody/changelog.gz", "usr/share/doc/custody/NOTICE"}
    assert packaged == expected
    assert all(" root/root " in line for line in listing.splitlines())
    # The notices of what is built into the binaries travel with them.
    notice = subprocess.run(["dpkg-deb", "--fsys-tarfile", str(deb)], capture_output=True, check=True).stdout
    extracted = tmp_path / "fsys"
    extracted.mkdir()
    subprocess.run(["tar", "-x", "-C", str(extracted), "./usr/share/doc/custody/NOTICE"], input=notice, check=True)
    assert (extracted / "usr/share/doc/custody/NOTICE").read_bytes() == (REPO / "NOTICE").read_bytes()
    info = subprocess.run(["dpkg-deb", "--info", str(deb)], capture_output=True, text=True, check=True).stdout
    assert "Package: custody" in info and "conffiles" in info
    # Depends: is what dpkg-shlibdeps finds the packaged binaries linking, plus the declared rest.
    depends = [d.strip().split()[0] for d in re.search(r"^ Depends: (.*)$", info, re.M).group(1).split(",")]
    for needed in ("libasound2", "libusb-1.0-0", "libsqlite3-0", "libc6", "systemd", "udev", "init-system-helpers"):
        assert needed in depends, f"Depends: lacks {needed}: {depends}"
    control = tmp_path / "control"
    subprocess.run(["dpkg-deb", "--control", str(deb), str(control)], check=True)
    postinst = (control / "postinst").read_text()
    assert "systemd-sysusers custody.conf" in postinst and "udevadm control --reload-rules" in postinst
    assert "deb-systemd-helper enable custodyd.socket custodyd.service" in postinst
    # udev re-runs the rules as a change beneath the catalogued devices alone, never as an add.
    assert "--action=add" not in postinst and "udevadm trigger --action=change $parents" in postinst
    assert "#UDEV_TRIGGER_ENUMERATIONS#" not in postinst
    enumerations = subprocess.run([str(BIN / "custodyctl"), "catalog", "udev-trigger", "--catalog", str(REPO / "catalog")],
                                  capture_output=True, text=True, check=True).stdout.splitlines()
    assert len(enumerations) == len(CATALOG) and all(f"    {line}" in postinst.splitlines() for line in enumerations)
    assert (control / "conffiles").read_text().split() == ["/etc/custody/custodyd.toml"]
    for script in ("postinst", "prerm", "postrm"):
        assert os.access(control / script, os.X_OK)
        check = subprocess.run(["sh", "-n", str(control / script)], capture_output=True, text=True)
        assert check.returncode == 0, check.stderr


# ---------------------------------------------------------------------------
# The Debian package's configure step, in a scratch root


def run_postinst(root, tmp_path, *args):
    """Runs packaging/debian/postinst for DPKG_ROOT=root: systemd-sysusers works on the
    root; systemctl, udev and tmpfiles steps are left out (shims that do nothing)."""
    shims = tmp_path / "shims"
    shims.mkdir(exist_ok=True)
    sysusers = shutil.which("systemd-sysusers")
    (shims / "systemd-sysusers").write_text(f'#!/bin/sh\nexec {sysusers} --root="$DPKG_ROOT" "$@"\n')
    for tool in ("systemd-tmpfiles", "udevadm", "deb-systemd-helper", "deb-systemd-invoke"):
        (shims / tool).write_text("#!/bin/sh\nexit 0\n")
    for f in shims.iterdir():
        f.chmod(0o755)
    env = dict(os.environ, DPKG_ROOT=str(root), PATH=f"{shims}:{os.environ['PATH']}")
    out = subprocess.run(["sh", str(REPO / "packaging/debian/postinst"), *args], env=env, capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stdout + out.stderr
    return {l.split(":")[0]: l.split(":") for l in (root / "etc/group").read_text().splitlines()}


def test_postinst_makes_role_group_members_clients_on_upgrade_only(installed, tmp_path):
    if os.geteuid() != 0 or not shutil.which("gpasswd"):
        pytest.skip("needs root and gpasswd to edit a scratch root's group database")
    # A station installed before custody-clients: role groups with members, one by primary group.
    old = tmp_path / "old"
    shutil.copytree(installed, old, symlinks=True)
    (old / "etc").mkdir(exist_ok=True)
    (old / "etc/passwd").write_text("root:x:0:0:root:/root:/bin/sh\n"
                                    "olga:x:1001:1001::/home/olga:/bin/sh\nsven:x:1002:1002::/home/sven:/bin/sh\n"
                                    "audra:x:1003:1003::/home/audra:/bin/sh\nprim:x:1004:995::/home/prim:/bin/sh\n"
                                    "other:x:1005:1005::/home/other:/bin/sh\n")
    (old / "etc/group").write_text("root:x:0:\nolga:x:1001:\nsven:x:1002:\naudra:x:1003:\nother:x:1005:\n"
                                   "custody-operators:x:995:olga\ncustody-supervisors:x:996:sven,olga\ncustody-auditors:x:997:audra\n")
    (old / "etc/gshadow").write_text("root:*::\ncustody-operators:!::olga\ncustody-supervisors:!::sven,olga\ncustody-auditors:!::audra\n")
    (old / "etc/gshadow").chmod(0o600)
    groups = run_postinst(old, tmp_path, "configure", "0.1.0")
    clients = set(groups["custody-clients"][3].split(","))
    assert clients == {"olga", "sven", "audra", "prim", "custody"}, "every role holder may still connect; nobody else"
    assert set(groups["custody-operators"][3].split(",")) == {"olga", "custody"}, "roles are unchanged (custody reads the drop box)"
    assert set(groups["custody-auditors"][3].split(",")) == {"audra"}
    assert "other" not in clients

    # custody-clients exists now: a later configure leaves the administrator's choices alone.
    for name in ("etc/group", "etc/gshadow"):
        text = (old / name).read_text()
        (old / name).write_text(re.sub(r"^(custody-clients:[^:]*:[^:]*:).*$", r"\1custody", text, flags=re.M))
    assert set(run_postinst(old, tmp_path, "configure", "0.1.0")["custody-clients"][3].split(",")) == {"custody"}

    # A fresh installation: no role group existed, so nobody but the daemon is a client.
    new = tmp_path / "new"
    shutil.copytree(installed, new, symlinks=True)
    (new / "etc").mkdir(exist_ok=True)
    (new / "etc/passwd").write_text("root:x:0:0:root:/root:/bin/sh\n")
    (new / "etc/group").write_text("root:x:0:\n")
    groups = run_postinst(new, tmp_path, "configure")
    assert groups["custody-clients"][3] == "custody"


# ---------------------------------------------------------------------------
# The udev rules and the postinst's trigger, as udev evaluates them on emulated
# devices: the body camera's USB mass storage (system-tests/umockdev/), a PTP still
# camera, and a SATA disk no catalog entry matches.

UMOCKDEV = REPO / "system-tests/umockdev"
BODYCAM_USB = "/sys/devices/pci0000:00/0000:00:14.0/usb1/1-2/1-2.3"
BODYCAM_DISK = BODYCAM_USB + "/1-2.3:1.0/host6/target6:0:0/6:0:0:0/block/sdb"
SATA_DISK = "/sys/devices/pci0000:00/0000:00:17.0/ata1/host0/target0:0:0/0:0:0:0/block/sda"
SATA_UMOCKDEV = """P: /devices/pci0000:00/0000:00:17.0/ata1/host0/target0:0:0/0:0:0:0/block/sda
N: sda
E: DEVNAME=/dev/sda
E: DEVTYPE=disk
E: MAJOR=8
E: MINOR=0
E: SUBSYSTEM=block
E: ID_BUS=ata
A: size=1000215216
A: removable=0

"""

# udevadm test and trigger write udev's database (/run/udev) and /dev/block links even
# when they only simulate: in a mount namespace of their own, both are scratch tmpfs,
# and RULES is the only local rules directory (/etc/udev/rules.d).
PRIVATE_UDEV = r"""
set -e
mount -t tmpfs tmpfs /run
mkdir /run/host-dev && mount --rbind /dev /run/host-dev
mount -t tmpfs -o mode=0755 tmpfs /dev
for n in null zero random urandom; do touch /dev/$n; mount --bind /run/host-dev/$n /dev/$n; done
mount --bind "$RULES" /etc/udev/rules.d
exec "$@"
"""


def emulated(tmp_path, *command, rules=None, env=None):
    """Runs command under umockdev (body camera, PTP camera, SATA disk) in a private mount namespace."""
    if os.geteuid() != 0 or not all(shutil.which(t) for t in ("udevadm", "umockdev-run", "unshare")):
        pytest.skip("needs root, udevadm (udev) and umockdev-run (scripts/install-deps.sh installs them)")
    (tmp_path / "sata.umockdev").write_text(SATA_UMOCKDEV)
    rules_dir = tmp_path / "rules.d"
    rules_dir.mkdir(exist_ok=True)
    if rules is not None:
        shutil.copy(rules, rules_dir / "70-custody.rules")
    devices = [UMOCKDEV / "bodycam-mass-storage.umockdev", UMOCKDEV / "ptp-still-camera.umockdev", tmp_path / "sata.umockdev"]
    cmd = ["unshare", "-m", "sh", "-c", PRIVATE_UDEV, "private-udev", "umockdev-run",
           *[a for d in devices for a in ("-d", str(d))], "--", *command]
    return subprocess.run(cmd, capture_output=True, text=True, timeout=300, env=dict(os.environ, RULES=str(rules_dir), **(env or {})))


def udev_properties(output):
    """The KEY=VALUE lines udevadm test prints last (after its closing note)."""
    tail = output.split("specified by a RUN key.", 1)[-1]
    return dict(l.split("=", 1) for l in tail.splitlines() if re.fullmatch(r"[A-Z_0-9]+=.*", l))


def test_udev_rules_keep_evidence_disks_from_udisks(tmp_path):
    rules = REPO / "udev/70-custody.rules"
    camera = emulated(tmp_path, "udevadm", "test", "--action=add", BODYCAM_DISK, rules=rules)
    assert camera.returncode == 0, camera.stdout + camera.stderr
    assert "Reading rules file: /etc/udev/rules.d/70-custody.rules" in camera.stdout + camera.stderr
    props = udev_properties(camera.stdout)
    assert props.get("ID_BUS") == "usb" and props.get("DEVNAME") == "/dev/sdb", props
    assert (props.get("UDISKS_IGNORE"), props.get("UDISKS_AUTO"), props.get("UDISKS_SYSTEM")) == ("1", "0", "1"), props
    # A disk no catalog entry matches is left to the desktop.
    other = emulated(tmp_path, "udevadm", "test", "--action=add", SATA_DISK, rules=rules)
    assert other.returncode == 0, other.stdout + other.stderr
    props = udev_properties(other.stdout)
    assert props.get("DEVNAME") == "/dev/sda" and not any(k.startswith("UDISKS_") for k in props), props


def test_postinst_reruns_rules_as_change_beneath_catalogued_devices_only(built_deb, installed, tmp_path):
    control = tmp_path / "control"
    subprocess.run(["dpkg-deb", "--control", str(built_deb), str(control)], check=True)
    root = tmp_path / "root"
    shutil.copytree(installed, root, symlinks=True)
    (root / "etc").mkdir(exist_ok=True)
    (root / "etc/passwd").write_text("root:x:0:0:root:/root:/bin/sh\n")
    (root / "etc/group").write_text("root:x:0:\n")
    # udev of the root being configured is running: its control socket is there.
    (root / "run/udev").mkdir(parents=True)
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET)
    listener.bind(str(root / "run/udev/control"))
    shims = tmp_path / "shims"
    shims.mkdir()
    log = tmp_path / "udevadm.log"
    udevadm = shutil.which("udevadm")
    sysusers = shutil.which("systemd-sysusers")
    # udevadm as the postinst calls it: enumerations run for real; the reload is recorded;
    # the change trigger is recorded and run as a dry run that lists what it would re-run.
    (shims / "udevadm").write_text(f"""#!/bin/sh
echo "udevadm $*" >> {log}
case "$1 $2" in
  "control --reload-rules") exit 0 ;;
  "trigger --action=change") shift 2; exec {udevadm} trigger --dry-run --verbose --action=change "$@" >> {log} ;;
  *) exec {udevadm} "$@" ;;
esac
""")
    (shims / "systemd-sysusers").write_text(f'#!/bin/sh\nexec {sysusers} --root="$DPKG_ROOT" "$@"\n')
    for tool in ("systemd-tmpfiles", "deb-systemd-helper", "deb-systemd-invoke"):
        (shims / tool).write_text("#!/bin/sh\nexit 0\n")
    for f in shims.iterdir():
        f.chmod(0o755)
    out = emulated(tmp_path, "sh", str(control / "postinst"), "configure",
                   env={"DPKG_ROOT": str(root), "PATH": f"{shims}:{os.environ['PATH']}"})
    listener.close()
    assert out.returncode == 0, out.stdout + out.stderr
    calls = log.read_text().splitlines()
    assert not any("--action=add" in c for c in calls), calls
    changes = [c for c in calls if c.startswith("udevadm trigger --action=change")]
    assert len(changes) == 1, calls
    parents = sorted(a.split("=", 1)[1] for a in changes[0].split()[3:])
    assert parents == [BODYCAM_USB, "/sys/devices/pci0000:00/0000:00:1a.0/usb2/2-1"], changes[0]
    rerun = [c for c in calls if c.startswith("/sys/")]
    # The camera, its interface, SCSI host, target and device, and disk; the still camera
    # and its interface; not the hub they hang off, not the SATA disk.
    assert BODYCAM_DISK in rerun and BODYCAM_USB in rerun and "/sys/devices/pci0000:00/0000:00:1a.0/usb2/2-1" in rerun
    assert all(p.startswith((BODYCAM_USB, "/sys/devices/pci0000:00/0000:00:1a.0/usb2/2-1")) for p in rerun), rerun
    assert SATA_DISK not in rerun and "/sys/devices/pci0000:00/0000:00:14.0/usb1/1-2" not in rerun
