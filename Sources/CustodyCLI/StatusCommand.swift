import ArgumentParser

/// `custodyctl status`: version, uptime, what is stored, jobs running.
struct StatusCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "status", abstract: "Show the daemon's version, uptime and store.")

    @OptionGroup var global: GlobalOptions

    func run() throws {
        let s = try global.client().status()
        if global.json { return try global.printJSON(s) }
        print(Formatting.table(["", ""], [
            ["version", s.version],
            ["uptime", Formatting.duration(s.uptimeSeconds)],
            ["items", String(s.items)],
            ["blobs", String(s.blobs)],
            ["stored", Formatting.bytes(s.bytesStored)],
            ["jobs running", String(s.jobsRunning)],
            ["state", s.stateDirectory],
            ["you", "\(s.caller.name) (uid \(s.caller.uid)): \(s.caller.roles.joined(separator: ", "))"],
        ]).split(separator: "\n").dropFirst().joined(separator: "\n"))
    }
}
