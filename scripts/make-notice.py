#!/usr/bin/env python3
"""NOTICE: what is built into, or linked by, custodyd and custodyctl, under which licence,
with the NOTICE files the Apache-2.0 licensed packages ask to be passed on (section 4(d)).

    scripts/make-notice.py           writes NOTICE from the resolved packages
    scripts/make-notice.py --check   fails when NOTICE is not what it would write, when a
                                     resolved package has no licence below, or when a
                                     binary links a shared library that is not listed

Run by `make test` with --check (after the build): a new dependency, or a new version
whose NOTICE changed, cannot ship without its notice. The licence of each component is
data here, read from its own LICENSE file when it was added; the check names what is
missing."""

import json
import os
import subprocess
import sys

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

HEADER = """Custody
Copyright 2026 The Custody developers

Licensed under the Apache License, Version 2.0 (LICENSE in this repository, and
/usr/share/common-licenses/Apache-2.0 on Debian).

custodyd and custodyctl are built with the components below. The Swift packages
and the Swift runtime are compiled into the binaries (release builds link the Swift
standard library statically); the C libraries at the end are shared libraries of the
system, linked dynamically. Each keeps its own licence.
"""

# Swift packages, by their identity in Package.resolved: (what it is, licence, copyright).
PACKAGES = {
    "swift-argument-parser": ("command-line parsing", "Apache-2.0 with the Swift Runtime Library Exception",
                              "Copyright (c) 2020 Apple Inc. and the Swift project authors"),
    "swift-log": ("logging API", "Apache-2.0", "Copyright 2018, 2019 The SwiftLog Project"),
    "swift-nio": ("the control socket's event loops and HTTP/1.1", "Apache-2.0", "Copyright 2017, 2018 The SwiftNIO Project"),
    "swift-service-lifecycle": ("service start and graceful shutdown", "Apache-2.0",
                                "Copyright 2019-2023 The ServiceLifecycle Project"),
    "swift-crypto": ("SHA-256, Ed25519 (and the BoringSSL code it carries, below)", "Apache-2.0",
                     "Copyright 2019 The SwiftCrypto Project"),
    "swift-asn1": ("ASN.1, used by swift-crypto", "Apache-2.0", "Copyright 2022 The SwiftASN1 Project"),
    "swift-atomics": ("atomics, used by swift-nio", "Apache-2.0 with the Swift Runtime Library Exception",
                      "Copyright (c) 2020-2025 Apple Inc. and the Swift project authors"),
    "swift-collections": ("data structures, used by swift-nio", "Apache-2.0 with the Swift Runtime Library Exception",
                          "Copyright (c) 2021 Apple Inc. and the Swift project authors"),
    "swift-system": ("system calls, used by swift-nio", "Apache-2.0 with the Swift Runtime Library Exception",
                     "Copyright (c) 2020 Apple Inc. and the Swift System project authors"),
    "swift-async-algorithms": ("async sequences, used by swift-service-lifecycle", "Apache-2.0 with the Swift Runtime Library Exception",
                               "Copyright (c) 2022 Apple Inc. and the Swift project authors"),
    "grdb.swift": ("SQLite access for the index", "MIT", "Copyright (C) 2015-2025 Gwendal Roué"),
}

EMBEDDED = """Carried inside swift-crypto: BoringSSL (https://boringssl.googlesource.com/boringssl),
  under the ISC licence (newer files, "Copyright The BoringSSL Authors"), and the
  OpenSSL and SSLeay licences (files derived from OpenSSL, "Copyright (c) 1998-2011
  The OpenSSL Project", "Copyright (C) 1995-1998 Eric Young"), with fiat-crypto's
  generated field arithmetic (MIT, "Copyright (c) 2015-2020 the fiat-crypto authors").

The Swift runtime: the Swift standard library, Foundation, Dispatch
  (https://www.swift.org), Apache-2.0 with the Swift Runtime Library Exception,
  Copyright (c) 2014-2025 Apple Inc. and the Swift project authors; Foundation carries
  ICU (swift-foundation-icu), under the Unicode License v3, Copyright (c) 2016-2025
  Unicode, Inc.
"""

