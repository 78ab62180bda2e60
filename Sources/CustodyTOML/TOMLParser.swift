import Foundation

/// ASCII bytes the parser looks at.
enum TOMLByte {
    static let tab: UInt8 = 0x09
    static let lf: UInt8 = 0x0A
    static let cr: UInt8 = 0x0D
    static let space: UInt8 = 0x20
    static let quote = UInt8(ascii: "\"")
    static let apostrophe = UInt8(ascii: "'")
    static let hash = UInt8(ascii: "#")
    static let equals = UInt8(ascii: "=")
    static let dot = UInt8(ascii: ".")
    static let comma = UInt8(ascii: ",")
    static let backslash = UInt8(ascii: "\\")
    static let openBracket = UInt8(ascii: "[")
    static let closeBracket = UInt8(ascii: "]")
    static let openBrace = UInt8(ascii: "{")
    static let closeBrace = UInt8(ascii: "}")

    /// Control characters TOML forbids in comments and strings (everything below
    /// U+0020 except tab, and U+007F). Newlines are handled separately by callers.
    static func isControl(_ b: UInt8) -> Bool { (b < 0x20 && b != tab) || b == 0x7F }
}

/// A recursive-descent parser over the document's UTF-8 bytes.
///
/// Document structure (statements, headers, keys, key/value pairs) lives here;
/// values are parsed in `TOMLValueParser.swift`, strings in `TOMLStringParser.swift`,
/// numbers in `TOMLScalarParser.swift`, date-times in `TOMLDateTime.swift`, and the table-definition
/// rules in `TOMLDocumentTree.swift`.
struct TOMLParser {
    let source: TOMLSource
    /// Byte offset of the next unread byte.
    var pos = 0
    let root: TOMLTableNode
    /// The table that `key = value` lines currently go into.
    var current: TOMLTableNode

    init(source: TOMLSource) {
        self.source = source
        self.root = TOMLTableNode(origin: .root, line: 1, path: [])
        self.current = root
    }

    // MARK: - Cursor

    /// The byte at `pos + ahead`, or nil past the end.
    func peek(_ ahead: Int = 0) -> UInt8? {
        let i = pos + ahead
        return i < source.bytes.count ? source.bytes[i] : nil
    }

    var atEnd: Bool { pos >= source.bytes.count }

    func error(_ message: String) -> TOMLError { source.error(at: pos, message) }

    /// Describes the byte at `pos` for messages.
    var found: String { source.describe(at: pos) }

    mutating func skipWhitespace() {
        while let b = peek(), b == TOMLByte.space || b == TOMLByte.tab { pos += 1 }
    }

    /// At a `#`: skips the comment up to (not including) the line ending.
    mutating func skipComment() throws(TOMLError) {
        pos += 1
        let bytes = source.bytes
        while pos < bytes.count {
            let b = bytes[pos]
            if b == TOMLByte.lf { return }
            if b == TOMLByte.cr, pos + 1 < bytes.count, bytes[pos + 1] == TOMLByte.lf { return }
            if TOMLByte.isControl(b) {
                throw error("\(TOMLSource.describeControl(UInt32(b))) is not allowed in a comment")
            }
            pos += 1
        }
    }

    /// At a LF or CR: consumes a line ending (a CR must be followed by LF).
    mutating func consumeNewline() throws(TOMLError) {
        if peek() == TOMLByte.lf { pos += 1; return }
        if peek() == TOMLByte.cr, peek(1) == TOMLByte.lf { pos += 2; return }
        throw error("a carriage return (U+000D) must be followed by a newline")
    }

    /// After a value or header: optional whitespace and comment, then a line ending or the end.
    mutating func expectEndOfLine(after what: String) throws(TOMLError) {
        skipWhitespace()
        if peek() == TOMLByte.hash { try skipComment() }
        guard let b = peek() else { return }
        if b == TOMLByte.lf || b == TOMLByte.cr {
            try consumeNewline()
            return
        }
        throw error("expected a newline or comment after the \(what), found \(found)")
    }

    /// Skips whitespace, comments and line endings (between array elements).
    mutating func skipWhitespaceCommentsAndNewlines() throws(TOMLError) {
        while let b = peek() {
            switch b {
            case TOMLByte.space, TOMLByte.tab: pos += 1
            case TOMLByte.lf, TOMLByte.cr: try consumeNewline()
            case TOMLByte.hash: try skipComment()
            default: return
            }
        }
    }

