import ArgumentParser
import CustodyProtocol

/// `custodyctl hold …`: legal holds, which keep items from deletion.
struct HoldCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "hold", abstract: "Legal holds on an item or a whole case: held items are never deleted.",
        subcommands: [HoldListCommand.self, HoldPlaceCommand.self, HoldReleaseCommand.self], defaultSubcommand: HoldListCommand.self)
}

/// `custodyctl hold list [--all]`.
struct HoldListCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "List holds in force (with --all, released ones too).")
    @Flag(name: .long, help: "Include released holds.") var all = false
    @OptionGroup var global: GlobalOptions

    func run() throws {
        let holds = try global.client().holds(all: all).holds
        if global.json { return try global.printJSON(holds) }
        say(Formatting.table(["ID", "ON", "REASON", "PLACED (UTC)", "BY", "RELEASED"], holds.map { h in
            [String(h.id), h.item.map { "item \($0)" } ?? "case \(h.case ?? "")", h.reason, Formatting.time(h.placedAt), h.placedBy.name,
             h.releasedAt.map { "\(Formatting.time($0)) by \(h.releasedBy?.name ?? "?"): \(h.releaseReason ?? "")" } ?? "-"]
        }))
    }
}

/// `custodyctl hold place (--item N | --case C) --reason TEXT` (supervisors).
struct HoldPlaceCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "place", abstract: "Place a legal hold on an item or a case.")
    @Option(name: .long, help: ArgumentHelp("Item id.", valueName: "id")) var item: Int64?
    @Option(name: .long, help: ArgumentHelp("Case number.", valueName: "case")) var `case`: String?
    @Option(name: .long, help: ArgumentHelp("Why (an order, a request).", valueName: "text")) var reason: String
    @OptionGroup var global: GlobalOptions

    func validate() throws {
        guard (item == nil) != (`case` == nil) else { throw ValidationError("give --item or --case, one of the two") }
    }

    func run() throws {
        let hold = try global.client().placeHold(HoldRequestDTO(item: item, case: `case`, reason: reason))
        if global.json { return try global.printJSON(hold) }
        say("hold \(hold.id) placed on \(hold.item.map { "item \($0)" } ?? "case \(hold.case ?? "")")")
    }
}

/// `custodyctl hold release ID --reason TEXT` (supervisors).
struct HoldReleaseCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "release", abstract: "Release a legal hold.")
    @Argument(help: "Hold id.") var id: Int64
    @Option(name: .long, help: ArgumentHelp("Why it is released.", valueName: "text")) var reason: String
    @OptionGroup var global: GlobalOptions

    func run() throws {
        let hold = try global.client().releaseHold(id, reason: reason)
        if global.json { return try global.printJSON(hold) }
        say("hold \(hold.id) released at \(Formatting.time(hold.releasedAt))")
    }
}
