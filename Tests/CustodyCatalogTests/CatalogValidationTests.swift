import Testing
@testable import CustodyCatalog

/// One invalid catalog file and the error it must give.
struct InvalidCatalog: Sendable, CustomTestStringConvertible {
    var about: String
    var text: String
    var line: Int
    var code: CatalogError.Code
    /// The whole message after "catalog/x.toml:LINE: ".
    var message: String

    var testDescription: String { about }
}

/// A valid entry to prefix cases with, so errors in a second entry are tested too.
private let validEntry = """
    [[device]]
    name = "Valid"
    vendor = "1111"
    kind = "bodyCamera"
    driver = "massStorage"

    """

private let cases: [InvalidCatalog] = [
    InvalidCatalog(about: "TOML syntax", text: "[[device]\nname = \"x\"\n", line: 1, code: .syntax,
                   message: "column 10: expected ']]' to close the array of tables header, found a newline"),
    InvalidCatalog(about: "unknown top-level table", text: "[defaults.bodyCamera]\nautoIngest = true\n", line: 1, code: .unknownKey,
                   message: "defaults: unknown key (a catalog file holds only [[device]] entries)"),
    InvalidCatalog(about: "[device] instead of [[device]]", text: "[device]\nname = \"x\"\n", line: 1, code: .wrongType,
                   message: "device: write [[device]] (an array of tables) for each entry, not [device]"),
    InvalidCatalog(about: "unknown key in an entry", text: validEntry + "[[device]]\nname = \"x\"\nvendorId = \"2e8a\"\n", line: 8,
                   code: .unknownKey,
                   message: "device[2].vendorId: unknown key (known keys: name, vendor, product, interfaceClass, interfaceSubclass, "
                       + "interfaceProtocol, interfaceName, kind, driver, options)"),
    InvalidCatalog(about: "an id written as a TOML integer", text: "[[device]]\nname = \"x\"\nvendor = 0x2e8a\n", line: 3, code: .wrongType,
                   message: "device[1].vendor: expected string, found integer"),
    InvalidCatalog(about: "a vendor id of 3 digits", text: "[[device]]\nname = \"x\"\nvendor = \"2e8\"\n", line: 3, code: .badID,
                   message: "device[1].vendor: expected 4 hex digits such as \"2e8a\", found \"2e8\""),
    InvalidCatalog(about: "a product id with 0x", text: "[[device]]\nname = \"x\"\nvendor = \"2e8a\"\nproduct = \"0x0c\"\n", line: 4,
                   code: .badID, message: "device[1].product: expected 4 hex digits such as \"2e8a\", found \"0x0c\""),
    InvalidCatalog(about: "a product id with a non-hex digit", text: "[[device]]\nname = \"x\"\nvendor = \"2e8a\"\nproduct = \"0c1g\"\n",
                   line: 4, code: .badID, message: "device[1].product: expected 4 hex digits such as \"2e8a\", found \"0c1g\""),
    InvalidCatalog(about: "a class code of 1 digit", text: "[[device]]\nname = \"x\"\ninterfaceClass = \"8\"\n", line: 3, code: .badID,
                   message: "device[1].interfaceClass: expected 2 hex digits such as \"08\", found \"8\""),
    InvalidCatalog(about: "an unknown kind",
                   text: "[[device]]\nname = \"x\"\nvendor = \"2e8a\"\nkind = \"camera\"\ndriver = \"massStorage\"\n", line: 4,
                   code: .unknownKind, message: "device[1].kind: unknown kind \"camera\" (expected bodyCamera, stillCamera or audioRecorder)"),
    InvalidCatalog(about: "an unknown driver",
                   text: "[[device]]\nname = \"x\"\nvendor = \"2e8a\"\nkind = \"bodyCamera\"\ndriver = \"usbfs\"\n", line: 5,
                   code: .unknownDriver, message: "device[1].driver: unknown driver \"usbfs\" (expected massStorage, ptp, mtp or alsaCapture)"),
    InvalidCatalog(about: "no match key", text: validEntry + "[[device]]\nname = \"x\"\nkind = \"bodyCamera\"\ndriver = \"massStorage\"\n",
                   line: 6, code: .noMatchKey,
                   message: "device[2]: no match key: give vendor (and product), interfaceName, or interfaceClass (and interfaceSubclass, interfaceProtocol)"),
    InvalidCatalog(about: "vendor and interface class together",
                   text: "[[device]]\nname = \"x\"\nvendor = \"2e8a\"\ninterfaceClass = \"08\"\nkind = \"bodyCamera\"\ndriver = \"massStorage\"\n",
                   line: 4, code: .conflictingMatchKeys,
                   message: "device[1]: match by one of vendor (and product), interfaceName or interfaceClass, not by vendor and interfaceClass"),
    InvalidCatalog(about: "interface name and interface class together",
                   text: "[[device]]\nname = \"x\"\ninterfaceClass = \"06\"\ninterfaceName = \"MTP\"\n",
                   line: 4, code: .conflictingMatchKeys,
                   message: "device[1]: match by one of vendor (and product), interfaceName or interfaceClass, not by interfaceClass and interfaceName"),
    InvalidCatalog(about: "a product without a vendor", text: "[[device]]\nname = \"x\"\nproduct = \"0c10\"\n", line: 3,
                   code: .conflictingMatchKeys, message: "device[1].product: a product id needs a vendor id"),
    InvalidCatalog(about: "a subclass without a class", text: "[[device]]\nname = \"x\"\ninterfaceSubclass = \"06\"\n", line: 3,
                   code: .conflictingMatchKeys, message: "device[1].interfaceSubclass: an interface subclass needs interfaceClass"),
    InvalidCatalog(about: "a protocol without a subclass", text: "[[device]]\nname = \"x\"\ninterfaceClass = \"08\"\ninterfaceProtocol = \"50\"\n",
                   line: 4, code: .conflictingMatchKeys,
                   message: "device[1].interfaceProtocol: an interface protocol needs interfaceClass and interfaceSubclass"),
    InvalidCatalog(about: "alsaCapture for a body camera",
                   text: "[[device]]\nname = \"x\"\nvendor = \"2e8a\"\nkind = \"bodyCamera\"\ndriver = \"alsaCapture\"\n", line: 5,
                   code: .kindDriverMismatch,
                   message: "device[1].driver: the alsaCapture driver cannot read a bodyCamera (a bodyCamera takes massStorage, ptp or mtp)"),
    InvalidCatalog(about: "a massStorage option for alsaCapture",
                   text: "[[device]]\nname = \"x\"\nvendor = \"0d8c\"\nkind = \"audioRecorder\"\ndriver = \"alsaCapture\"\n[device.options]\nchannels = 2\npaths = [\"**\"]\n",
                   line: 8, code: .unknownOption,
                   message: "device[1].options.paths: not an option of the alsaCapture driver (it is an option of massStorage, ptp and mtp; "
                       + "alsaCapture takes autoIngest, channels, sampleFormat, sampleRate, segmentSeconds)"),
    InvalidCatalog(about: "an option no driver has",
                   text: "[[device]]\nname = \"x\"\nvendor = \"2e8a\"\nkind = \"bodyCamera\"\ndriver = \"massStorage\"\noptions.wipe = true\n",
                   line: 6, code: .unknownOption,
                   message: "device[1].options.wipe: not an option of the massStorage driver (massStorage takes autoIngest, exclude, paths, storageDelaySeconds)"),
    InvalidCatalog(about: "an option of the wrong type",
                   text: "[[device]]\nname = \"x\"\nvendor = \"2e8a\"\nkind = \"bodyCamera\"\ndriver = \"massStorage\"\n[device.options]\nautoIngest = \"yes\"\n",
                   line: 7, code: .wrongType, message: "device[1].options.autoIngest: expected boolean, found string"),
    InvalidCatalog(about: "an absolute pattern, on its own line of a multi-line array",
                   text: "[[device]]\nname = \"x\"\nvendor = \"2e8a\"\nkind = \"bodyCamera\"\ndriver = \"massStorage\"\n[device.options]\npaths = [\n  \"DCIM/**\",\n  \"/AUDIO/**\",\n]\n",
                   line: 9, code: .badOption,
                   message: "device[1].options.paths[1]: \"/AUDIO/**\": a pattern is relative to the storage's root and cannot start with '/'"),
    InvalidCatalog(about: "'**' inside a segment",
                   text: "[[device]]\nname = \"x\"\nvendor = \"2e8a\"\nkind = \"bodyCamera\"\ndriver = \"ptp\"\noptions.exclude = [\"DCIM**\"]\n",
                   line: 6, code: .badOption,
                   message: "device[1].options.exclude[0]: \"DCIM**\": '**' must be a whole segment, as in 'DCIM/**'"),
    InvalidCatalog(about: "an empty list of paths",
                   text: "[[device]]\nname = \"x\"\nvendor = \"2e8a\"\nkind = \"bodyCamera\"\ndriver = \"mtp\"\noptions.paths = []\n",
                   line: 6, code: .badOption,
                   message: "device[1].options.paths: list at least one pattern, or leave the key out for every file"),
    InvalidCatalog(about: "a sample rate out of range",
                   text: "[[device]]\nname = \"x\"\nvendor = \"0d8c\"\nkind = \"audioRecorder\"\ndriver = \"alsaCapture\"\noptions.sampleRate = 100\n",
                   line: 6, code: .badOption, message: "device[1].options.sampleRate: 100 is out of range (8000 to 768000)"),
    InvalidCatalog(about: "a storage delay out of range",
                   text: "[[device]]\nname = \"x\"\nvendor = \"2e8a\"\nkind = \"bodyCamera\"\ndriver = \"massStorage\"\noptions.storageDelaySeconds = 0\n",
                   line: 6, code: .badOption, message: "device[1].options.storageDelaySeconds: 0 is out of range (1 to 3600)"),
    InvalidCatalog(about: "a storage delay for a driver without storage to wait for",
                   text: "[[device]]\nname = \"x\"\nvendor = \"2e8a\"\nkind = \"stillCamera\"\ndriver = \"ptp\"\noptions.storageDelaySeconds = 5\n",
                   line: 6, code: .unknownOption,
                   message: "device[1].options.storageDelaySeconds: not an option of the ptp driver (it is an option of massStorage; "
                       + "ptp takes autoIngest, exclude, paths)"),
    InvalidCatalog(about: "an unknown sample format",
                   text: "[[device]]\nname = \"x\"\nvendor = \"0d8c\"\nkind = \"audioRecorder\"\ndriver = \"alsaCapture\"\noptions.sampleFormat = \"U8\"\n",
                   line: 6, code: .badOption,
                   message: "device[1].options.sampleFormat: unknown sample format \"U8\" (expected S16_LE, S24_LE, S24_3LE or S32_LE)"),
    InvalidCatalog(about: "the same ids twice in one file, written differently",
                   text: validEntry + "[[device]]\nname = \"Again\"\nvendor = \"2E8A\"\nkind = \"bodyCamera\"\ndriver = \"ptp\"\n"
                       + "\n[[device]]\nname = \"x\"\nvendor = \"2e8a\"\nkind = \"bodyCamera\"\ndriver = \"massStorage\"\n",
                   line: 12, code: .duplicateMatch,
                   message: "device[3]: matches the same devices (2e8a:*) as device[2] on line 6; describe a device once per file"),
    InvalidCatalog(about: "the same class triple twice",
                   text: "[[device]]\nname = \"a\"\ninterfaceClass = \"08\"\ninterfaceSubclass = \"06\"\ninterfaceProtocol = \"50\"\nkind = \"bodyCamera\"\ndriver = \"massStorage\"\n"
                       + "[[device]]\nname = \"b\"\ninterfaceClass = \"08\"\ninterfaceSubclass = \"06\"\ninterfaceProtocol = \"50\"\nkind = \"stillCamera\"\ndriver = \"massStorage\"\n",
                   line: 8, code: .duplicateMatch,
                   message: "device[2]: matches the same devices (class 08/06/50) as device[1] on line 1; describe a device once per file"),
    InvalidCatalog(about: "a missing name", text: validEntry + "[[device]]\nvendor = \"2e8a\"\n", line: 6, code: .missingKey,
                   message: "device[2]: missing key 'name' (the model name shown to operators)"),
    InvalidCatalog(about: "a missing kind", text: "[[device]]\nname = \"x\"\nvendor = \"2e8a\"\ndriver = \"ptp\"\n", line: 1, code: .missingKey,
                   message: "device[1]: missing key 'kind' (bodyCamera, stillCamera or audioRecorder)"),
    InvalidCatalog(about: "a missing driver", text: "[[device]]\nname = \"x\"\nvendor = \"2e8a\"\nkind = \"bodyCamera\"\n", line: 1,
                   code: .missingKey, message: "device[1]: missing key 'driver' (massStorage, ptp, mtp or alsaCapture)"),
    InvalidCatalog(about: "an empty name", text: "[[device]]\nname = \"  \"\nvendor = \"2e8a\"\n", line: 2, code: .badName,
                   message: "device[1].name: a model name cannot be empty"),
    InvalidCatalog(about: "a name over two lines", text: "[[device]]\nname = \"Cam\\nera\"\nvendor = \"2e8a\"\n", line: 2, code: .badName,
                   message: "device[1].name: a model name cannot contain control characters (it must fit on one line)"),
    InvalidCatalog(about: "an interface name udev would read as a glob",
                   text: "[[device]]\nname = \"x\"\ninterfaceName = \"MTP*\"\nkind = \"bodyCamera\"\ndriver = \"mtp\"\n", line: 3, code: .badName,
                   message: "device[1].interfaceName: an interface name cannot contain '*' (udev would read it as a pattern or a quote)"),
]

