import ArgumentParser
import CustodyProtocol

/// `custodyctl status`: version, uptime, what is stored, jobs running.
struct StatusCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "status", abstract: "Show the daemon's version, uptime and store.")

    @OptionGroup var global: GlobalOptions

    func run() throws {
        let s = try global.client().status()
        if global.json { return try global.printJSON(s) }
        var rows = [
            ["version", s.version],
            ["uptime", Formatting.duration(s.uptimeSeconds)],
            ["items", String(s.items)],
            ["blobs", String(s.blobs)],
            ["stored", Formatting.bytes(s.bytesStored)],
            ["jobs running", String(s.jobsRunning)],
            ["state", s.stateDirectory],
        ]
        if let space = s.space {
            rows.append(["free space", "\(Formatting.bytes(space.freeBytes)) of \(Formatting.bytes(space.totalBytes)) (\(space.state))"])
        }
        rows.append(["you", "\(s.caller.name) (uid \(s.caller.uid)): \(s.caller.roles.joined(separator: ", "))"])
        say(Formatting.table(["", ""], rows, showHeaders: false))
        if let warning = s.space.flatMap(Self.warning) { say(warning) }
    }

    /// The line that follows the table when free space is low or ingest is paused.
    static func warning(_ space: SpaceDTO) -> TerminalText? {
        switch space.state {
        case "paused":
            return "warning: ingest is paused: \(Formatting.bytes(space.freeBytes)) free, below \(Formatting.bytes(space.pauseBelowBytes)); "
                + "it resumes by itself once \(Formatting.bytes(space.resumeAboveBytes)) are free"
        case "low":
            return "warning: free space is low: \(Formatting.bytes(space.freeBytes)) free, below \(Formatting.bytes(space.warnBelowBytes)); "
                + "ingest pauses below \(Formatting.bytes(space.pauseBelowBytes))"
        default:
            return nil
        }
    }
}
