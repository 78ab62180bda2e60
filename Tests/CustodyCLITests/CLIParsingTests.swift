import Testing
@testable import CustodyCLI
import CustodyProtocol

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

@Suite("custodyctl record")
struct RecordCommandTests {
    @Test("--duration: hours, minutes and seconds, or frames", arguments: [
        ("90m", RecordingDuration.seconds(5400)), ("1h30m", .seconds(5400)), ("3s", .seconds(3)), ("2.5s", .seconds(2.5)),
        ("1h", .seconds(3600)), ("1m30s", .seconds(90)), ("4800f", .frames(4800)),
    ])
    func durations(text: String, expected: RecordingDuration) {
        #expect(RecordingDuration(text) == expected)
    }

    @Test("a duration without a unit, with units out of order, or of nothing is refused", arguments: [
        "90", "m", "30s1m", "1m1m", "0s", "0f", "-3s", "3 s", "f", "1.5f", "",
    ])
    func badDurations(text: String) {
        #expect(RecordingDuration(text) == nil)
        #expect(CustodyctlCommand.run(arguments: ["record", "start", "--courtroom", "3", "--duration", text]) == 2)
    }

    @Test("start, stop, status and segments parse their options")
    func parsing() throws {
        let start = try #require(try CustodyctlCommand.parseAsRoot(
            ["record", "start", "--courtroom", "3", "--hearing", "H-1", "--duration", "90m"]) as? RecordStartCommand)
        #expect(start.courtroom == "3" && start.hearing == "H-1" && start.duration == "90m")
        #expect(CustodyctlCommand.run(arguments: ["record", "start"]) == 2, "--courtroom is required")
        let stop = try #require(try CustodyctlCommand.parseAsRoot(["record", "stop", "--courtroom", "3"]) as? RecordStopCommand)
        #expect(stop.courtroom == "3")
        let status = try #require(try CustodyctlCommand.parseAsRoot(GlobalArguments.moveToEnd(["--json", "record", "status"])) as? RecordStatusCommand)
        #expect(status.global.json && status.courtroom == nil)
        let segments = try #require(try CustodyctlCommand.parseAsRoot(["record", "segments", "--hearing", "H-1"]) as? RecordSegmentsCommand)
        #expect(segments.hearing == "H-1" && segments.limit == 1000)
    }

    @Test("segments print in order with the gaps between them")
    func segmentTable() {
        func segment(_ sequence: Int, _ start: String, gap: Double?) -> RecordingSegmentDTO {
            RecordingSegmentDTO(courtroom: "3", hearing: "H-1", case: nil, session: "0123456789AB", sequence: sequence, firstFrame: 0,
                                frames: 48000, rate: 48000, firstSampleTime: start, endTime: start, durationSeconds: 1,
                                gapBeforeSeconds: gap, droppedFrames: 0, gaps: 0, alarms: 0, repaired: sequence == 3,
                                state: .filed, item: Int64(10 + sequence), sha256: nil, fileName: "x.wav", filedAt: nil, message: nil)
        }
        let text = RecordingFormatting.segments([segment(1, "2026-03-16T09:55:00.000Z", gap: nil),
                                                 segment(2, "2026-03-16T09:55:01.000Z", gap: 0),
                                                 segment(3, "2026-03-16T09:55:04.250Z", gap: 2.25)]).rendered
        #expect(text.contains("2026-03-16 09:55:04Z .250"))
        #expect(text.contains("filed (repaired)"))
        #expect(text.hasSuffix("3 segments, 0:00:03 of audio; 1 gap between them (2.250 s)"))
    }
}
