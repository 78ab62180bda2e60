import ArgumentParser
import CustodyProtocol

/// `custodyctl record status [--courtroom ID] [--json]`.
struct RecordStatusCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status", abstract: "Show each courtroom's recording: state, levels, alarms, faults.")

    @Option(name: .long, help: ArgumentHelp("Only this courtroom, with its latest segments.", valueName: "id")) var courtroom: String?
    @OptionGroup var global: GlobalOptions

    func run() throws {
        let client = global.client()
        if let courtroom {
            let room = try client.recording(courtroom, segments: 20)
            if global.json { return try global.printJSON(room) }
            say(RecordingFormatting.status([room]))
            if let segments = room.segments, !segments.isEmpty {
                say("")
                say(RecordingFormatting.segments(segments))
            }
            return
        }
        let list = try client.recordings([("limit", "1")])
        if global.json { return try global.printJSON(list.courtrooms) }
        guard !list.courtrooms.isEmpty else {
            say("no courtroom is configured ([[courtroom]] in custodyd.toml)")
            return
        }
        say(RecordingFormatting.status(list.courtrooms))
    }
}
