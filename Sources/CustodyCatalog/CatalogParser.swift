import CustodyCore
import CustodyTOML

/// Reads the `[[device]]` entries of one catalog file (the format is documented,
/// key by key, in `catalog/README.md`). Every error names the file and the line.
struct CatalogParser {
    let file: String

    static let deviceKeys = ["name", "vendor", "product", "interfaceClass", "interfaceSubclass", "interfaceProtocol",
                             "interfaceName", "kind", "driver", "options"]

    func parse(_ root: TOMLTable) throws(CatalogError) -> [CatalogEntry] {
        for key in root.keys where key != "device" {
            throw fail(root[key]?.line ?? root.line, .unknownKey,
                       "\(TOMLKeyPath.render(key)): unknown key (a catalog file holds only [[device]] entries)")
        }
        guard let devices = root["device"] else { return [] }
        if case .table = devices.kind {
            throw fail(devices.line, .wrongType, "device: write [[device]] (an array of tables) for each entry, not [device]")
        }
        let tables = try read { () throws(TOMLDecodeError) in try TOMLTableReader(root, path: "").tables("device") ?? [] }

        var entries: [CatalogEntry] = []
        var seen: [CatalogMatchRule: (path: String, line: Int)] = [:]
        for (i, table) in tables.enumerated() {
            let path = "device[\(i + 1)]"
            let entry = try parseEntry(table, path: path)
            if let first = seen[entry.match] {
                throw fail(table.line, .duplicateMatch,
                           "\(path): matches the same devices (\(entry.match)) as \(first.path) on line \(first.line); "
                           + "describe a device once per file")
            }
            seen[entry.match] = (path, table.line)
            entries.append(entry)
        }
        return entries
    }

    // MARK: - One entry

    private func parseEntry(_ table: TOMLTable, path: String) throws(CatalogError) -> CatalogEntry {
        for key in table.keys where !Self.deviceKeys.contains(key) {
            throw fail(table[key]?.line ?? table.line, .unknownKey,
                       "\(TOMLKeyPath.join(path, key)): unknown key (known keys: \(Self.deviceKeys.joined(separator: ", ")))")
        }
        let r = TOMLTableReader(table, path: path)
        let name = try read { () throws(TOMLDecodeError) in try r.string("name") }
        let kindText = try read { () throws(TOMLDecodeError) in try r.string("kind") }
        let driverText = try read { () throws(TOMLDecodeError) in try r.string("driver") }

        guard let name else { throw fail(table.line, .missingKey, "\(path): missing key 'name' (the model name shown to operators)") }
        if let problem = Self.nameProblem(name) { throw fail(r.line(of: "name"), .badName, "\(r.keyPath("name")): \(problem)") }

        let match = try parseMatch(r, path: path)

        guard let kindText else {
            throw fail(table.line, .missingKey, "\(path): missing key 'kind' (\(Self.list(DeviceKind.allCases.map(\.rawValue))))")
        }
        guard let kind = DeviceKind(rawValue: kindText) else {
            throw fail(r.line(of: "kind"), .unknownKind,
                       "\(r.keyPath("kind")): unknown kind \"\(kindText)\" (expected \(Self.list(DeviceKind.allCases.map(\.rawValue))))")
        }
        guard let driverText else {
            throw fail(table.line, .missingKey, "\(path): missing key 'driver' (\(Self.list(DriverKind.allCases.map(\.rawValue))))")
        }
        guard let driver = DriverKind(rawValue: driverText) else {
            throw fail(r.line(of: "driver"), .unknownDriver,
                       "\(r.keyPath("driver")): unknown driver \"\(driverText)\" (expected \(Self.list(DriverKind.allCases.map(\.rawValue))))")
        }
        let allowed = CatalogEntry.drivers(for: kind)
        guard allowed.contains(driver) else {
            throw fail(r.line(of: "driver"), .kindDriverMismatch,
                       "\(r.keyPath("driver")): the \(driver.rawValue) driver cannot read a \(kind.rawValue) "
                       + "(a \(kind.rawValue) takes \(Self.list(allowed.map(\.rawValue))))")
        }
        let options = try parseOptions(r, driver: driver)
        return CatalogEntry(name: name, kind: kind, driver: driver, match: match, options: options, file: file, line: table.line)
    }

