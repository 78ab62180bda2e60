import ArgumentParser

/// `custodyctl clock DEVICE --offset SECONDS`: a device's clock read against the station's.
struct ClockCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "clock", abstract: "Record how far a device's clock is from the station's (before ingesting its card).",
        discussion: "The offset is applied to the recordings of the device's next ingest (within a day) before they are tagged.")

    @Argument(help: ArgumentHelp("Device serial.", valueName: "device")) var device: String
    @Option(name: .long, help: ArgumentHelp("Device clock minus station clock, in seconds (positive: the device is ahead).",
                                            valueName: "seconds"))
    var offset: Int
    @OptionGroup var global: GlobalOptions

    func run() throws {
        let check = try global.client().clockCheck(device: device, offsetSeconds: offset)
        if global.json { return try global.printJSON(check) }
        say("\(check.device): clock \(abs(check.offsetSeconds)) s \(check.offsetSeconds >= 0 ? "ahead" : "behind"), recorded at \(Formatting.time(check.checkedAt))")
    }
}
