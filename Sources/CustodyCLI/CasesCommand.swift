import ArgumentParser

/// `custodyctl cases`: cases named by hearings, tags and holds.
struct CasesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "cases", abstract: "List cases, with their hearings, items and holds.")

    @OptionGroup var global: GlobalOptions

    func run() throws {
        let cases = try global.client().cases().cases
        if global.json { return try global.printJSON(cases) }
        say(Formatting.table(["CASE", "HEARINGS", "ITEMS", "HOLD"], cases.map {
            [$0.number, String($0.hearings), String($0.items), $0.onHold ? "on hold" : "-"]
        }))
    }
}
