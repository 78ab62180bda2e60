import ArgumentParser

/// `custodyctl record …`: courtroom recording sessions.
struct RecordCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "record", abstract: "Record courtrooms: start and stop sessions, follow their levels, list their segments.",
        subcommands: [RecordStartCommand.self, RecordStopCommand.self, RecordStatusCommand.self, RecordSegmentsCommand.self])
}