    // MARK: - Document

    mutating func parseDocument() throws(TOMLError) -> TOMLTable {
        if source.bytes.starts(with: [0xEF, 0xBB, 0xBF]) { pos = 3 }
        while true {
            skipWhitespace()
            guard let b = peek() else { break }
            switch b {
            case TOMLByte.hash:
                try skipComment()
            case TOMLByte.lf, TOMLByte.cr:
                try consumeNewline()
            case TOMLByte.openBracket:
                try parseHeader()
                try expectEndOfLine(after: "table header")
            default:
                try parseKeyValue(into: current, depth: current.path.count)
                try expectEndOfLine(after: "value")
            }
        }
        return root.freeze()
    }

    /// `[a.b]` or `[[a.b]]`; makes the named table the current one.
    mutating func parseHeader() throws(TOMLError) {
        let line = source.line(at: pos)
        let isArray = peek(1) == TOMLByte.openBracket
        pos += isArray ? 2 : 1
        skipWhitespace()
        let key = try parseKey(what: isArray ? "an array of tables name" : "a table name")
        skipWhitespace()
        if isArray {
            guard peek() == TOMLByte.closeBracket, peek(1) == TOMLByte.closeBracket else {
                if peek() == TOMLByte.closeBracket { pos += 1 }
                throw error("expected ']]' to close the array of tables header, found \(found)")
            }
            pos += 2
            current = try appendArrayTable(key, line: line)
        } else {
            guard peek() == TOMLByte.closeBracket else {
                throw error("expected ']' to close the table header, found \(found)")
            }
            pos += 1
            current = try defineTable(key, line: line)
        }
    }

    /// `key = value`, stored into `table`. `depth` is the nesting depth of `table`.
    mutating func parseKeyValue(into table: TOMLTableNode, depth: Int) throws(TOMLError) {
        let start = pos
        let key = try parseKey(what: "a key")
        skipWhitespace()
        guard peek() == TOMLByte.equals else {
            throw error("expected '=' after key '\(TOMLKeyPath.render(key.map(\.name)))', found \(found)")
        }
        pos += 1
        skipWhitespace()
        let valueDepth = depth + key.count
        if valueDepth > TOML.maximumNestingDepth {
            throw source.error(at: start, "key nests deeper than \(TOML.maximumNestingDepth) levels")
        }
        let line = source.line(at: start)
        var value = try parseValue(depth: valueDepth, path: table.path + key.map(\.name))
        value.line = line
        try insert(key, value: value, into: table)
    }

    /// A possibly dotted key: `a`, `"quoted key"`, `'literal'`, `a . "b" . c`.
    mutating func parseKey(what: String) throws(TOMLError) -> [TOMLKeySegment] {
        var segments = [try parseSimpleKey(what: what)]
        while true {
            let save = pos
            skipWhitespace()
            guard peek() == TOMLByte.dot else {
                pos = save
                return segments
            }
            pos += 1
            skipWhitespace()
            segments.append(try parseSimpleKey(what: what))
            if segments.count > TOML.maximumNestingDepth {
                throw source.error(at: segments[0].offset, "dotted key has more than \(TOML.maximumNestingDepth) parts")
            }
        }
    }

    /// One key segment: bare, basic-quoted or literal-quoted (single-line only).
    mutating func parseSimpleKey(what: String) throws(TOMLError) -> TOMLKeySegment {
        let start = pos
        guard let b = peek() else { throw error("expected \(what), found end of file") }
        if b == TOMLByte.quote || b == TOMLByte.apostrophe {
            if peek(1) == b, peek(2) == b {
                throw error("a multi-line string cannot be used as a key")
            }
            let name = b == TOMLByte.quote ? try parseBasicString() : try parseLiteralString()
            return TOMLKeySegment(name: name, offset: start)
        }
        let bytes = source.bytes
        while pos < bytes.count, TOMLKeyPath.isBareKeyByte(bytes[pos]) { pos += 1 }
        guard pos > start else {
            throw error("expected \(what), found \(found)")
        }
        return TOMLKeySegment(name: String(decoding: bytes[start..<pos], as: UTF8.self), offset: start)
    }
}
