import Testing
@testable import CustodyCatalog

@Suite("the postinst's enumeration of the devices the udev rules match")
struct UdevTriggerTests {
    static func catalog() throws -> DeviceCatalog {
        DeviceCatalog(entries: try DeviceCatalog.parse(UdevRulesTests.catalogText, file: "/usr/share/custody/catalog/test.toml"))
    }

    @Test("one enumeration per entry, of USB devices, matched as the rules match them")
    func enumerations() throws {
        #expect(try Self.catalog().udevTriggerEnumerations() == [
            ["--subsystem-match=usb", "--attr-match=idVendor=0d8c", "--attr-match=idProduct=0014"],
            ["--subsystem-match=usb", "--attr-match=idVendor=2e8a", "--attr-match=idProduct=0c10"],
            ["--subsystem-match=usb", "--attr-match=idVendor=04a9"],
            ["--subsystem-match=usb", "--attr-match=interface=MTP"],
            ["--subsystem-match=usb", "--property-match=ID_USB_INTERFACES=*:080650:*"],
            ["--subsystem-match=usb", "--property-match=ID_USB_INTERFACES=*:01????:*"],
        ])
    }

    @Test("the script lists devices only: dry runs, patterns quoted from the shell, a failure lists nothing")
    func script() throws {
        let lines = try Self.catalog().udevTriggerScript().split(separator: "\n").map(String.init)
        #expect(lines.count == 6)
        #expect(lines.allSatisfy { $0.hasPrefix("udevadm trigger --dry-run --verbose '--subsystem-match=usb' ") && $0.hasSuffix(" || true") })
        #expect(lines[4] == "udevadm trigger --dry-run --verbose '--subsystem-match=usb' '--property-match=ID_USB_INTERFACES=*:080650:*' || true")
        #expect(!lines.joined().contains("--action"))
    }

    @Test("entries with the same match give one enumeration")
    func deduplicated() throws {
        let twice = try DeviceCatalog.parse("""
            [[device]]
            name = "A"
            vendor = "04a9"
            kind = "stillCamera"
            driver = "ptp"

            [[device]]
            name = "B"
            vendor = "04a9"
            product = "0001"
            kind = "stillCamera"
            driver = "ptp"
            """, file: "/etc/custody/catalog.d/t.toml")
        #expect(DeviceCatalog(entries: twice + twice).udevTriggerEnumerations().count == 2)
    }

    @Test("a quote in a word stays inside it")
    func quoting() {
        #expect(UdevTriggerText.shellQuoted("a'b") == #"'a'\''b'"#)
        #expect(UdevTriggerText.shellQuoted("*:08????:*") == "'*:08????:*'")
    }

    @Test("an empty catalog lists nothing")
    func empty() {
        #expect(DeviceCatalog(entries: []).udevTriggerScript() == "")
    }
}
