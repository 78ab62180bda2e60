import ArgumentParser

/// `custodyctl checkin DEVICE`: the shift's device is back.
struct CheckinCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "checkin", abstract: "End a pool device's shift checkout, now.")

    @Argument(help: ArgumentHelp("Device serial.", valueName: "device")) var device: String
    @OptionGroup var global: GlobalOptions

    func run() throws {
        let a = try global.client().checkin(device: device)
        if global.json { return try global.printJSON(a) }
        say("\(a.device) checked in from \(a.officer) (\(a.officerName)): \(Formatting.time(a.from)) – \(Formatting.time(a.to))")
    }
}
