import ArgumentParser

/// `custodyctl equipment`: registered devices, who holds each, their last contact and clock.
struct EquipmentCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "equipment", abstract: "List registered devices: holder, courtroom, last dock and clock offset.")

    @OptionGroup var global: GlobalOptions

    func run() throws {
        let equipment = try global.client().equipment().equipment
        if global.json { return try global.printJSON(equipment) }
        say(Formatting.table(["SERIAL", "MODEL", "KIND", "COURTROOM", "HELD BY", "SINCE", "LAST CONTACT (UTC)", "CLOCK"], equipment.map {
            [$0.serial, $0.model ?? "-", $0.kind ?? "-", $0.courtroom ?? "-",
             $0.assignee.map { "\($0.officer) \($0.name) (\($0.kind))" } ?? "-", Formatting.time($0.assignee?.since),
             Formatting.time($0.lastContactAt), $0.clockOffsetSeconds.map { String(format: "%+d s", $0) } ?? "-"]
        }))
    }
}
