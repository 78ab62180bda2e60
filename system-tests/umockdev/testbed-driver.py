#!/usr/bin/env python3
"""Runs a command inside a umockdev testbed and docks or undocks emulated devices
while it runs, on request.

    umockdev-wrapper /usr/bin/python3 testbed-driver.py DIR BASELINE COMMAND...

DIR holds the *.umockdev descriptions; BASELINE is the device present from the start
("-" for none). Requests are files named request-* in the control directory
($CUSTODY_UMOCKDEV_CONTROL if set, else a new temporary one, passed to COMMAND in
that variable); the answer is written to done-* ("ok START_NS END_NS" or "error
MESSAGE"). The testbed's root directory is written to testbed-root there at start.

    add NAME               the whole device tree of NAME.umockdev at once
    remove NAME            every device of NAME present: "remove" uevents, then deleted
    dock NAME              in the kernel's order, step 1: the USB device and its interfaces
                           (every record of NAME without a SCSI host in its path)
    present NAME DISK [IMAGE]
                           step 2, later: the SCSI host, target, device and the block
                           device DISK (those not yet there); its medium is IMAGE's bytes
                           from the "add" uevent on (at most 8 MiB: umockdev reads a node's
                           content as hex), or none (an empty reader slot, size 0)
    insert DISK IMAGE      a medium into a slot: DISK's node gets IMAGE's bytes, sysfs
                           size its sectors, then a "change" uevent with DISK_MEDIA_CHANGE=1
    eject DISK             the medium taken out: the node truncated in place (a read in
                           flight fails, as on hardware), size 0, the same "change" uevent
    fill NODE IMAGE        IMAGE's bytes into /dev/NODE, with no uevent at all

This script must itself run under umockdev-wrapper: the testbed resolves the devices it
sends uevents for through the emulated /sys. Debian's /usr/bin/python3 has the bindings
(python3-gi, gir1.2-umockdev-1.0).
"""
import os, re, shutil, subprocess, sys, tempfile, time

import gi
gi.require_version("UMockdev", "1.0")
from gi.repository import UMockdev

here, baseline, command = sys.argv[1], sys.argv[2], sys.argv[3:]
testbed = UMockdev.Testbed.new()

def description(name):
    if not name.replace("-", "").isalnum():
        raise ValueError("bad device name %r" % name)
    return os.path.join(here, name + ".umockdev")

def syspaths(name):
    # Children first, as in the file (and as umockdev-record writes them).
    with open(description(name)) as f:
        return ["/sys" + line[3:].strip() for line in f if line.startswith("P: ")]

def records(name):
    """The device records of a description, in its order (children first)."""
    with open(description(name)) as f:
        return [r.strip() + "\n" for r in f.read().split("\n\n") if r.strip()]

def record_path(record):
    return "/sys" + record.split("\n", 1)[0][3:].strip()

def exists(syspath):
    return os.path.exists(testbed.get_root_dir() + syspath)

def add(name):
    # add_from_file emits an "add" uevent for every device it creates.
    testbed.add_from_file(description(name))

def dock(name):
    # The USB device and its interfaces: what the kernel has before usb-storage scans.
    usb = [r for r in records(name) if "/host" not in record_path(r)]
    testbed.add_from_string("\n".join(usb))

def present(name, disk, image=None):
    chain = [r for r in records(name) if "/host" in record_path(r)]
    block = [r for r in chain if record_path(r).endswith("/block/" + disk)]
    if len(block) != 1:
        raise ValueError("%s has no disk %r" % (name, disk))
    target = record_path(block[0])
    # The disk's parents (SCSI device, target, host) that are not there yet, children first.
    wanted = [r for r in chain if target.startswith(record_path(r)) and not exists(record_path(r))]
    sectors, node = 0, "\nN: %s\n" % disk
    if image is not None:
        data = open(image, "rb").read()
        if len(data) > 8 << 20:
            raise ValueError("%s is larger than 8 MiB" % image)
        # The medium is there when the "add" uevent is: the node's content, in hex.
        sectors, node = len(data) // 512, "\nN: %s=%s\n" % (disk, data.hex().upper())
    disk_record = re.sub(r"\nA: size=\d+\n", "\nA: size=%d\n" % sectors, block[0].replace("\nN: %s\n" % disk, node))
    testbed.add_from_string("\n".join(disk_record if r is block[0] else r for r in wanted))

def disk_syspath(disk):
    if not disk.isalnum():
        raise ValueError("bad disk name %r" % disk)
    link = os.path.join(testbed.get_root_dir(), "sys", "class", "block", disk)
    if not os.path.exists(link):
        raise ValueError("no disk %r in the testbed" % disk)
    return os.path.realpath(link)[len(os.path.realpath(testbed.get_root_dir())):]

