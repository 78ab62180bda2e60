#!/usr/bin/env python3
"""Runs a command inside a umockdev testbed and docks or undocks emulated devices
while it runs, on request.

    umockdev-wrapper /usr/bin/python3 testbed-driver.py DIR BASELINE COMMAND...

DIR holds the *.umockdev descriptions; BASELINE is the device present from the start
("-" for none). Requests are files named request-* in the control directory
($CUSTODY_UMOCKDEV_CONTROL if set, else a new temporary one, passed to COMMAND in
that variable) holding "add NAME" or "remove NAME"; the answer is written to done-*
("ok START_NS END_NS" or "error MESSAGE"); "fill NODE IMAGE" puts a medium (an image
file's bytes) into an emulated block device /dev/NODE. This script must itself run under
umockdev-wrapper: the testbed resolves the devices it sends uevents for through the
emulated /sys. Debian's /usr/bin/python3 has the bindings (python3-gi,
gir1.2-umockdev-1.0).
"""
import os, shutil, subprocess, sys, tempfile, time

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

def add(name):
    # add_from_file emits an "add" uevent for every device it creates.
    testbed.add_from_file(description(name))

def remove(name):
    paths = syspaths(name)
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
                elif len(words) == 3 and words[0] == "fill":
                    # A medium in an emulated block device: reads of /dev/NODE give the image's bytes.
                    if not words[1].isalnum():
                        raise ValueError("bad node name %r" % words[1])
                    node = os.path.join(testbed.get_root_dir(), "dev", words[1])
                    # Written beside it, given the node's mode (umockdev marks block devices
                    # with it), then renamed: the daemon never reads a half-written medium.
                    shutil.copyfile(words[2], node + ".tmp")
                    os.chmod(node + ".tmp", os.stat(node).st_mode)
                    os.rename(node + ".tmp", node)
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
