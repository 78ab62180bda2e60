import ArgumentParser

/// `custodyctl hearings [--from T] [--to T] [--courtroom R] [--case C]`: scheduled and actual hearings.
struct HearingsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "hearings", abstract: "List hearings, with the items tagged to each.")

    @Option(name: .long, help: ArgumentHelp("Sitting at or after (RFC 3339).", valueName: "time")) var from: String?
    @Option(name: .long, help: ArgumentHelp("Sitting before (RFC 3339).", valueName: "time")) var to: String?
    @Option(name: .long, help: ArgumentHelp("Courtroom id.", valueName: "id")) var courtroom: String?
    @Option(name: .long, help: ArgumentHelp("Case number.", valueName: "case")) var `case`: String?
    @OptionGroup var global: GlobalOptions

    func run() throws {
        var query: [(String, String)] = []
        for (key, value) in [("from", from), ("to", to), ("courtroom", courtroom), ("case", `case`)] {
            if let value { query.append((key, value)) }
        }
        let hearings = try global.client().hearings(query).hearings
        if global.json { return try global.printJSON(hearings) }
        say(Formatting.table(["ID", "CASE", "COURTROOM", "JUDGE", "SCHEDULED (UTC)", "ACTUAL (UTC)", "ITEMS"], hearings.map { h in
            let actual = h.actualStart.map { "\(Formatting.time($0)) – \(Formatting.time(h.actualEnd))" } ?? "-"
            return [h.id, h.case, h.courtroom, h.judge, "\(Formatting.time(h.scheduledStart)) – \(Formatting.time(h.scheduledEnd))", actual,
                    String(h.items)]
        }))
    }
}
