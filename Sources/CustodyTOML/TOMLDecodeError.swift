import Foundation

/// A document that is valid TOML but not what the configuration expects:
/// an unknown key, a value of the wrong type, or a value out of range.
public struct TOMLDecodeError: Error, Sendable, Equatable, CustomStringConvertible {
    /// 1-based line of the offending key (or of its table, if the key is missing).
    public var line: Int
    /// The full dotted path of the key, e.g. "ingest.concurrency" or "courtroom[2].name".
    public var key: String
    /// What is wrong, e.g. "expected integer, found string".
    public var message: String

    public init(line: Int, key: String, message: String) {
        self.line = line
        self.key = key
        self.message = message
    }

    /// "line 4: key 'ingest.concurrency': expected integer, found string"
    public var description: String { "line \(line): key '\(key)': \(message)" }
}
