import ArgumentParser

/// `custodyctl courtrooms`: the registered courtrooms.
struct CourtroomsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "courtrooms", abstract: "List registered courtrooms.")

    @OptionGroup var global: GlobalOptions

    func run() throws {
        let rooms = try global.client().courtrooms().courtrooms
        if global.json { return try global.printJSON(rooms) }
        say(Formatting.table(["ID", "NAME", "BUILDING"], rooms.map { [$0.id, $0.name, $0.building ?? "-"] }))
    }
}
