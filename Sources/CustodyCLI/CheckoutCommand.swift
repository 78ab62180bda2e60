import ArgumentParser

/// `custodyctl checkout DEVICE --officer B`: a pool device handed out for a shift.
struct CheckoutCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "checkout", abstract: "Hand a pool device to an officer for a shift, from now.")

    @Argument(help: ArgumentHelp("Device serial.", valueName: "device")) var device: String
    @Option(name: .long, help: ArgumentHelp("Officer's badge number.", valueName: "badge")) var officer: String
    @OptionGroup var global: GlobalOptions

    func run() throws {
        let a = try global.client().checkout(device: device, officer: officer)
        if global.json { return try global.printJSON(a) }
        say("\(a.device) checked out to \(a.officer) (\(a.officerName)) at \(Formatting.time(a.from))")
    }
}
