import CustodyCore
import Testing
@testable import CustodyCatalog

@Suite("Matching devices against the catalog")
struct CatalogMatchTests {
    /// One entry per kind of match rule, each naming its rule; all of them match the
    /// bodycam below, which has a mass-storage interface named "MTP" and an audio interface.
    static let everyRule = """
        [[device]]
        name = "exact"
        vendor = "2e8a"
        product = "0c10"
        kind = "bodyCamera"
        driver = "massStorage"

        [[device]]
        name = "vendor"
        vendor = "2e8a"
        kind = "bodyCamera"
        driver = "massStorage"

        [[device]]
        name = "interface name"
        interfaceName = "MTP"
        kind = "bodyCamera"
        driver = "mtp"

        [[device]]
        name = "class triple"
        interfaceClass = "08"
        interfaceSubclass = "06"
        interfaceProtocol = "50"
        kind = "bodyCamera"
        driver = "massStorage"

        [[device]]
        name = "class pair"
        interfaceClass = "08"
        interfaceSubclass = "06"
        kind = "bodyCamera"
        driver = "massStorage"

        [[device]]
        name = "class alone"
        interfaceClass = "01"
        kind = "audioRecorder"
        driver = "alsaCapture"
        """

    static let bodycam = usbDevice(0x2e8a, 0x0c10, [interface(0, 0x01, 0x01, 0x00), interface(1, 0x08, 0x06, 0x50, name: "MTP")])

    @Test("the most specific entry wins: exact ids, vendor, interface name, class triple, class pair, class alone")
    func precedence() throws {
        var entries = try DeviceCatalog.parse(Self.everyRule, file: "shipped.toml")
        var winners: [String] = []
        // Drop the winner each time: the next most specific must win.
        while let winner = DeviceCatalog(entries: entries).match(Self.bodycam) {
            winners.append(winner.name)
            entries.removeAll { $0.name == winner.name }
        }
        #expect(winners == ["exact", "vendor", "interface name", "class triple", "class pair", "class alone"])
    }

    @Test("the order of files and entries does not change the winner")
    func orderDoesNotMatter() throws {
        let entries = try DeviceCatalog.parse(Self.everyRule, file: "shipped.toml")
        #expect(DeviceCatalog(entries: entries.reversed()).match(Self.bodycam)?.name == "exact")
        #expect(DeviceCatalog(entries: entries.reversed()).entries == DeviceCatalog(entries: entries).entries)
        #expect(DeviceCatalog(entries: entries).entries.map(\.name)
                == ["exact", "vendor", "interface name", "class triple", "class pair", "class alone"])
    }

    @Test("a vendor entry matches every product of the vendor, and only that vendor")
    func vendorEntry() throws {
        let catalog = DeviceCatalog(entries: try DeviceCatalog.parse(Self.everyRule, file: "shipped.toml"))
        #expect(catalog.match(usbDevice(0x2e8a, 0x9999))?.name == "vendor")
        #expect(catalog.match(usbDevice(0x2e8b, 0x0c10)) == nil)
    }

    @Test("between two class entries of equal specificity, the device's earlier interface decides")
    func interfaceOrderBreaksTies() throws {
        let catalog = DeviceCatalog(entries: try DeviceCatalog.parse("""
            [[device]]
            name = "ptp"
            interfaceClass = "06"
            interfaceSubclass = "01"
            interfaceProtocol = "01"
            kind = "stillCamera"
            driver = "ptp"

            [[device]]
            name = "storage"
            interfaceClass = "08"
            interfaceSubclass = "06"
            interfaceProtocol = "50"
            kind = "stillCamera"
            driver = "massStorage"
            """, file: "a.toml"))
        #expect(catalog.match(usbDevice(1, 1, [interface(0, 0x06, 0x01, 0x01), interface(1, 0x08, 0x06, 0x50)]))?.name == "ptp")
        #expect(catalog.match(usbDevice(1, 1, [interface(0, 0x08, 0x06, 0x50), interface(1, 0x06, 0x01, 0x01)]))?.name == "storage")
    }

    @Test("interface names are compared exactly")
    func interfaceNameIsExact() throws {
        let catalog = DeviceCatalog(entries: try DeviceCatalog.parse(Self.everyRule, file: "shipped.toml"))
        #expect(catalog.match(usbDevice(1, 2, [interface(0, 0xff, 0xff, 0x00, name: "MTP")]))?.name == "interface name")
        #expect(catalog.match(usbDevice(1, 2, [interface(0, 0xff, 0xff, 0x00, name: "mtp")])) == nil)
        #expect(catalog.match(usbDevice(1, 2, [interface(0, 0xff, 0xff, 0x00, name: "MTP Device")])) == nil)
        #expect(catalog.match(usbDevice(1, 2, [interface(0, 0xff, 0xff, 0x00)])) == nil)
    }

    @Test("a class entry without subclass or protocol matches any; with them, only those")
    func classWildcards() throws {
        let catalog = DeviceCatalog(entries: try DeviceCatalog.parse(Self.everyRule, file: "shipped.toml"))
        #expect(catalog.match(usbDevice(1, 2, [interface(0, 0x01, 0x02, 0x20)]))?.name == "class alone")
        #expect(catalog.match(usbDevice(1, 2, [interface(0, 0x08, 0x06, 0x62)]))?.name == "class pair")   // UAS
        #expect(catalog.match(usbDevice(1, 2, [interface(0, 0x08, 0x05, 0x50)])) == nil)
        #expect(catalog.match(usbDevice(1, 2, [interface(0, 0x03, 0x01, 0x01)])) == nil)                  // a keyboard
        #expect(catalog.match(usbDevice(1, 2)) == nil)
    }

    @Test("an entry with the same match keys later in the load order replaces the earlier one")
    func operatorOverride() throws {
        let shipped = try DeviceCatalog.parse(Self.everyRule, file: "/usr/share/custody/catalog/shipped.toml")
        let local = try DeviceCatalog.parse("""
            [[device]]
            name = "Our station's bodycam"
            vendor = "2e8a"
            product = "0c10"
            kind = "bodyCamera"
            driver = "massStorage"
            options.paths = ["DCIM/**"]

            [[device]]
            name = "Our MTP cameras are still cameras"
            interfaceName = "MTP"
            kind = "stillCamera"
            driver = "mtp"
            """, file: "/etc/custody/catalog.d/local.toml")
        let catalog = DeviceCatalog(entries: shipped + local)
        let bodycam = try #require(catalog.match(Self.bodycam))
        #expect(bodycam.name == "Our station's bodycam")
        #expect(bodycam.file == "/etc/custody/catalog.d/local.toml")
        #expect(bodycam.options.paths == ["DCIM/**"])
        #expect(catalog.match(usbDevice(5, 6, [interface(0, 0xff, 0xff, 0, name: "MTP")]))?.kind == .stillCamera)
        #expect(catalog.entries.count == 6)
        #expect(catalog.overridden.map(\.name) == ["exact", "interface name"])
        // The other way round, the shipped entry wins: order is what counts.
        #expect(DeviceCatalog(entries: local + shipped).match(Self.bodycam)?.name == "exact")
    }
}
