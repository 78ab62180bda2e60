import ArgumentParser
import CustodyProtocol

/// `custodyctl record segments [--hearing H] [--courtroom ID] [--session S]`.
struct RecordSegmentsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "segments", abstract: "List recorded segments in order, with the gaps between them.")

    @Option(name: .long, help: ArgumentHelp("Segments of this hearing.", valueName: "id")) var hearing: String?
    @Option(name: .long, help: ArgumentHelp("Segments of this courtroom.", valueName: "id")) var courtroom: String?
    @Option(name: .long, help: ArgumentHelp("Segments of this session.", valueName: "reference")) var session: String?
    @Option(name: .long, help: "Most segments to list (the latest).") var limit = 1000

    @OptionGroup var global: GlobalOptions

    func run() throws {
        var query: [(String, String)] = [("limit", String(limit))]
        for (key, value) in [("hearing", hearing), ("courtroom", courtroom), ("session", session)] {
            if let value { query.append((key, value)) }
        }
        let segments = try global.client().recordings(query).segments
        if global.json { return try global.printJSON(segments) }
        say(RecordingFormatting.segments(segments))
    }
}
