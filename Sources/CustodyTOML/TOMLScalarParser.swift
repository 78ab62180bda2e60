import Foundation

/// A problem inside one scalar token, at an absolute byte offset.
struct TOMLTokenError: Error {
    var offset: Int
    var message: String
}

// Unquoted scalars: booleans, integers, floats and date-times. The parser first
// takes the whole token (letters, digits, `_ + - . :`, and the space between a
// date and a time), then decides what it is and validates it character by
// character, so errors point at the offending character.

extension TOMLParser {
    /// Bytes that can appear in an unquoted scalar.
    static func isScalarTokenByte(_ b: UInt8) -> Bool {
        TOMLKeyPath.isBareKeyByte(b) || b == UInt8(ascii: "+") || b == TOMLByte.dot || b == UInt8(ascii: ":")
    }

    /// At the first byte of an unquoted scalar.
    mutating func parseScalarToken() throws(TOMLError) -> TOMLValue.Kind {
        let bytes = source.bytes
        let start = pos
        while pos < bytes.count, Self.isScalarTokenByte(bytes[pos]) { pos += 1 }
        // "1979-05-27 07:32:00": a space may separate a full date from a time.
        if pos - start == 10, pos + 1 < bytes.count, bytes[pos] == TOMLByte.space,
           TOMLScalar.isDigit(bytes[pos + 1]), TOMLScalar.looksLikeDate(bytes[start..<pos]) {
            pos += 1
            while pos < bytes.count, Self.isScalarTokenByte(bytes[pos]) { pos += 1 }
        }
        let token = bytes[start..<pos]
        do {
            return try TOMLScalar.parse(token)
        } catch {
            throw source.error(at: error.offset, error.message)
        }
    }
}

/// Classification and validation of unquoted scalar tokens.
enum TOMLScalar {
    static func isDigit(_ b: UInt8) -> Bool { b >= UInt8(ascii: "0") && b <= UInt8(ascii: "9") }

    /// `YYYY-` at the start.
    static func looksLikeDate(_ t: ArraySlice<UInt8>) -> Bool {
        let s = t.startIndex
        return t.count >= 5 && t[s..<(s + 4)].allSatisfy(isDigit) && t[s + 4] == UInt8(ascii: "-")
    }

    /// `HH:` at the start.
    static func looksLikeTime(_ t: ArraySlice<UInt8>) -> Bool {
        let s = t.startIndex
        return t.count >= 3 && isDigit(t[s]) && isDigit(t[s + 1]) && t[s + 2] == UInt8(ascii: ":")
    }

    static func parse(_ token: ArraySlice<UInt8>) throws(TOMLTokenError) -> TOMLValue.Kind {
        let text = String(decoding: token, as: UTF8.self)
        switch text {
        case "true": return .boolean(true)
        case "false": return .boolean(false)
        case "inf", "+inf": return .float(.infinity)
        case "-inf": return .float(-.infinity)
        case "nan", "+nan": return .float(.nan)
        case "-nan": return .float(-Double.nan)
        default: break
        }
        if looksLikeDate(token) || looksLikeTime(token) {
            try TOMLDateTimeValidator.validate(token, text: text)
            return .dateTime(text)
        }
        let first = token[token.startIndex]
        if (first >= UInt8(ascii: "a") && first <= UInt8(ascii: "z")) || (first >= UInt8(ascii: "A") && first <= UInt8(ascii: "Z")) {
            let lower = text.lowercased()
            if lower == "true" || lower == "false" {
                throw TOMLTokenError(offset: token.startIndex, message: "invalid value '\(text)': booleans are written in lower case (true, false)")
            }
            throw TOMLTokenError(offset: token.startIndex, message: "invalid value '\(text)': strings must be quoted")
        }
        var number = TOMLNumberParser(token: token, text: text)
        return try number.parse()
    }
}

/// Integers (decimal, `0x`, `0o`, `0b`) and floats per TOML 1.0.
struct TOMLNumberParser {
    let token: ArraySlice<UInt8>
    let text: String
    var i: Int

    init(token: ArraySlice<UInt8>, text: String) {
        self.token = token
        self.text = text
        self.i = token.startIndex
    }

    private var end: Int { token.endIndex }
    private func at(_ k: Int) -> UInt8? { k < end ? token[k] : nil }

    private func fail(_ offset: Int, _ problem: String) -> TOMLTokenError {
        TOMLTokenError(offset: offset, message: "invalid number '\(text)': \(problem)")
    }

    private func describe(_ k: Int) -> String {
        guard let b = at(k) else { return "end of number" }
        return "'\(Character(Unicode.Scalar(b)))'"
    }

