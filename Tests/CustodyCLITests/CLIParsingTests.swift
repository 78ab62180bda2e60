import Testing
@testable import CustodyCLI

@Suite("custodyctl arguments")
struct CLIParsingTests {
    @Test("global options before the command move after it", arguments: [
        (["--json", "status"], ["status", "--json"]),
        (["--socket", "/s", "items", "--text", "x"], ["items", "--text", "x", "--socket", "/s"]),
        (["--socket=/s", "--json", "job", "3"], ["job", "3", "--socket=/s", "--json"]),
        (["status", "--json"], ["status", "--json"]),
        (["--json", "ingest", "--", "--odd-name"], ["ingest", "--json", "--", "--odd-name"]),
        (["--json"], ["--json"]),
    ])
    func reorder(input: [String], expected: [String]) {
        #expect(GlobalArguments.moveToEnd(input) == expected)
    }

    @Test("global options parse in either place")
    func parsesBothWays() throws {
        for args in [["--json", "--socket", "/x.sock", "items"], ["items", "--socket", "/x.sock", "--json"]] {
            let command = try #require(try CustodyctlCommand.parseAsRoot(GlobalArguments.moveToEnd(args)) as? ItemsCommand)
            #expect(command.global.json && command.global.socketPath == "/x.sock")
        }
    }

    @Test("usage errors exit 2, help exits 0")
    func exitCodes() {
        #expect(CustodyctlCommand.run(arguments: ["items", "--no-such-option"]) == 2)
        #expect(CustodyctlCommand.run(arguments: ["no-such-command"]) == 2)
        #expect(CustodyctlCommand.run(arguments: ["job", "not-a-number"]) == 2)
        #expect(CustodyctlCommand.run(arguments: ["--help"]) == 0)
    }

    @Test("the ingest command's help is exactly this")
    func ingestHelp() {
        let help = CustodyctlCommand.helpMessage(for: IngestCommand.self, columns: 100)
        #expect(help == """
            OVERVIEW: Ingest the recordings under a path (a card reader's mount, a directory, a file), or on a
            disk image or block device.

            With --image, the path is a disk image or a block device (e.g. /dev/sdb): its partition table and
            FAT12/16/32 or exFAT file systems are read by custodyd itself, read-only, without mounting. Either
            way the path must lie under ingest.allowedPaths.

            USAGE: custodyctl ingest [<path>] [--image <image>] [--device <serial>] [--wait] [--socket <path>] [--json]

            ARGUMENTS:
              <path>                  Directory tree or file to ingest.

            OPTIONS:
              --image <image>         A disk image or block device whose FAT/exFAT file systems to ingest.
              --device <serial>       Serial of the registered device the files came from.
              --wait                  Follow the job to its end; exit 1 if any file was not stored.
              --socket <path>         Control socket (default: $CUSTODY_SOCKET or /run/custody/control.sock).
              --json                  Print JSON instead of tables.
              --version               Show the version.
              -h, --help              Show help information.

            """)
    }

    @Test("a failure to reach the daemon exits 1")
    func unreachable() {
        #expect(CustodyctlCommand.run(arguments: ["status", "--socket", "/nonexistent/custody.sock"]) == 1)
    }
}

@Suite("custodyctl tagging commands")
struct TaggingCommandTests {
    @Test("the tag command's help is exactly this")
    func tagHelp() {
        let help = CustodyctlCommand.helpMessage(for: TagCommand.self, columns: 100)
        #expect(help == """
            OVERVIEW: Set an item's officer, case, hearing or category, or add a note (supervisors).

            Every change is a custody event naming the old and new value. An empty value (--officer "") removes
            that tag.

            USAGE: custodyctl tag <item> [--officer <badge>] [--case <case>] [--hearing <id>] [--category <name>] [--note <text>] [--socket <path>] [--json]

            ARGUMENTS:
              <item>                  Item id.

            OPTIONS:
              --officer <badge>       Officer's badge number.
              --case <case>           Case number.
              --hearing <id>          Hearing id (its case comes with it).
              --category <name>       Category (configured in [retention.categories]).
              --note <text>           A note, kept with the item's earlier notes.
              --socket <path>         Control socket (default: $CUSTODY_SOCKET or /run/custody/control.sock).
              --json                  Print JSON instead of tables.
              --version               Show the version.
              -h, --help              Show help information.

            """)
    }

    @Test("import, checkout, hold and retention parse their arguments")
    func parsing() throws {
        let imp = try #require(try CustodyctlCommand.parseAsRoot(["import", "hearings", "court.ics", "--format", "ics"]) as? ImportCommand)
        #expect(imp.kind == "hearings" && imp.file == "court.ics" && imp.format == "ics")
        let out = try #require(try CustodyctlCommand.parseAsRoot(["checkout", "POOL-1", "--officer", "B-1042"]) as? CheckoutCommand)
        #expect(out.device == "POOL-1" && out.officer == "B-1042")
        #expect(CustodyctlCommand.run(arguments: ["checkout", "POOL-1"]) == 2, "--officer is required")
        #expect(CustodyctlCommand.run(arguments: ["hold", "place", "--item", "3", "--case", "K-1", "--reason", "x"]) == 2)
        let apply = try #require(try CustodyctlCommand.parseAsRoot(["retention", "apply", "--plan", "4"]) as? RetentionApplyCommand)
        #expect(apply.plan == 4)
        let gaps = try #require(try CustodyctlCommand.parseAsRoot(["--json", "gaps", "--from", "2026-03-01T00:00:00Z"].reordered) as? GapsCommand)
        #expect(gaps.global.json && gaps.from == "2026-03-01T00:00:00Z")
    }
}

private extension Array where Element == String {
    var reordered: [String] { GlobalArguments.moveToEnd(self) }
}
