import ArgumentParser

/// `custodyctl gaps [--from T --to T] [--json]`: what is missing from the record.
struct GapsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "gaps", abstract: "Report gaps: unrecorded hearings and holes, devices not docked, recordings without an officer, clocks off.",
        discussion: "Exit status 0 either way; use --json to act on each gap. Thresholds are in the [gaps] configuration.")

    @Option(name: .long, help: ArgumentHelp("From this time (RFC 3339).", valueName: "time")) var from: String?
    @Option(name: .long, help: ArgumentHelp("Before this time (RFC 3339).", valueName: "time")) var to: String?
    @OptionGroup var global: GlobalOptions

    func run() throws {
        var query: [(String, String)] = []
        for (key, value) in [("from", from), ("to", to)] {
            if let value { query.append((key, value)) }
        }
        let report = try global.client().gaps(query)
        if global.json { return try global.printJSON(report) }
        if report.gaps.isEmpty {
            say("no gaps")
            return
        }
        say(Formatting.table(["KIND", "SUBJECT", "WHAT IS MISSING"], report.gaps.map { [$0.kind, $0.subject, $0.message] }))
        if report.truncated { say("(more recordings without an officer than listed; narrow --from/--to)") }
    }
}
