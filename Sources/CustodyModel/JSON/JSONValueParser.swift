/// A direct JSON reader for ``JSONValue`` (RFC 8259), for the event details the index
/// reads by the million during verification: one pass over the UTF-8 bytes, no
/// intermediate `Decoder`. Numbers become `Double`, as with `JSONDecoder`.
extension JSONValue {
    public struct ParseError: Error, Sendable, Equatable, CustomStringConvertible {
        public var offset: Int
        public var message: String
        /// Where the error is: member names and `[index]` elements from the outermost value in.
        public var path: [String] = []
        public var description: String { "invalid JSON at byte \(offset): \(message)" }

        /// The path as one name: `options.deep[1]`; empty for the outermost value.
        public var field: String { JSONValue.field(path) }

        func within(_ component: String) -> ParseError {
            var e = self
            e.path.insert(component, at: 0)
            return e
        }
    }

    /// Member names and `[index]` elements as one name: `options.deep[1]`.
    public static func field(_ path: [String]) -> String {
        var out = ""
        for component in path {
            if !component.hasPrefix("["), !out.isEmpty { out += "." }
            out += component
        }
        return out
    }

    /// Parses one JSON text.
    /// - Throws: ``ParseError`` naming the byte offset.
    public static func parse(_ text: String) throws(ParseError) -> JSONValue {
        var copy = text
        return try copy.withUTF8 { bytes in parse(bytes: bytes) }.get()
    }

    /// Parses one JSON text given as bytes, which need not be valid UTF-8: a string that
    /// is not is an error naming where it is (`path`).
    /// - Throws: ``ParseError`` naming the byte offset.
    public static func parse(utf8 bytes: [UInt8]) throws(ParseError) -> JSONValue {
        try bytes.withUnsafeBufferPointer { parse(bytes: $0) }.get()
    }

    private static func parse(bytes: UnsafeBufferPointer<UInt8>) -> Result<JSONValue, ParseError> {
        var parser = JSONBytesParser(bytes: bytes)
        do throws(ParseError) {
            let value = try parser.value(depth: 0)
            parser.skipSpace()
            guard parser.at == bytes.count else { return .failure(parser.error("trailing characters")) }
            return .success(value)
        } catch {
            return .failure(error)
        }
    }
}

struct JSONBytesParser {
    let bytes: UnsafeBufferPointer<UInt8>
    var at = 0
    static let maxDepth = 512

    func error(_ message: String) -> JSONValue.ParseError { JSONValue.ParseError(offset: at, message: message) }

    mutating func skipSpace() {
        while at < bytes.count, bytes[at] == 0x20 || bytes[at] == 0x0A || bytes[at] == 0x0D || bytes[at] == 0x09 { at += 1 }
    }

    mutating func value(depth: Int) throws(JSONValue.ParseError) -> JSONValue {
        guard depth < Self.maxDepth else { throw error("nested too deeply") }
        skipSpace()
        guard at < bytes.count else { throw error("unexpected end") }
        switch bytes[at] {
        case UInt8(ascii: "{"):
            at += 1
            var members: [String: JSONValue] = [:]
            skipSpace()
            if at < bytes.count, bytes[at] == UInt8(ascii: "}") { at += 1; return .object(members) }
            while true {
                skipSpace()
                guard at < bytes.count, bytes[at] == UInt8(ascii: "\"") else { throw error("expected a member name") }
                let key: String
                do { key = try string() } catch { throw JSONValue.ParseError(offset: error.offset, message: error.message + " in a member name") }
                skipSpace()
                guard at < bytes.count, bytes[at] == UInt8(ascii: ":") else { throw error("expected ':'") }
                at += 1
                do { members[key] = try value(depth: depth + 1) } catch { throw error.within(key) }
                skipSpace()
                guard at < bytes.count else { throw error("unexpected end in an object") }
                if bytes[at] == UInt8(ascii: ",") { at += 1; continue }
                guard bytes[at] == UInt8(ascii: "}") else { throw error("expected ',' or '}'") }
                at += 1
                return .object(members)
            }
        case UInt8(ascii: "["):
            at += 1
            var items: [JSONValue] = []
            skipSpace()
            if at < bytes.count, bytes[at] == UInt8(ascii: "]") { at += 1; return .array(items) }
            while true {
                do { items.append(try value(depth: depth + 1)) } catch { throw error.within("[\(items.count)]") }
                skipSpace()
                guard at < bytes.count else { throw error("unexpected end in an array") }
                if bytes[at] == UInt8(ascii: ",") { at += 1; continue }
                guard bytes[at] == UInt8(ascii: "]") else { throw error("expected ',' or ']'") }
                at += 1
                return .array(items)
            }
        case UInt8(ascii: "\""):
            return .string(try string())
        case UInt8(ascii: "t"): try literal("true"); return .bool(true)
        case UInt8(ascii: "f"): try literal("false"); return .bool(false)
        case UInt8(ascii: "n"): try literal("null"); return .null
        default:
            return .number(try number())
        }
    }

