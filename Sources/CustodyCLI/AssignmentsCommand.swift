import ArgumentParser

/// `custodyctl assignments [--device S] [--officer B] [--at T]`: who held which device when.
struct AssignmentsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "assignments", abstract: "List device assignments (personal issue and shifts).")

    @Option(name: .long, help: ArgumentHelp("Device serial.", valueName: "serial")) var device: String?
    @Option(name: .long, help: ArgumentHelp("Officer's badge number.", valueName: "badge")) var officer: String?
    @Option(name: .long, help: ArgumentHelp("In force at this time (RFC 3339).", valueName: "time")) var at: String?
    @OptionGroup var global: GlobalOptions

    func run() throws {
        var query: [(String, String)] = []
        for (key, value) in [("device", device), ("officer", officer), ("at", at)] {
            if let value { query.append((key, value)) }
        }
        let assignments = try global.client().assignments(query).assignments
        if global.json { return try global.printJSON(assignments) }
        say(Formatting.table(["ID", "DEVICE", "OFFICER", "NAME", "KIND", "FROM (UTC)", "TO (UTC)"], assignments.map {
            [String($0.id), $0.device, $0.officer, $0.officerName, $0.kind, Formatting.time($0.from), $0.to.map { Formatting.time($0) } ?? "open"]
        }))
    }
}