# Shared libraries the binaries link, by soname prefix: (package, licence). The C and C++
# runtime of the system (glibc, libstdc++, libgcc) are the platform's, under their
# licences' system-library terms.
SHARED = {
    "libusb-1.0.so": ("libusb (libusb-1.0-0)", "LGPL-2.1-or-later"),
    "libasound.so": ("alsa-lib (libasound2)", "LGPL-2.1-or-later"),
    "libudev.so": ("libudev (libudev1, from systemd)", "LGPL-2.1-or-later"),
    "libsqlite3.so": ("SQLite (libsqlite3-0)", "public domain"),
}
PLATFORM = ("linux-vdso", "ld-linux", "libc.so", "libm.so", "libpthread.so", "libdl.so", "librt.so", "libstdc++.so", "libgcc_s.so")
# The Swift runtime's own libraries, shared in debug builds (static in release builds).
SWIFT_RUNTIME = ("libswift", "libFoundation", "lib_FoundationICU", "libdispatch", "libBlocksRuntime")


def resolved_packages():
    out = subprocess.run(["swift", "package", "show-dependencies", "--format", "json"], cwd=REPO,
                         check=True, capture_output=True, text=True).stdout
    found = {}

    def walk(node):
        for dep in node.get("dependencies", []):
            found[dep["identity"]] = dep["path"]
            walk(dep)
    walk(json.loads(out[out.index("{"):]))
    return found


def notice_of(path):
    for name in ("NOTICE.txt", "NOTICE"):
        if os.path.exists(os.path.join(path, name)):
            with open(os.path.join(path, name), encoding="utf-8") as f:
                return f.read().strip() + "\n"
    return None


def compose(packages):
    parts = [HEADER, "\nSwift packages\n==============\n"]
    for identity in sorted(packages):
        what, licence, copyright = PACKAGES[identity]
        parts.append(f"\n{identity}: {what}\n  {licence}; {copyright}\n")
    parts.append("\n" + EMBEDDED)
    parts.append("\nShared libraries\n================\n\n")
    for soname, (name, licence) in sorted(SHARED.items()):
        parts.append(f"{name}: {licence}\n")
    for identity in sorted(packages):
        text = notice_of(packages[identity])
        if text:
            bar = "=" * 79
            parts.append(f"\n{bar}\nThe NOTICE of {identity}, as it asks to be passed on:\n{bar}\n\n{text}")
    return "".join(parts)


def linked_libraries(binary):
    out = subprocess.run(["ldd", binary], check=True, capture_output=True, text=True).stdout
    return [line.split()[0] for line in out.splitlines() if line.strip()]


def main():
    check = "--check" in sys.argv[1:]
    binaries = [a for a in sys.argv[1:] if a != "--check"]
    packages = resolved_packages()
    problems = [f"{p}: a resolved package with no licence in scripts/make-notice.py (read its LICENSE, add it to PACKAGES)"
                for p in sorted(packages) if p not in PACKAGES]
    problems += [f"{p}: listed in scripts/make-notice.py but no longer resolved" for p in sorted(PACKAGES) if p not in packages]
    for binary in binaries:
        for lib in linked_libraries(binary):
            name = os.path.basename(lib)
            if name.startswith(PLATFORM) or name.startswith(SWIFT_RUNTIME) or any(name.startswith(s) for s in SHARED):
                continue
            problems.append(f"{binary} links {name}, which NOTICE does not list (add it to SHARED in scripts/make-notice.py)")
    if problems:
        print("\n".join(problems), file=sys.stderr)
        return 1
    text = compose(packages)
    path = os.path.join(REPO, "NOTICE")
    if check:
        with open(path, encoding="utf-8") as f:
            if f.read() != text:
                print("NOTICE is not what scripts/make-notice.py writes from the resolved packages: run it and commit NOTICE",
                      file=sys.stderr)
                return 1
        print(f"NOTICE lists all {len(packages)} resolved packages and every shared library of {len(binaries)} binaries")
        return 0
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
