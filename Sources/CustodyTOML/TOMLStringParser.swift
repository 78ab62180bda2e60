import Foundation

// Basic ("..."), literal ('...'), multi-line basic ("""...""") and multi-line
// literal ('''...''') strings. Unterminated strings are reported at their
// opening quote; bad characters and escapes at the character itself.

extension TOMLParser {
    /// At `"`: a single-line basic string with escapes.
    mutating func parseBasicString() throws(TOMLError) -> String {
        let open = pos
        let bytes = source.bytes
        pos += 1
        var out: [UInt8] = []
        while true {
            guard pos < bytes.count else {
                throw source.error(at: open, "unterminated string (missing closing '\"')")
            }
            let b = bytes[pos]
            switch b {
            case TOMLByte.quote:
                pos += 1
                return String(decoding: out, as: UTF8.self)
            case TOMLByte.backslash:
                try parseEscape(into: &out, open: open)
            case TOMLByte.lf:
                throw source.error(at: open, "unterminated string (a \"...\" string must end on its line; use \"\"\" for multi-line strings)")
            case TOMLByte.cr where pos + 1 < bytes.count && bytes[pos + 1] == TOMLByte.lf:
                throw source.error(at: open, "unterminated string (a \"...\" string must end on its line; use \"\"\" for multi-line strings)")
            default:
                if TOMLByte.isControl(b) { throw controlInString(b) }
                out.append(b)
                pos += 1
            }
        }
    }

    /// At `'`: a single-line literal string (no escapes).
    mutating func parseLiteralString() throws(TOMLError) -> String {
        let open = pos
        let bytes = source.bytes
        pos += 1
        let start = pos
        while true {
            guard pos < bytes.count else {
                throw source.error(at: open, "unterminated string (missing closing \"'\")")
            }
            let b = bytes[pos]
            if b == TOMLByte.apostrophe {
                pos += 1
                return String(decoding: bytes[start..<(pos - 1)], as: UTF8.self)
            }
            if b == TOMLByte.lf || (b == TOMLByte.cr && pos + 1 < bytes.count && bytes[pos + 1] == TOMLByte.lf) {
                throw source.error(at: open, "unterminated string (a '...' string must end on its line; use ''' for multi-line strings)")
            }
            if TOMLByte.isControl(b) { throw controlInString(b) }
            pos += 1
        }
    }

    /// At `"""`: a multi-line basic string. A newline right after the opening
    /// delimiter is dropped; a `\` ending a line drops the line break and the
    /// whitespace that follows; CRLF becomes LF.
    mutating func parseMultilineBasicString() throws(TOMLError) -> String {
        let open = pos
        let bytes = source.bytes
        pos += 3
        skipFirstNewline()
        var out: [UInt8] = []
        while true {
            guard pos < bytes.count else {
                throw source.error(at: open, "unterminated multi-line string (missing closing '\"\"\"')")
            }
            let b = bytes[pos]
            switch b {
            case TOMLByte.quote:
                if closeMultiline(quote: TOMLByte.quote, into: &out) {
                    return String(decoding: out, as: UTF8.self)
                }
            case TOMLByte.backslash:
                if !skipLineEndingBackslash() {
                    try parseEscape(into: &out, open: open)
                }
            case TOMLByte.lf:
                out.append(TOMLByte.lf)
                pos += 1
            case TOMLByte.cr where pos + 1 < bytes.count && bytes[pos + 1] == TOMLByte.lf:
                out.append(TOMLByte.lf)
                pos += 2
            default:
                if TOMLByte.isControl(b) { throw controlInString(b) }
                out.append(b)
                pos += 1
            }
        }
    }

    /// At `'''`: a multi-line literal string (no escapes; CRLF becomes LF).
    mutating func parseMultilineLiteralString() throws(TOMLError) -> String {
        let open = pos
        let bytes = source.bytes
        pos += 3
        skipFirstNewline()
        var out: [UInt8] = []
        while true {
            guard pos < bytes.count else {
                throw source.error(at: open, "unterminated multi-line string (missing closing \"'''\")")
            }
            let b = bytes[pos]
            switch b {
            case TOMLByte.apostrophe:
                if closeMultiline(quote: TOMLByte.apostrophe, into: &out) {
                    return String(decoding: out, as: UTF8.self)
                }
            case TOMLByte.lf:
                out.append(TOMLByte.lf)
                pos += 1
            case TOMLByte.cr where pos + 1 < bytes.count && bytes[pos + 1] == TOMLByte.lf:
                out.append(TOMLByte.lf)
                pos += 2
            default:
                if TOMLByte.isControl(b) { throw controlInString(b) }
                out.append(b)
                pos += 1
            }
        }
    }

