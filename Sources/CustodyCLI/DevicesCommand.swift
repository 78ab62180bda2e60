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
        for d in devices {
            for line in Self.details(d) { say("  \(d.id): \(line)") }
        }
    }

    /// What a dock's row cannot say: how long it has waited and why, and, for a device
    /// with several slots, each slot's medium and job.
    static func details(_ d: DeviceDTO) -> [String] {
        var lines: [String] = []
        if d.state == .waitingForMedium {
            lines.append("waiting since \(Formatting.time(d.waitingSince))\(d.message.map { ": \($0)" } ?? "")")
        } else if let message = d.message {
            lines.append(message)
        }
        if d.slots.count > 1 {
            for s in d.slots { lines.append(slot(s)) }
        }
        return lines
    }

    /// "slot 1 /dev/sdd: ingesting since 2026-03-16 09:12:03Z, job 7, FAT16 "CARD-B" 1234-ABCD"
    static func slot(_ s: DeviceSlotDTO) -> String {
        var parts = ["\(s.state.rawValue) since \(Formatting.time(s.since))"]
        if let job = s.jobId { parts.append("job \(job)") }
        if let medium = s.medium { parts.append(medium) }
        if let message = s.message { parts.append(message) }
        return "slot \(s.slot) \(s.blockDevice): " + parts.joined(separator: ", ")
    }
}
