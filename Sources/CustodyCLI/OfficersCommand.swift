import ArgumentParser

/// `custodyctl officers [--unit U]`: the registered officers.
struct OfficersCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "officers", abstract: "List registered officers.")

    @Option(name: .long, help: ArgumentHelp("Only this unit's officers.", valueName: "unit")) var unit: String?
    @OptionGroup var global: GlobalOptions

    func run() throws {
        let officers = try global.client().officers(unit: unit).officers
        if global.json { return try global.printJSON(officers) }
        say(Formatting.table(["BADGE", "NAME", "UNIT", "RANK"], officers.map { [$0.badge, $0.name, $0.unit, $0.rank ?? "-"] }))
    }
}