    mutating func literal(_ word: StaticString) throws(JSONValue.ParseError) {
        let n = word.utf8CodeUnitCount
        guard at + n <= bytes.count else { throw error("unexpected end") }
        for i in 0..<n where bytes[at + i] != word.utf8Start[i] { throw error("unknown literal") }
        at += n
    }

    mutating func number() throws(JSONValue.ParseError) -> Double {
        let start = at
        if at < bytes.count, bytes[at] == UInt8(ascii: "-") { at += 1 }
        func digits(_ p: inout JSONBytesParser) -> Int {
            let s = p.at
            while p.at < p.bytes.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(p.bytes[p.at]) { p.at += 1 }
            return p.at - s
        }
        guard digits(&self) > 0 else { throw error("expected a value") }
        if at < bytes.count, bytes[at] == UInt8(ascii: ".") {
            at += 1
            guard digits(&self) > 0 else { throw error("expected digits after '.'") }
        }
        if at < bytes.count, bytes[at] == UInt8(ascii: "e") || bytes[at] == UInt8(ascii: "E") {
            at += 1
            if at < bytes.count, bytes[at] == UInt8(ascii: "+") || bytes[at] == UInt8(ascii: "-") { at += 1 }
            guard digits(&self) > 0 else { throw error("expected an exponent") }
        }
        guard let n = Double(String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<at]), as: UTF8.self)) else {
            throw error("not a number")
        }
        return n
    }

    mutating func string() throws(JSONValue.ParseError) -> String {
        at += 1 // the opening quote
        let start = at
        // The common case: no escapes; the bytes are the string.
        while at < bytes.count, bytes[at] != UInt8(ascii: "\""), bytes[at] != UInt8(ascii: "\\") {
            guard bytes[at] >= 0x20 else { throw error("control character in a string") }
            at += 1
        }
        guard at < bytes.count else { throw error("unterminated string") }
        var out = Array(UnsafeBufferPointer(rebasing: bytes[start..<at]))
        while bytes[at] != UInt8(ascii: "\"") {
            // An escape.
            at += 1
            guard at < bytes.count else { throw error("unterminated escape") }
            let c = bytes[at]
            at += 1
            switch c {
            case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): out.append(c)
            case UInt8(ascii: "b"): out.append(0x08)
            case UInt8(ascii: "f"): out.append(0x0C)
            case UInt8(ascii: "n"): out.append(0x0A)
            case UInt8(ascii: "r"): out.append(0x0D)
            case UInt8(ascii: "t"): out.append(0x09)
            case UInt8(ascii: "u"):
                var scalar = try hex4()
                if (0xD800..<0xDC00).contains(scalar) {
                    guard at + 1 < bytes.count, bytes[at] == UInt8(ascii: "\\"), bytes[at + 1] == UInt8(ascii: "u") else {
                        throw error("unpaired surrogate")
                    }
                    at += 2
                    let low = try hex4()
                    guard (0xDC00..<0xE000).contains(low) else { throw error("unpaired surrogate") }
                    scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                } else if (0xDC00..<0xE000).contains(scalar) {
                    throw error("unpaired surrogate")
                }
                out.append(contentsOf: Array(String(Unicode.Scalar(scalar)!).utf8))
            default: throw error("unknown escape")
            }
            while at < bytes.count, bytes[at] != UInt8(ascii: "\""), bytes[at] != UInt8(ascii: "\\") {
                guard bytes[at] >= 0x20 else { throw error("control character in a string") }
                out.append(bytes[at])
                at += 1
            }
            guard at < bytes.count else { throw error("unterminated string") }
        }
        at += 1 // the closing quote
        guard let text = String(validating: out, as: UTF8.self) else { throw error("a string is not valid UTF-8") }
        return text
    }

    mutating func hex4() throws(JSONValue.ParseError) -> UInt32 {
        guard at + 4 <= bytes.count else { throw error("short \\u escape") }
        var v: UInt32 = 0
        for _ in 0..<4 {
            let c = bytes[at]
            let d: UInt32
            switch c {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): d = UInt32(c - UInt8(ascii: "0"))
            case UInt8(ascii: "a")...UInt8(ascii: "f"): d = UInt32(c - UInt8(ascii: "a") + 10)
            case UInt8(ascii: "A")...UInt8(ascii: "F"): d = UInt32(c - UInt8(ascii: "A") + 10)
            default: throw error("bad hex digit in \\u escape")
            }
            v = v << 4 | d
            at += 1
        }
        return v
    }
}