def media_change(disk, sectors):
    path = disk_syspath(disk)
    testbed.set_attribute(path, "size", str(sectors))
    testbed.set_property(path, "DISK_MEDIA_CHANGE", "1")
    testbed.uevent(path, "change")

def insert(disk, image):
    fill(disk, image)
    media_change(disk, os.path.getsize(image) // 512)

def eject(disk):
    node = os.path.join(testbed.get_root_dir(), "dev", disk)
    # In place: whoever has the node open reads nothing more from it, as from a pulled card.
    os.truncate(node, 0)
    media_change(disk, 0)

def fill(disk, image):
    # A medium in an emulated block device: reads of /dev/NODE give the image's bytes.
    if not disk.isalnum():
        raise ValueError("bad node name %r" % disk)
    node = os.path.join(testbed.get_root_dir(), "dev", disk)
    # Written beside it, given the node's mode (umockdev marks block devices
    # with it), then renamed: the daemon never reads a half-written medium.
    shutil.copyfile(image, node + ".tmp")
    os.chmod(node + ".tmp", os.stat(node).st_mode)
    os.rename(node + ".tmp", node)

def remove(name):
    paths = [p for p in syspaths(name) if exists(p)]
    # remove_device sends nothing: announce first (the uevent is built from sysfs), then delete.
    for path in paths:
        testbed.uevent(path, "remove")
    for path in paths:
        testbed.remove_device(path)
    # umockdev leaves a block device's /sys/block link behind, and would refuse to add
    # the device again: remove it, as the kernel does.
    for path in paths:
        if "/block/" in path:
            for link in ("sys/block", "sys/class/block"):
                stale = os.path.join(testbed.get_root_dir(), link, os.path.basename(path))
                if os.path.islink(stale):
                    os.unlink(stale)

if baseline != "-":
    add(baseline)
control = os.environ.get("CUSTODY_UMOCKDEV_CONTROL") or tempfile.mkdtemp(prefix="custody-umockdev-control-")
os.makedirs(control, exist_ok=True)
owned_control = "CUSTODY_UMOCKDEV_CONTROL" not in os.environ
with open(os.path.join(control, "testbed-root"), "w") as f:
    f.write(testbed.get_root_dir())
env = dict(os.environ, UMOCKDEV_DIR=testbed.get_root_dir(), CUSTODY_UMOCKDEV_CONTROL=control)
print("hotplug driver: testbed %s, control %s, baseline %s" % (testbed.get_root_dir(), control, baseline), flush=True)
child = subprocess.Popen(command, env=env)
# A stop asked of this driver (SIGTERM) goes to the command, which is what the caller meant.
import signal
signal.signal(signal.SIGTERM, lambda *_: child.send_signal(signal.SIGTERM))
signal.signal(signal.SIGINT, lambda *_: child.send_signal(signal.SIGINT))
try:
    while child.poll() is None:
        for entry in sorted(os.listdir(control)):
            if not entry.startswith("request-"):
                continue
            path = os.path.join(control, entry)
            with open(path) as f:
                words = f.read().split()
            os.unlink(path)
            started = time.monotonic_ns()
            try:
                if len(words) == 2 and words[0] == "add":
                    add(words[1])
                elif len(words) == 2 and words[0] == "remove":
                    remove(words[1])
                elif len(words) == 2 and words[0] == "dock":
                    dock(words[1])
                elif len(words) in (3, 4) and words[0] == "present":
                    present(words[1], words[2], words[3] if len(words) == 4 else None)
                elif len(words) == 3 and words[0] == "insert":
                    insert(words[1], words[2])
                elif len(words) == 2 and words[0] == "eject":
                    eject(words[1])
                elif len(words) == 3 and words[0] == "fill":
                    fill(words[1], words[2])
                else:
                    raise ValueError("unknown request %r" % " ".join(words))
                reply = "ok %d %d\n" % (started, time.monotonic_ns())
            except Exception as error:  # reported to the test, which fails with it
                reply = "error %s\n" % error
            print("hotplug driver: %s -> %s" % (" ".join(words), reply.strip()), flush=True)
            done = os.path.join(control, "done-" + entry[len("request-"):])
            with open(done + ".tmp", "w") as f:
                f.write(reply)
            os.rename(done + ".tmp", done)
        time.sleep(0.002)
finally:
    if child.poll() is None:
        child.terminate()
        child.wait()
    if owned_control:
        shutil.rmtree(control, ignore_errors=True)
sys.exit(child.returncode)
