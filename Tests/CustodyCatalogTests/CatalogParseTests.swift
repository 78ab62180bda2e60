import CustodyCore
import Testing
@testable import CustodyCatalog

@Suite("Reading catalog files")
struct CatalogParseTests {
    @Test("every key of an entry is read, typed and normalised")
    func fullEntry() throws {
        let entries = try DeviceCatalog.parse("""
            # a comment
            [[device]]
            name = "Custody Test Bodycam"
            vendor = "2E8A"
            product = "0c10"
            kind = "bodyCamera"
            driver = "massStorage"
            [device.options]
            paths = ["DCIM/**", "AUDIO/**"]
            exclude = ["**/*.TMP"]
            autoIngest = false
            storageDelaySeconds = 12

            [[device]]
            name = "Courtroom 3"
            interfaceClass = "01"
            interfaceSubclass = "01"
            kind = "audioRecorder"
            driver = "alsaCapture"
            options = { sampleRate = 48000, channels = 2, sampleFormat = "S24_3LE", segmentSeconds = 600, autoIngest = true }

            [[device]]
            name = "MTP device"
            interfaceName = "MTP"
            kind = "bodyCamera"
            driver = "mtp"

            [[device]]
            name = "Any Canon"
            vendor = "04a9"
            kind = "stillCamera"
            driver = "ptp"
            """, file: "catalog/x.toml")
        #expect(entries == [
            CatalogEntry(name: "Custody Test Bodycam", kind: .bodyCamera, driver: .massStorage,
                         match: .product(vendor: 0x2e8a, product: 0x0c10),
                         options: DriverOptions(autoIngest: false, paths: ["DCIM/**", "AUDIO/**"], exclude: ["**/*.TMP"], storageDelaySeconds: 12),
                         file: "catalog/x.toml", line: 2),
            CatalogEntry(name: "Courtroom 3", kind: .audioRecorder, driver: .alsaCapture,
                         match: .interfaceClass(0x01, subclass: 0x01, protocol: nil),
                         options: DriverOptions(autoIngest: true, sampleRate: 48000, channels: 2, sampleFormat: .s24_3LE, segmentSeconds: 600),
                         file: "catalog/x.toml", line: 14),
            CatalogEntry(name: "MTP device", kind: .bodyCamera, driver: .mtp, match: .interfaceName("MTP"),
                         file: "catalog/x.toml", line: 22),
            CatalogEntry(name: "Any Canon", kind: .stillCamera, driver: .ptp, match: .vendor(0x04a9),
                         file: "catalog/x.toml", line: 28),
        ])
        // Options left out take their defaults: every file, nothing excluded, the daemon decides autoIngest.
        #expect(entries[2].options == DriverOptions(autoIngest: nil, paths: ["**"], exclude: []))
        #expect(entries[0].source == "catalog/x.toml:2")
    }

    @Test("a file without entries is an empty catalog")
    func emptyFile() throws {
        #expect(try DeviceCatalog.parse("", file: "a.toml").isEmpty)
        #expect(try DeviceCatalog.parse("# nothing here\n", file: "a.toml").isEmpty)
    }

    @Test("match rules print as operators read them")
    func matchDescriptions() {
        #expect("\(CatalogMatchRule.product(vendor: 0x2e8a, product: 0x0c10))" == "2e8a:0c10")
        #expect("\(CatalogMatchRule.vendor(0x04a9))" == "04a9:*")
        #expect("\(CatalogMatchRule.interfaceName("MTP"))" == "interface \"MTP\"")
        #expect("\(CatalogMatchRule.interfaceClass(0x08, subclass: 0x06, protocol: 0x50))" == "class 08/06/50")
        #expect("\(CatalogMatchRule.interfaceClass(0x01, subclass: nil, protocol: nil))" == "class 01/*/*")
    }

    @Test("every driver/kind combination is allowed or refused as documented")
    func kindDriverTable() throws {
        let refused: Set<String> = ["bodyCamera/alsaCapture", "stillCamera/alsaCapture", "audioRecorder/ptp"]
        for kind in DeviceKind.allCases {
            for driver in DriverKind.allCases {
                let text = """
                    [[device]]
                    name = "x"
                    vendor = "1234"
                    kind = "\(kind.rawValue)"
                    driver = "\(driver.rawValue)"
                    """
                let error = parseError(text)
                if refused.contains("\(kind.rawValue)/\(driver.rawValue)") {
                    #expect(error?.code == .kindDriverMismatch, "\(kind) with \(driver)")
                    #expect(error?.line == 5)
                } else {
                    #expect(error == nil, "\(kind) with \(driver): \(String(describing: error))")
                }
            }
        }
    }
}
