import ArgumentParser

/// `custodyctl audit [--item ID]`: the custody events.
struct AuditCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "audit", abstract: "Show custody events (all, or one item's).")

    @Option(name: .long, help: ArgumentHelp("Only this item's events and its job's.", valueName: "id")) var item: Int64?
    @Option(name: .long, help: "Only events after this sequence number.") var after: Int64 = 0
    @Option(name: .long, help: "Most events to list.") var limit = 1000
    @OptionGroup var global: GlobalOptions

    func run() throws {
        var query = [("after", String(after)), ("limit", String(limit))]
        if let item { query.append(("item", String(item))) }
        let events = try global.client().events(query).events
        if global.json { return try global.printJSON(events) }
        say(Formatting.table(["SEQ", "TIME (UTC)", "ACTOR", "ACTION", "SUBJECT", "OUTCOME", "DETAIL"], events.map { e in
            [String(e.seq), Formatting.time(e.time), "\(e.actor.name)(\(e.actor.uid))", e.action, e.subject, e.outcome,
             e.detail.keys.sorted().map { k in "\(k)=\(e.detail[k]!)" }.joined(separator: " ")]
        }))
    }
}
