import Foundation

/// A TOML 1.0 parser that keeps the line of every key, so configuration errors
/// can name the file, the line and the key.
///
/// ```swift
/// let root = try TOML.parse(text)           // throws TOMLError("line 7, column 12: ...")
/// let ingest = TOMLTableReader(root, path: "")
/// ```
public enum TOML {
    /// How deeply tables and arrays may nest (header and dotted-key segments count
    /// as levels). Deeper documents are rejected rather than risking the stack.
    public static let maximumNestingDepth = 128

    /// Parses a TOML 1.0 document.
    ///
    /// A leading byte order mark is ignored. Line endings may be LF or CRLF.
    /// - Throws: `TOMLError` with the line and column of the first problem.
    public static func parse(_ text: String) throws(TOMLError) -> TOMLTable {
        var parser = TOMLParser(source: TOMLSource(Array(text.utf8)))
        return try parser.parseDocument()
    }

    /// Parses a TOML 1.0 document given as UTF-8 bytes (e.g. a file's contents).
    /// - Throws: `TOMLError` for bytes that are not well-formed UTF-8 (at the first
    ///   bad byte), or for the first problem in the document.
    public static func parse(utf8 bytes: some Sequence<UInt8>) throws(TOMLError) -> TOMLTable {
        let array = Array(bytes)
        let source = TOMLSource(array)
        if let bad = TOMLSource.firstInvalidUTF8(in: array) {
            // Columns count scalars; everything before `bad` is well-formed.
            throw source.error(at: bad, "invalid UTF-8 byte 0x" + String(array[bad], radix: 16, uppercase: true))
        }
        var parser = TOMLParser(source: source)
        return try parser.parseDocument()
    }
}