    /// The match keys: `vendor` [+ `product`], or `interfaceName`, or
    /// `interfaceClass` [+ `interfaceSubclass` [+ `interfaceProtocol`]].
    private func parseMatch(_ r: TOMLTableReader, path: String) throws(CatalogError) -> CatalogMatchRule {
        let vendor = try hex(r, "vendor", digits: 4)
        let product = try hex(r, "product", digits: 4)
        let cls = try hex(r, "interfaceClass", digits: 2)
        let subclass = try hex(r, "interfaceSubclass", digits: 2)
        let proto = try hex(r, "interfaceProtocol", digits: 2)
        let name = try read { () throws(TOMLDecodeError) in try r.string("interfaceName") }

        // Which ways of matching the entry uses, in document order.
        var ways: [(key: String, line: Int)] = []
        if vendor != nil || product != nil { ways.append(("vendor", r.line(of: vendor != nil ? "vendor" : "product"))) }
        if name != nil { ways.append(("interfaceName", r.line(of: "interfaceName"))) }
        if cls != nil || subclass != nil || proto != nil {
            let first = ["interfaceClass", "interfaceSubclass", "interfaceProtocol"].first { r.table[$0] != nil } ?? "interfaceClass"
            ways.append(("interfaceClass", r.line(of: first)))
        }
        ways.sort { $0.line < $1.line }
        if ways.count > 1 {
            throw fail(ways[1].line, .conflictingMatchKeys,
                       "\(path): match by one of vendor (and product), interfaceName or interfaceClass, "
                       + "not by \(ways.map(\.key).joined(separator: " and "))")
        }
        if product != nil, vendor == nil {
            throw fail(r.line(of: "product"), .conflictingMatchKeys, "\(r.keyPath("product")): a product id needs a vendor id")
        }
        if subclass != nil, cls == nil {
            throw fail(r.line(of: "interfaceSubclass"), .conflictingMatchKeys,
                       "\(r.keyPath("interfaceSubclass")): an interface subclass needs interfaceClass")
        }
        if proto != nil, subclass == nil {
            throw fail(r.line(of: "interfaceProtocol"), .conflictingMatchKeys,
                       "\(r.keyPath("interfaceProtocol")): an interface protocol needs interfaceClass and interfaceSubclass")
        }
        if let vendor {
            if let product { return .product(vendor: vendor, product: product) }
            return .vendor(vendor)
        }
        if let name {
            if let problem = Self.interfaceNameProblem(name) {
                throw fail(r.line(of: "interfaceName"), .badName, "\(r.keyPath("interfaceName")): \(problem)")
            }
            return .interfaceName(name)
        }
        if let cls { return .interfaceClass(UInt8(cls), subclass: subclass.map { UInt8($0) }, protocol: proto.map { UInt8($0) }) }
        throw fail(r.table.line, .noMatchKey,
                   "\(path): no match key: give vendor (and product), interfaceName, or interfaceClass "
                   + "(and interfaceSubclass, interfaceProtocol)")
    }

    /// A string of exactly `digits` hex digits (either case), as a number.
    private func hex(_ r: TOMLTableReader, _ key: String, digits: Int) throws(CatalogError) -> UInt16? {
        guard let text = try read({ () throws(TOMLDecodeError) in try r.string(key) }) else { return nil }
        guard text.unicodeScalars.count == digits, text.unicodeScalars.allSatisfy(\.properties.isASCIIHexDigit), let value = UInt16(text, radix: 16) else {
            let example = digits == 4 ? "\"2e8a\"" : "\"08\""
            throw fail(r.line(of: key), .badID, "\(r.keyPath(key)): expected \(digits) hex digits such as \(example), found \"\(text)\"")
        }
        return value
    }

    // MARK: - Options