    mutating func parse() throws(TOMLTokenError) -> TOMLValue.Kind {
        let start = token.startIndex
        var negative = false
        if let s = at(i), s == UInt8(ascii: "+") || s == UInt8(ascii: "-") {
            negative = s == UInt8(ascii: "-")
            i += 1
        }
        // 0x / 0o / 0b
        if at(i) == UInt8(ascii: "0"), let p = at(i + 1),
           p == UInt8(ascii: "x") || p == UInt8(ascii: "o") || p == UInt8(ascii: "b") {
            if i != start {
                throw fail(start, "hexadecimal, octal and binary integers cannot have a sign")
            }
            return try parsePrefixed(p)
        }
        let intStart = i
        guard let first = at(i), TOMLScalar.isDigit(first) else {
            throw fail(i, "expected a digit, found \(describe(i))")
        }
        if first == UInt8(ascii: "0"), let next = at(i + 1), TOMLScalar.isDigit(next) || next == UInt8(ascii: "_") {
            throw fail(i, "leading zeros are not allowed")
        }
        try digits(TOMLScalar.isDigit, name: "a digit")
        let intEnd = i
        var isFloat = false
        if at(i) == TOMLByte.dot {
            isFloat = true
            i += 1
            try digits(TOMLScalar.isDigit, name: "a digit after '.'")
        }
        if let e = at(i), e == UInt8(ascii: "e") || e == UInt8(ascii: "E") {
            isFloat = true
            i += 1
            if let s = at(i), s == UInt8(ascii: "+") || s == UInt8(ascii: "-") { i += 1 }
            try digits(TOMLScalar.isDigit, name: "a digit in the exponent")
        }
        if i < end {
            throw fail(i, "unexpected \(describe(i))")
        }
        if isFloat {
            var literal = String(decoding: token.filter { $0 != UInt8(ascii: "_") }, as: UTF8.self)
            if literal.hasPrefix("+") { literal.removeFirst() }
            guard let value = Double(literal) else { throw fail(start, "not a valid float") }
            return .float(value)
        }
        // Accumulate negatively so that Int64.min fits.
        var value: Int64 = 0
        for k in intStart..<intEnd where token[k] != UInt8(ascii: "_") {
            let d = Int64(token[k] - UInt8(ascii: "0"))
            let (m, o1) = value.multipliedReportingOverflow(by: 10)
            let (s, o2) = m.subtractingReportingOverflow(d)
            if o1 || o2 { throw outOfRange(start) }
            value = s
        }
        if !negative {
            if value == .min { throw outOfRange(start) }
            value = -value
        }
        return .integer(value)
    }

    private func outOfRange(_ offset: Int) -> TOMLTokenError {
        TOMLTokenError(offset: offset, message: "integer '\(text)' does not fit in 64 bits")
    }

    /// Digits with single underscores between them; at least one digit.
    private mutating func digits(_ isDigit: (UInt8) -> Bool, name: String) throws(TOMLTokenError) {
        guard let first = at(i), isDigit(first) else {
            if at(i) == UInt8(ascii: "_") { throw fail(i, "an underscore must be between two digits") }
            throw fail(i, "expected \(name), found \(describe(i))")
        }
        i += 1
        while let b = at(i) {
            if isDigit(b) {
                i += 1
            } else if b == UInt8(ascii: "_") {
                guard let n = at(i + 1), isDigit(n) else {
                    throw fail(i, "an underscore must be between two digits")
                }
                i += 1
            } else {
                return
            }
        }
    }

    private mutating func parsePrefixed(_ prefix: UInt8) throws(TOMLTokenError) -> TOMLValue.Kind {
        let start = token.startIndex
        let radix: Int64
        let name: String
        let isDigit: (UInt8) -> Bool
        switch prefix {
        case UInt8(ascii: "x"):
            radix = 16; name = "a hexadecimal digit"
            isDigit = { TOMLParser.hexValue($0) != nil }
        case UInt8(ascii: "o"):
            radix = 8; name = "an octal digit"
            isDigit = { $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "7") }
        default:
            radix = 2; name = "a binary digit"
            isDigit = { $0 == UInt8(ascii: "0") || $0 == UInt8(ascii: "1") }
        }
        i += 2
        let digitsStart = i
        try digits(isDigit, name: name)
        if i < end {
            throw fail(i, "unexpected \(describe(i))")
        }
        var value: Int64 = 0
        for k in digitsStart..<i where token[k] != UInt8(ascii: "_") {
            let d = Int64(TOMLParser.hexValue(token[k]) ?? 0)
            let (m, o1) = value.multipliedReportingOverflow(by: radix)
            let (s, o2) = m.addingReportingOverflow(d)
            if o1 || o2 { throw outOfRange(start) }
            value = s
        }
        return .integer(value)
    }
}
