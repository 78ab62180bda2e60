#!/usr/bin/env python3
"""The module graph kept to its floors (docs: DESIGN's arrows; `make module-graph`, part of
`make test`). Every target of Package.swift has a floor; a target may depend on, and import,
only targets on lower floors. The wire (CustodyProtocol) is used by the server, the client and
the CLI alone, and by their tests. Reads `swift package dump-package` and every target's
sources; prints each violation (file and line for an import) and exits 1 if there is any."""
import json
import os
import re
import subprocess
import sys

# Lowest first. A new target gets a line here, on the floor its dependencies put it.
FLOORS = {
    # The bottom: no Custody dependency (the C libraries are wrapped once, above).
    "CLinuxSystem": 0, "CLibUSB": 0, "CLibUdev": 0, "CALSA": 0,
    "CustodyModel": 0, "CustodyMetrics": 0, "CustodyMetadata": 0, "CustodyVolumes": 0,
    # The small core, capture, and what speaks only model records.
    "CustodyCore": 1, "CustodyAudio": 1, "CustodyLedger": 1, "CustodyExport": 1,
    # Hardware wrappers, the catalog, logging, the store.
    "CustodyUSB": 2, "CustodyUdev": 2, "CustodyCatalog": 2, "CustodyLogging": 2, "CustodyStore": 2,
    # The ingest engine (and the tests' fakes).
    "CustodyIngest": 3, "CustodyTestSupport": 3,
    # Engines on top of ingest.
    "CustodyDevices": 4, "CustodyRecording": 4,
    # Drivers.
    "CustodyMassStorage": 5,
    # The wire: DTOs and their mapping from the model.
    "CustodyProtocol": 6,
    # Its two ends.
    "CustodyServer": 7, "CustodyClient": 7,
    # What composes them.
    "CustodyDaemon": 8, "CustodyCLI": 8,
    # Executables.
    "custodyd": 9, "custodyctl": 9, "custody-ledger-bench": 9, "custody-capture-bench": 9,
    "custody-fuzz-registry": 9, "custody-fuzz-http": 9,
}
WIRE = "CustodyProtocol"
# Who may import the wire: its two ends, the CLI, and the HTTP fuzzer that drives the server.
WIRE_USERS = {"CustodyServer", "CustodyClient", "CustodyCLI", "custody-fuzz-http"}

IMPORT = re.compile(r"^\s*(?:@testable\s+|@_implementationOnly\s+|(?:public|internal|package)\s+)?import\s+(?:[a-z]+\s+)?([A-Za-z_][A-Za-z0-9_]*)")


def target_dir(target):
    if target.get("path"):
        return target["path"]
    return os.path.join("Tests" if target["type"] == "test" else "Sources", target["name"])


def local_dependencies(target, names):
    for dep in target["dependencies"]:
        for kind in ("byName", "target"):
            if kind in dep and dep[kind][0] in names:
                yield dep[kind][0]


def imports(directory, names):
    for root, _, files in os.walk(directory):
        for name in sorted(files):
            if not name.endswith(".swift"):
                continue
            path = os.path.join(root, name)
            with open(path, encoding="utf-8") as source:
                for number, line in enumerate(source, 1):
                    match = IMPORT.match(line)
                    if match and match.group(1) in names:
                        yield path, number, match.group(1)


def main():
    package = json.loads(subprocess.run(["swift", "package", "dump-package"], check=True, capture_output=True, text=True).stdout)
    targets = package["targets"]
    names = {t["name"] for t in targets}
    problems = []
    for target in targets:
        name = target["name"]
        if target["type"] == "test":
            # A test target may reach anything its module's floor allows and the fakes,
            # but the wire only when it tests one of the wire's users.
            tested = name.removesuffix("Tests")
            if tested not in WIRE_USERS:
                for path, number, module in imports(target_dir(target), {WIRE}):
                    problems.append(f"{path}:{number}: {name} imports {WIRE}, which only {', '.join(sorted(WIRE_USERS))} use")
            continue
        if name not in FLOORS:
            problems.append(f"Package.swift: target {name} has no floor: give it one in {sys.argv[0]}")
            continue
        floor = FLOORS[name]
        for dep in local_dependencies(target, names):
            if dep not in FLOORS:
                continue  # reported as a target of its own
            if FLOORS[dep] >= floor:
                problems.append(f"Package.swift: {name} (floor {floor}) depends on {dep} (floor {FLOORS[dep]}), not below it")
        for path, number, module in imports(target_dir(target), names):
            if module in FLOORS and FLOORS[module] >= floor and module != name:
                problems.append(f"{path}:{number}: {name} (floor {floor}) imports {module} (floor {FLOORS[module]}), not below it")
            if module == WIRE and name not in WIRE_USERS:
                problems.append(f"{path}:{number}: {name} imports {WIRE}, which only {', '.join(sorted(WIRE_USERS))} use")
    for problem in problems:
        print(problem, file=sys.stderr)
    if problems:
        print(f"module graph: {len(problems)} violation(s)", file=sys.stderr)
        return 1
    print(f"module graph: {len(targets)} targets, every dependency and import points to a lower floor")
    return 0


if __name__ == "__main__":
    sys.exit(main())
