#!/usr/bin/env python3
"""The module graph kept to its floors (docs/architecture.md; `make module-graph`, part of
`make test`). Every target of Package.swift has a floor; a target may depend on, and import,
only targets on lower floors. The wire (CustodyProtocol) is used by the server, the client and
the CLI alone, and by their tests. Reads `swift package dump-package` and every target's
sources; prints each violation (file and line for an import) and exits 1 if there is any."""
import json
import os
import re
import subprocess
import sys

# The floors, folders and uses of every target: docs/architecture.md's module table (between
# its module-graph markers), which this check holds Package.swift and every import to.
ARCHITECTURE = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "docs", "architecture.md")


def module_table(path=ARCHITECTURE):
    """{module: (floor, folder, uses)} from the table; a malformed row is an error naming its line."""
    with open(path, encoding="utf-8") as f:
        lines = f.read().splitlines()
    begin = next(i for i, l in enumerate(lines) if l.startswith("<!-- module-graph: begin"))
    end = next(i for i, l in enumerate(lines) if l.startswith("<!-- module-graph: end"))
    table = {}
    for number, line in enumerate(lines[begin + 3:end], begin + 4):
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) != 5 or not cells[0].isdigit():
            raise SystemExit(f"{path}:{number}: a module row is | floor | `module` | `folder` | uses | holds |")
        uses = set() if cells[3] in ("", "—") else {u.strip() for u in cells[3].split(",")}
        table[cells[1].strip("`")] = (int(cells[0]), cells[2].strip("`"), uses)
    return table


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


TABLE = module_table()
FLOORS = {name: floor for name, (floor, _, _) in TABLE.items()}


def main():
    package = json.loads(subprocess.run(["swift", "package", "dump-package"], check=True, capture_output=True, text=True).stdout)
    targets = package["targets"]
    names = {t["name"] for t in targets}
    problems = [f"docs/architecture.md: {name} is not a target of Package.swift" for name in sorted(TABLE)
                if name not in names or next(t for t in targets if t["name"] == name)["type"] == "test"]
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
            problems.append(f"Package.swift: target {name} has no row in docs/architecture.md's module table")
            continue
        floor = FLOORS[name]
        _, folder, uses = TABLE[name]
        if folder != target_dir(target):
            problems.append(f"docs/architecture.md: {name}'s folder is {target_dir(target)}, not {folder}")
        declared = set(local_dependencies(target, names))
        if uses != declared:
            problems.append(f"docs/architecture.md: {name} uses {', '.join(sorted(declared)) or 'nothing of ours'} in Package.swift, "
                            f"not {', '.join(sorted(uses)) or 'nothing'}")
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
