import Foundation

/// A syntax or structure error in a TOML document, with its position.
public struct TOMLError: Error, Sendable, Equatable, CustomStringConvertible {
    /// 1-based line of the offending character.
    public var line: Int
    /// 1-based column of the offending character, counted in Unicode scalars
    /// (a tab counts as one column).
    public var column: Int
    /// What is wrong, e.g. "duplicate key 'ingest.concurrency' (first defined on line 3)".
    public var message: String

    public init(line: Int, column: Int, message: String) {
        self.line = line
        self.column = column
        self.message = message
    }

    /// "line 7, column 12: <message>"
    public var description: String { "line \(line), column \(column): \(message)" }

    /// The error prefixed with a file name: "/etc/custody/custodyd.toml: line 7, column 12: <message>".
    public func described(file: String) -> String { "\(file): \(description)" }
}