    private func parseOptions(_ entry: TOMLTableReader, driver: DriverKind) throws(CatalogError) -> DriverOptions {
        var options = DriverOptions()
        guard let r = try read({ () throws(TOMLDecodeError) in try entry.reader("options") }) else { return options }
        let accepted = DriverOptions.names(for: driver)
        for key in r.table.keys where !accepted.contains(key) {
            let owners = DriverKind.allCases.filter { DriverOptions.names(for: $0).contains(key) }.map(\.rawValue)
            let hint = owners.isEmpty ? "" : "it is an option of \(Self.list(owners, and: "and")); "
            throw fail(r.line(of: key), .unknownOption,
                       "\(r.keyPath(key)): not an option of the \(driver.rawValue) driver (\(hint)"
                       + "\(driver.rawValue) takes \(accepted.joined(separator: ", ")))")
        }
        options.autoIngest = try read { () throws(TOMLDecodeError) in try r.boolean("autoIngest") }
        if let paths = try patterns(r, "paths") {
            guard !paths.isEmpty else {
                throw fail(r.line(of: "paths"), .badOption, "\(r.keyPath("paths")): list at least one pattern, or leave the key out for every file")
            }
            options.paths = paths
        }
        if let exclude = try patterns(r, "exclude") { options.exclude = exclude }
        options.sampleRate = try integer(r, "sampleRate", DriverOptions.sampleRateRange)
        options.channels = try integer(r, "channels", DriverOptions.channelsRange)
        options.segmentSeconds = try integer(r, "segmentSeconds", DriverOptions.segmentSecondsRange)
        options.storageDelaySeconds = try integer(r, "storageDelaySeconds", DriverOptions.storageDelaySecondsRange)
        if let text = try read({ () throws(TOMLDecodeError) in try r.string("sampleFormat") }) {
            guard let format = AudioSampleFormat(rawValue: text) else {
                throw fail(r.line(of: "sampleFormat"), .badOption,
                           "\(r.keyPath("sampleFormat")): unknown sample format \"\(text)\" "
                           + "(expected \(Self.list(AudioSampleFormat.allCases.map(\.rawValue))))")
            }
            options.sampleFormat = format
        }
        return options
    }

    /// An array of valid glob patterns; a bad one is reported at its own line.
    private func patterns(_ r: TOMLTableReader, _ key: String) throws(CatalogError) -> [String]? {
        guard let list = try read({ () throws(TOMLDecodeError) in try r.strings(key) }) else { return nil }
        let elements = r.table[key]?.arrayValue ?? []
        for (i, pattern) in list.enumerated() {
            if let problem = CatalogGlob.problem(with: pattern) {
                let line = i < elements.count ? elements[i].line : r.line(of: key)
                throw fail(line, .badOption, "\(r.keyPath(key))[\(i)]: \"\(pattern)\": \(problem)")
            }
        }
        return list
    }

    private func integer(_ r: TOMLTableReader, _ key: String, _ range: ClosedRange<Int>) throws(CatalogError) -> Int? {
        guard let value = try read({ () throws(TOMLDecodeError) in try r.integer(key) }) else { return nil }
        guard value >= range.lowerBound, value <= range.upperBound else {
            throw fail(r.line(of: key), .badOption,
                       "\(r.keyPath(key)): \(value) is out of range (\(range.lowerBound) to \(range.upperBound))")
        }
        return Int(value)
    }

    // MARK: - Names

    /// Model names go into udev comments and operator screens: one line of text.
    static func nameProblem(_ name: String) -> String? {
        if name.allSatisfy(\.isWhitespace) { return "a model name cannot be empty" }
        if name.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F }) {
            return "a model name cannot contain control characters (it must fit on one line)"
        }
        return nil
    }

    /// Interface names are compared exactly, by Custody and by udev (`ATTR{interface}=="MTP"`),
    /// so they cannot hold what udev would read as a pattern or a quote.
    static func interfaceNameProblem(_ name: String) -> String? {
        if name.isEmpty { return "an interface name cannot be empty" }
        if name.first?.isWhitespace == true || name.last?.isWhitespace == true {
            return "an interface name cannot start or end with white space"
        }
        for scalar in name.unicodeScalars {
            if scalar.value < 0x20 || scalar.value == 0x7F { return "an interface name cannot contain control characters" }
            if "\"\\*?[]|".unicodeScalars.contains(scalar) {
                return "an interface name cannot contain '\(scalar)' (udev would read it as a pattern or a quote)"
            }
        }
        return nil
    }

    // MARK: - Helpers

    private func fail(_ line: Int, _ code: CatalogError.Code, _ message: String) -> CatalogError {
        CatalogError(file: file, line: line, code: code, message: message)
    }

    /// Runs a reader accessor; a type mismatch becomes a `.wrongType` error.
    private func read<T>(_ body: () throws(TOMLDecodeError) -> T) throws(CatalogError) -> T {
        do {
            return try body()
        } catch {
            throw fail(error.line, .wrongType, "\(error.key): \(error.message)")
        }
    }

    /// "a, b or c"
    static func list(_ items: [String], and conjunction: String = "or") -> String {
        guard items.count > 1 else { return items.first ?? "" }
        return items.dropLast().joined(separator: ", ") + " \(conjunction) " + items[items.count - 1]
    }
}