@Suite("Invalid catalog files")
struct CatalogValidationTests {
    @Test("each problem is an error naming the file, the line and the key", arguments: cases)
    func invalid(_ c: InvalidCatalog) {
        let error = parseError(c.text, file: "catalog/x.toml")
        #expect(error?.file == "catalog/x.toml")
        #expect(error?.line == c.line)
        #expect(error?.code == c.code)
        #expect(error?.message == c.message)
        #expect(error?.description == "catalog/x.toml:\(c.line): \(c.message)")
    }

    @Test("every error code but 'unreadable' (a file-system error) has a case here")
    func everyCodeIsCovered() {
        let covered = Set(cases.map(\.code))
        for code in CatalogError.Code.allCases where code != .unreadable {
            #expect(covered.contains(code), "no test case for \(code)")
        }
    }

    @Test("bytes that are not UTF-8 are a syntax error on their line")
    func invalidUTF8() {
        var bytes = Array("[[device]]\nname = \"Cam".utf8)
        bytes.append(0xFF)
        bytes += Array("\"\n".utf8)
        do {
            _ = try DeviceCatalog.parse(utf8: bytes, file: "catalog/x.toml")
            Issue.record("expected an error")
        } catch {
            #expect(error.code == .syntax)
            #expect(error.line == 2)
            #expect(error.description.hasPrefix("catalog/x.toml:2: column 12: invalid UTF-8 byte 0xFF"))
        }
    }
}
