import CustodyCore
import Foundation
import Testing
@testable import CustodyCatalog

@Suite("The catalog shipped in catalog/ and the udev rules made from it")
struct ShippedCatalogTests {
    static let catalogDirectory = repositoryRoot.appendingPathComponent("catalog").path
    /// The models the integration tests emulate: test data, not shipped (their vendor ids are real vendors').
    static let testCatalogDirectory = repositoryRoot.appendingPathComponent("system-tests/catalog").path
    static let rulesFile = repositoryRoot.appendingPathComponent("udev/70-custody.rules").path

    static func shipped() throws -> DeviceCatalog {
        try DeviceCatalog.load(directories: [catalogDirectory])
    }

    @Test("catalog/ loads without an error, every file contributing entries")
    func loads() throws {
        let catalog = try Self.shipped()
        #expect(catalog.files.map { ($0 as NSString).lastPathComponent } == [
            "fallback-audio.toml", "fallback-mass-storage.toml", "fallback-mtp.toml", "fallback-ptp.toml",
        ])
        #expect(catalog.entries.count == 4)
        #expect(catalog.entries.allSatisfy { $0.file.hasPrefix(Self.catalogDirectory + "/") })
        #expect(catalog.overridden.isEmpty)
    }

    @Test("the emulated test devices match their models", arguments: [
        (usbDevice(0x2e8a, 0x0c10, [interface(0, 0x08, 0x06, 0x50)]), "Custody Test Bodycam", DeviceKind.bodyCamera, DriverKind.massStorage),
        (usbDevice(0x2e8a, 0x0c20, [interface(0, 0x06, 0x01, 0x01)]), "Custody Test Still Camera", .stillCamera, .ptp),
        (usbDevice(0x2e8a, 0x0c30, [interface(0, 0xff, 0xff, 0x00, name: "MTP"), interface(1, 0xff, 0x42, 0x01, name: "ADB Interface")]),
         "Custody Test Android Bodycam", .bodyCamera, .mtp),
        (usbDevice(0x2e8a, 0x0c40, [interface(0, 0x01, 0x01, 0x00), interface(1, 0x01, 0x02, 0x00), interface(2, 0x03, 0x00, 0x00)]),
         "Custody Test Courtroom Interface", .audioRecorder, .alsaCapture),
        (usbDevice(0x2e8a, 0x0c50, [interface(0, 0x08, 0x06, 0x50)]), "Custody Test Card Reader", .stillCamera, .massStorage),
    ])
    func testDevices(_ device: USBDeviceDescription, _ name: String, _ kind: DeviceKind, _ driver: DriverKind) throws {
        let catalog = try DeviceCatalog.load(directories: [Self.catalogDirectory, Self.testCatalogDirectory])
        let entry = try #require(catalog.match(device))
        #expect(entry.name == name)
        #expect(entry.kind == kind)
        #expect(entry.driver == driver)
        #expect(entry.match == .product(vendor: device.vendorID, product: device.productID))
        #expect(entry.file.hasSuffix("/system-tests/catalog/custody-test-devices.toml"))
    }

    @Test("uncatalogued devices fall back by class or interface name; a keyboard matches nothing", arguments: [
        (usbDevice(0x1234, 0x5678, [interface(0, 0x08, 0x06, 0x50)]), "USB mass storage (any)"),
        (usbDevice(0x1234, 0x5679, [interface(0, 0x06, 0x01, 0x01)]), "PTP still camera (any)"),
        (usbDevice(0x1234, 0x567a, [interface(0, 0x06, 0x01, 0x01, name: "MTP")]), "MTP device (any)"),
        (usbDevice(0x1234, 0x567b, [interface(0, 0xff, 0xff, 0x00, name: "MTP")]), "MTP device (any)"),
        (usbDevice(0x1234, 0x567c, [interface(0, 0x01, 0x01, 0x00), interface(1, 0x01, 0x02, 0x00)]), "USB audio interface (any)"),
        (usbDevice(0x1234, 0x567d, [interface(0, 0x01, 0x01, 0x00), interface(1, 0x08, 0x06, 0x50)]), "USB mass storage (any)"),
        (usbDevice(0x046d, 0xc31c, [interface(0, 0x03, 0x01, 0x01), interface(1, 0x03, 0x00, 0x00)]), nil),
        (usbDevice(0x0bda, 0x8153, [interface(0, 0xff, 0xff, 0x00)]), nil),
    ] as [(USBDeviceDescription, String?)])
    func fallbacks(_ device: USBDeviceDescription, _ name: String?) throws {
        #expect(try Self.shipped().match(device)?.name == name)
    }

    @Test("udev/70-custody.rules is exactly what the catalog generates (CUSTODY_WRITE_UDEV_RULES=1 rewrites it)")
    func committedRulesAreGenerated() throws {
        let generated = try Self.shipped().udevRules()
        if ProcessInfo.processInfo.environment["CUSTODY_WRITE_UDEV_RULES"] == "1" {
            try Data(generated.utf8).write(to: URL(fileURLWithPath: Self.rulesFile))
        }
        let committed = try Data(contentsOf: URL(fileURLWithPath: Self.rulesFile))
        #expect(committed == Data(generated.utf8),
                "udev/70-custody.rules is out of date: custodyctl catalog udev-rules --catalog catalog > udev/70-custody.rules")
    }

    @Test("udev/70-custody.rules passes the syntax check")
    func committedRulesSyntax() throws {
        let text = try String(contentsOfFile: Self.rulesFile, encoding: .utf8)
        #expect(UdevRuleSyntax.problems(in: text) == [])
        #expect(text.contains(#"ENV{ID_USB_INTERFACES}=="*:080650:*""#))
    }

    @Test("catalog/README.md documents every key and every driver option")
    func everyKeyDocumented() throws {
        let readme = try String(contentsOfFile: repositoryRoot.appendingPathComponent("catalog/README.md").path, encoding: .utf8)
        var keys = CatalogParser.deviceKeys
        for driver in DriverKind.allCases { keys += DriverOptions.names(for: driver) }
        keys += DeviceKind.allCases.map(\.rawValue) + DriverKind.allCases.map(\.rawValue) + AudioSampleFormat.allCases.map(\.rawValue)
        for key in Set(keys) {
            #expect(readme.contains("`\(key)`"), "catalog/README.md does not document \(key)")
        }
        for code in CatalogError.Code.allCases {
            #expect(readme.contains("`\(code.rawValue)`"), "catalog/README.md does not list the error code \(code)")
        }
    }
}
