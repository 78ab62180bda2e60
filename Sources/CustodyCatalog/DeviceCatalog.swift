import CustodyCore
import CustodyTOML

/// The device catalog: which USB devices Custody reads, what they are and which
/// driver reads them. Built from the `*.toml` files of the catalog directories
/// (`/usr/share/custody/catalog`, then `/etc/custody/catalog.d`); the format is
/// documented in `catalog/README.md`.
///
/// ```swift
/// let catalog = try DeviceCatalog.load(directories: ["/usr/share/custody/catalog", "/etc/custody/catalog.d"])
/// if let entry = catalog.match(device) { ... }    // nil: not evidence, left alone
/// ```
public struct DeviceCatalog: Sendable {
    /// The entries in effect, most specific first (see ``match(_:)``), then by ids,
    /// names and class codes: the order does not depend on file names or layout.
    public private(set) var entries: [CatalogEntry]
    /// Entries replaced by a later entry with the same match keys (an operator file
    /// overriding a shipped one), in the order they were replaced.
    public private(set) var overridden: [CatalogEntry]
    /// The catalog files read, in the order they were read (empty for a catalog built in memory).
    public private(set) var files: [String]

    /// A catalog of `entries`, in the order they were read: an entry replaces an
    /// earlier one with the same match keys.
    public init(entries: [CatalogEntry]) {
        var effective: [CatalogMatchRule: CatalogEntry] = [:]
        var overridden: [CatalogEntry] = []
        for entry in entries {
            if let earlier = effective.updateValue(entry, forKey: entry.match) { overridden.append(earlier) }
        }
        self.entries = effective.values.sorted { CatalogMatchRule.precedes($0.match, $1.match) }
        self.overridden = overridden
        self.files = []
    }

    /// Parses the text of one catalog file; `file` is the name its errors give.
    /// - Throws: ``CatalogError`` naming `file` and the line of the first problem.
    public static func parse(_ text: String, file: String) throws(CatalogError) -> [CatalogEntry] {
        let root: TOMLTable
        do {
            root = try TOML.parse(text)
        } catch {
            throw CatalogError(file: file, line: error.line, code: .syntax, message: "column \(error.column): \(error.message)")
        }
        return try CatalogParser(file: file).parse(root)
    }

    /// Parses a catalog file's bytes, reporting bytes that are not UTF-8 with their line.
    /// - Throws: ``CatalogError`` naming `file` and the line of the first problem.
    public static func parse(utf8 bytes: [UInt8], file: String) throws(CatalogError) -> [CatalogEntry] {
        let root: TOMLTable
        do {
            root = try TOML.parse(utf8: bytes)
        } catch {
            throw CatalogError(file: file, line: error.line, code: .syntax, message: "column \(error.column): \(error.message)")
        }
        return try CatalogParser(file: file).parse(root)
    }

    /// Loads every `*.toml` file of `directories`, in order. A directory that does
    /// not exist holds no entries; a file replaces the file of the same name in an
    /// earlier directory; an entry overrides an earlier one with the same match keys
    /// (`catalog/README.md`, "How directories are read").
    /// - Throws: ``CatalogError`` for the first file that cannot be read or parsed,
    ///   naming the file (and the line).
    public static func load(directories: [String]) throws(CatalogError) -> DeviceCatalog {
        let files = try CatalogDirectoryReader.files(in: directories)
        var entries: [CatalogEntry] = []
        for file in files {
            entries += try parse(utf8: CatalogDirectoryReader.contents(of: file), file: file)
        }
        var catalog = DeviceCatalog(entries: entries)
        catalog.files = files
        return catalog
    }

    /// The entry for `device`, or nil when no entry matches (the device is not
    /// evidence and is left alone).
    ///
    /// Of the entries that match, the most specific wins: vendor + product, then
    /// vendor, then interface name, then interface class + subclass + protocol,
    /// class + subclass, class alone. Between two interface entries of the same
    /// specificity, the one matching the earlier interface of the device wins.
    public func match(_ device: USBDeviceDescription) -> CatalogEntry? {
        var best: (entry: CatalogEntry, position: Int)?
        for entry in entries {
            if let b = best, entry.match.specificity < b.entry.match.specificity { break }
            guard let position = entry.match.matchPosition(in: device) else { continue }
            if let b = best, b.position <= position { continue }
            best = (entry, position)
        }
        return best?.entry
    }
}
