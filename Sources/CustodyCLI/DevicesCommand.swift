import ArgumentParser
import CustodyProtocol

/// `custodyctl devices [--all]`: docked devices (with --all, removed ones too).
struct DevicesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "devices", abstract: "List docked devices.")

    @Flag(name: .long, help: "Include devices already removed.") var all = false
    @OptionGroup var global: GlobalOptions

    func run() throws {
        let devices = try global.client().devices(all: all).devices
        if global.json { return try global.printJSON(devices) }
        say(Formatting.table(["ID", "STATE", "KIND", "MODEL", "USB ID", "SERIAL", "PORT", "DATA", "DOCKED (UTC)", "JOB"], devices.map {
            [String($0.id), $0.state.rawValue, $0.kind ?? "-", $0.model ?? "-", "\($0.vendorId):\($0.productId)", $0.serial ?? "-",
             $0.busPath, $0.blockDevice ?? $0.alsaCard ?? "-", Formatting.time($0.dockedAt), $0.jobId.map(String.init) ?? "-"]
        }))
        for d in devices where d.message != nil { say("  \(d.id): \(d.message!)") }
    }
}
