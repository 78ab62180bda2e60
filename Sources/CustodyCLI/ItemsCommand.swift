import ArgumentParser

/// `custodyctl items [filters]`: stored recordings, in recording-time order.
struct ItemsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "items", abstract: "List stored recordings.")

    @Option(name: .long, help: ArgumentHelp("Officer's badge number.", valueName: "badge")) var officer: String?
    @Option(name: .long, help: ArgumentHelp("Hearing id.", valueName: "id")) var hearing: String?
    @Option(name: .long, help: ArgumentHelp("Case number.", valueName: "case")) var `case`: String?
    @Option(name: .long, help: ArgumentHelp("Category.", valueName: "name")) var category: String?
    @Option(name: .long, help: ArgumentHelp("Serial of the device it came from.", valueName: "serial")) var device: String?
    @Option(name: .long, help: ArgumentHelp("Courtroom id.", valueName: "id")) var courtroom: String?
    @Option(name: .long, help: ArgumentHelp("Recorded at or after (RFC 3339).", valueName: "time")) var from: String?
    @Option(name: .long, help: ArgumentHelp("Recorded before (RFC 3339).", valueName: "time")) var to: String?
    @Option(name: .long, help: ArgumentHelp("Text in the path, tags, officer's name or notes.", valueName: "text")) var text: String?
    @Option(name: .long, help: "Most items to list.") var limit = 100
    @Option(name: .long, help: "Items to skip.") var offset = 0

    @OptionGroup var global: GlobalOptions

    func run() throws {
        var query: [(String, String)] = []
        for (key, value) in [("officer", officer), ("hearing", hearing), ("case", `case`), ("category", category),
                             ("device", device), ("courtroom", courtroom), ("from", from), ("to", to), ("text", text)] {
            if let value { query.append((key, value)) }
        }
        query += [("limit", String(limit)), ("offset", String(offset))]
        let list = try global.client().items(query)
        if global.json { return try global.printJSON(list.items) }
        say(Formatting.table(["ID", "RECORDED (UTC)", "TIME FROM", "TYPE", "SIZE", "OFFICER", "HEARING", "CATEGORY", "SHA-256", "PATH"],
                               list.items.map {
            [String($0.id), Formatting.time($0.recordedAt) + ($0.recordedAtImplausible == nil ? "" : " (implausible)"), $0.recordedAtSource, $0.mediaType, Formatting.bytes($0.size),
             $0.tags.officer ?? "-", $0.tags.hearing ?? "-", $0.tags.category + ($0.deletedAt == nil ? "" : " (deleted)"),
             String($0.sha256.prefix(12)), $0.source.path]
        }))
        if list.total > Int64(list.items.count) {
            say("(\(list.items.count) of \(list.total); use --offset and --limit for more)")
        }
    }
}
