import ArgumentParser
import CustodyProtocol

/// `custodyctl tag ITEM [--officer B] [--case C] [--hearing H] [--category X] [--note TEXT]` (supervisors).
struct TagCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tag", abstract: "Set an item's officer, case, hearing or category, or add a note (supervisors).",
        discussion: "Every change is a custody event naming the old and new value. An empty value (--officer \"\") removes that tag.")

    @Argument(help: "Item id.") var item: Int64
    @Option(name: .long, help: ArgumentHelp("Officer's badge number.", valueName: "badge")) var officer: String?
    @Option(name: .long, help: ArgumentHelp("Case number.", valueName: "case")) var `case`: String?
    @Option(name: .long, help: ArgumentHelp("Hearing id (its case comes with it).", valueName: "id")) var hearing: String?
    @Option(name: .long, help: ArgumentHelp("Category (configured in [retention.categories]).", valueName: "name")) var category: String?
    @Option(name: .long, help: ArgumentHelp("A note, kept with the item's earlier notes.", valueName: "text")) var note: String?
    @OptionGroup var global: GlobalOptions

    func run() throws {
        let i = try global.client().tag(TagRequestDTO(item: item, officer: officer, hearing: hearing, case: `case`, category: category,
                                                      note: note))
        if global.json { return try global.printJSON(i) }
        say("item \(i.id): officer \(i.tags.officer ?? "-"), hearing \(i.tags.hearing ?? "-"), case \(i.tags.case ?? "-"), category \(i.tags.category)")
        for n in i.notes ?? [] { say("  note: \(n)") }
    }
}