    // MARK: - Helpers

    private mutating func skipFirstNewline() {
        if peek() == TOMLByte.lf {
            pos += 1
        } else if peek() == TOMLByte.cr, peek(1) == TOMLByte.lf {
            pos += 2
        }
    }

    /// At a quote inside a multi-line string: consumes the run of quotes. Fewer
    /// than three are content; three close the string, and up to two more right
    /// before them are content (`""""" ` is `""` then the delimiter).
    /// Returns whether the string is closed.
    private mutating func closeMultiline(quote: UInt8, into out: inout [UInt8]) -> Bool {
        var run = 0
        while run < 5, let b = peek(run), b == quote { run += 1 }
        pos += run
        if run < 3 {
            out.append(contentsOf: repeatElement(quote, count: run))
            return false
        }
        out.append(contentsOf: repeatElement(quote, count: run - 3))
        return true
    }

    /// At `\` in a multi-line basic string: if only whitespace follows on the line,
    /// skips the line break and all whitespace and line breaks after it.
    private mutating func skipLineEndingBackslash() -> Bool {
        var i = 1
        while let b = peek(i), b == TOMLByte.space || b == TOMLByte.tab { i += 1 }
        guard peek(i) == TOMLByte.lf || (peek(i) == TOMLByte.cr && peek(i + 1) == TOMLByte.lf) else { return false }
        pos += i
        while let b = peek() {
            if b == TOMLByte.space || b == TOMLByte.tab || b == TOMLByte.lf {
                pos += 1
            } else if b == TOMLByte.cr, peek(1) == TOMLByte.lf {
                pos += 2
            } else {
                break
            }
        }
        return true
    }

    /// At `\` in a basic string: appends the escaped character's UTF-8.
    private mutating func parseEscape(into out: inout [UInt8], open: Int) throws(TOMLError) {
        let backslash = pos
        guard let e = peek(1) else {
            throw source.error(at: open, "unterminated string (missing closing '\"')")
        }
        switch e {
        case UInt8(ascii: "b"): out.append(0x08)
        case UInt8(ascii: "t"): out.append(0x09)
        case UInt8(ascii: "n"): out.append(0x0A)
        case UInt8(ascii: "f"): out.append(0x0C)
        case UInt8(ascii: "r"): out.append(0x0D)
        case TOMLByte.quote: out.append(TOMLByte.quote)
        case TOMLByte.backslash: out.append(TOMLByte.backslash)
        case UInt8(ascii: "u"), UInt8(ascii: "U"):
            let count = e == UInt8(ascii: "u") ? 4 : 8
            var value: UInt32 = 0
            for k in 0..<count {
                guard let h = peek(2 + k), let digit = Self.hexValue(h) else {
                    let letter = e == UInt8(ascii: "u") ? "u" : "U"
                    throw source.error(at: backslash,
                                       "invalid unicode escape: '\\\(letter)' must be followed by \(count) hexadecimal digits")
                }
                value = value << 4 | UInt32(digit)
            }
            guard let scalar = Unicode.Scalar(value) else {
                throw source.error(at: backslash,
                                   "invalid unicode escape: U+\(String(value, radix: 16, uppercase: true)) is not a Unicode scalar value")
            }
            out.append(contentsOf: Array(String(Character(scalar)).utf8))
            pos += 2 + count
            return
        default:
            let what: String
            if e >= 0x21 && e < 0x7F {
                what = "'\\\(Character(Unicode.Scalar(e)))'"
            } else {
                what = "'\\' followed by \(source.describe(at: pos + 1))"
            }
            throw source.error(at: backslash, "invalid escape sequence \(what)")
        }
        pos += 2
    }

    private func controlInString(_ b: UInt8) -> TOMLError {
        if b == TOMLByte.cr {
            return error("a carriage return (U+000D) must be followed by a newline")
        }
        return error("\(TOMLSource.describeControl(UInt32(b))) is not allowed in a string; use an escape sequence")
    }

    static func hexValue(_ b: UInt8) -> UInt8? {
        switch b {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return b - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return b - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return b - UInt8(ascii: "A") + 10
        default: return nil
        }
    }
}
