/// A catalog file that cannot be used: it names the file and the line, says what
/// is wrong, and carries a stable ``Code``.
///
/// `description`: "catalog/mass-storage.toml:12: device[2].vendor: expected 4 hex digits such as \"2e8a\", found \"2e8\"".
public struct CatalogError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What went wrong, stable across releases (for the API and for tests).
    public enum Code: String, Sendable, Equatable, CaseIterable {
        /// The file is not valid TOML (or not UTF-8).
        case syntax
        /// A key the format does not have (top level, `[[device]]` or `[device.options]`).
        case unknownKey
        /// A value of the wrong TOML type.
        case wrongType
        /// A required key (`name`, `kind`, `driver`) is missing.
        case missingKey
        /// A vendor or product id that is not 4 hex digits, a class code not 2.
        case badID
        /// An empty model name, or a name or interface name with characters that
        /// cannot go into a udev rule or its comment (control characters, quotes, globs).
        case badName
        case unknownKind
        case unknownDriver
        /// No `vendor`, `interfaceName` or `interfaceClass`.
        case noMatchKey
        /// Match keys that do not go together (`product` without `vendor`, `vendor` with `interfaceClass`, ...).
        case conflictingMatchKeys
        /// A driver that makes no sense for the kind (`alsaCapture` for a body camera).
        case kindDriverMismatch
        /// An option the entry's driver does not read.
        case unknownOption
        /// An option with an invalid value (a bad pattern, a number out of range).
        case badOption
        /// Two entries of one file with the same match keys.
        case duplicateMatch
        /// A file or directory that cannot be read.
        case unreadable
    }

    /// The file as its path was given.
    public var file: String
    /// 1-based line; 0 when the problem is the file itself (unreadable).
    public var line: Int
    public var code: Code
    /// What is wrong, starting with the entry and key: "device[2].vendor: ...".
    public var message: String

    public init(file: String, line: Int, code: Code, message: String) {
        self.file = file
        self.line = line
        self.code = code
        self.message = message
    }

    /// "FILE:LINE: MESSAGE", or "FILE: MESSAGE" when there is no line.
    public var description: String {
        line > 0 ? "\(file):\(line): \(message)" : "\(file): \(message)"
    }
}
