import ArgumentParser
import CustodyProtocol

/// `custodyctl record stop --courtroom ID`.
struct RecordStopCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "stop", abstract: "Stop recording a courtroom.",
        discussion: """
            Finishes the segment being written and returns once the session's end is recorded; its segments \
            are filed as evidence. A hearing whose recording is stopped by hand is not started again by the schedule.
            """)

    @Option(name: .long, help: ArgumentHelp("Courtroom id.", valueName: "id")) var courtroom: String
    @OptionGroup var global: GlobalOptions

    func run() throws {
        let room = try global.client().stopRecording(courtroom)
        if global.json { return try global.printJSON(room) }
        guard let s = room.session, let stoppedAt = s.stoppedAt else {
            say("courtroom \(room.courtroom) was not recording")
            return
        }
        var line: TerminalText = "courtroom \(room.courtroom): \(room.state.rawValue) at \(Formatting.time(stoppedAt))"
        if let reason = s.stopReason { line += " (\(reason)\(s.stoppedBy.map { " by \($0.name)" } ?? ""))" }
        say(line)
        say("  session \(s.reference ?? "-"): \(RecordingFormatting.duration(frames: s.framesCaptured, rate: room.format.rate)) of audio in \(s.segmentsClosed) segments, \(s.droppedFrames) frames dropped")
    }
}
