import CustodyModel

/// The canonical bytes of a custody event, hashed as one ledger leaf: the event as a
/// JSON object in RFC 8785 (JSON Canonicalization Scheme) form — keys sorted by their
/// UTF-16 code units, no whitespace, strings escaped only where JSON requires it,
/// UTF-8. Anyone can recompute a leaf from an exported event:
///
///     {"action":"item.store","actor":{"name":"ana","uid":1001},"detail":{…},
///      "outcome":"ok","seq":42,"subject":"item:12","time":"2026-11-22T13:05:09.250Z"}
///
/// Numbers are written as RFC 8785 writes them (ECMAScript's form): integers as their
/// digits, `1e-7` rather than `1e-07`.
public enum CanonicalEntry {
    public static func bytes(of event: CustodyEvent) -> [UInt8] {
        // The envelope's keys in RFC 8785 order, written directly (every entry has them).
        var out: [UInt8] = []
        out.reserveCapacity(256)
        out += Array(#"{"action":"#.utf8); string(event.action, into: &out)
        out += Array(#","actor":{"name":"#.utf8); string(event.actor.name, into: &out)
        out += Array(#","uid":"#.utf8); out += Array(String(event.actor.uid).utf8)
        out += Array(#"},"detail":"#.utf8); write(.object(event.detail), into: &out)
        out += Array(#","outcome":"#.utf8); string(event.outcome, into: &out)
        out += Array(#","seq":"#.utf8); out += Array(String(event.seq).utf8)
        out += Array(#","subject":"#.utf8); string(event.subject, into: &out)
        out += Array(#","time":"#.utf8); string(event.time, into: &out)
        out.append(UInt8(ascii: "}"))
        return out
    }

    /// RFC 8785 serialisation of a JSON value.
    public static func write(_ value: JSONValue, into out: inout [UInt8]) {
        switch value {
        case .null: out += Array("null".utf8)
        case .bool(let b): out += Array((b ? "true" : "false").utf8)
        case .number(let n): out += Array(number(n).utf8)
        case .string(let s): string(s, into: &out)
        case .array(let items):
            out.append(UInt8(ascii: "["))
            for (i, item) in items.enumerated() {
                if i > 0 { out.append(UInt8(ascii: ",")) }
                write(item, into: &out)
            }
            out.append(UInt8(ascii: "]"))
        case .object(let members):
            out.append(UInt8(ascii: "{"))
            // RFC 8785 3.2.3: sorted by UTF-16 code units; for ASCII keys (the usual case)
            // that is byte order, compared without copying.
            let keys = members.keys.allSatisfy({ $0.utf8.allSatisfy { $0 < 0x80 } })
                ? members.keys.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
                : members.keys.map { ($0, Array($0.utf16)) }.sorted { $0.1.lexicographicallyPrecedes($1.1) }.map(\.0)
            for (i, key) in keys.enumerated() {
                if i > 0 { out.append(UInt8(ascii: ",")) }
                string(key, into: &out)
                out.append(UInt8(ascii: ":"))
                write(members[key]!, into: &out)
            }
            out.append(UInt8(ascii: "}"))
        }
    }

    /// RFC 8785 3.2.2.3: a number as ECMAScript's Number.prototype.toString writes it —
    /// the shortest digits that read back as the same double (Swift's `description`
    /// finds the same ones), laid out by ECMA-262's rules: plain digits from 1e-6 up to
    /// 1e21 (`0.000001`, `10000000000000000`), an exponent outside that (`1e-7`, `1e+21`).
    /// -0 is `0`. A number that is not finite has no JSON form; events never hold one
    /// (the store's JSON encoding refuses it), and it is written `null` here.
    static func number(_ n: Double) -> String {
        guard n.isFinite else { return "null" }
        // Integers of up to 2^53 (ids, sizes, uids): their digits, the common case.
        if n.rounded() == n, abs(n) <= 9_007_199_254_740_992 { return String(Int64(n)) }
        let (digits, exponent) = shortestDigits(abs(n))
        let sign = n < 0 ? "-" : ""
        let k = digits.count
        // The value is 0.d₁d₂…dₖ × 10^exponent (ECMA-262 7.1.12.1: n is `exponent`).
        if k <= exponent && exponent <= 21 {
            return sign + digits + String(repeating: "0", count: exponent - k)
        }
        if 0 < exponent && exponent <= 21 {
            return sign + digits.prefix(exponent) + "." + digits.dropFirst(exponent)
        }
        if -6 < exponent && exponent <= 0 {
            return sign + "0." + String(repeating: "0", count: -exponent) + digits
        }
        let e = exponent - 1
        let mantissa = k == 1 ? digits : digits.prefix(1) + "." + digits.dropFirst()
        return sign + mantissa + "e" + (e < 0 ? "-" : "+") + String(abs(e))
    }

    /// The shortest round-trip decimal digits of a positive finite `n` (no leading or
    /// trailing zeros) and the exponent `e` with n = 0.digits × 10^e, read from Swift's
    /// `description` ("1.2345e-07", "123.456", "5e-324").
    static func shortestDigits(_ n: Double) -> (String, Int) {
        let text = n.description
        let parts = text.split(separator: "e", maxSplits: 1)
        let mantissa = parts[0]
        let power = parts.count > 1 ? Int(parts[1])! : 0
        let whole = mantissa.split(separator: ".", maxSplits: 1, omittingEmptySubsequences: false)
        let integer = String(whole[0])
        let fraction = whole.count > 1 ? String(whole[1]) : ""
        var digits = integer + fraction
        // The point sits after the integer part: 0.digits × 10^(integer count + power).
        var exponent = integer.count + power
        while digits.first == "0" { digits.removeFirst(); exponent -= 1 }
        while digits.last == "0" { digits.removeLast() }
        return (digits, exponent)
    }

    /// RFC 8785 3.2.2.2: escape `"`, `\` and control characters only. Works on the
    /// UTF-8 bytes: every byte of a multi-byte sequence is 0x80 or above, so only
    /// ASCII bytes can need escaping and everything else is copied as it is.
    static func string(_ s: String, into out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        // Most strings need no escape at all: copied in one go.
        if s.utf8.allSatisfy({ $0 >= 0x20 && $0 != UInt8(ascii: "\"") && $0 != UInt8(ascii: "\\") }) {
            out.append(contentsOf: s.utf8)
            out.append(UInt8(ascii: "\""))
            return
        }
        for byte in s.utf8 {
            switch byte {
            case UInt8(ascii: "\""): out += [UInt8(ascii: "\\"), UInt8(ascii: "\"")]
            case UInt8(ascii: "\\"): out += [UInt8(ascii: "\\"), UInt8(ascii: "\\")]
            case 0x08: out += [UInt8(ascii: "\\"), UInt8(ascii: "b")]
            case 0x0C: out += [UInt8(ascii: "\\"), UInt8(ascii: "f")]
            case 0x0A: out += [UInt8(ascii: "\\"), UInt8(ascii: "n")]
            case 0x0D: out += [UInt8(ascii: "\\"), UInt8(ascii: "r")]
            case 0x09: out += [UInt8(ascii: "\\"), UInt8(ascii: "t")]
            case 0..<0x20:
                let hex = Array("0123456789abcdef".utf8)
                out += [UInt8(ascii: "\\"), UInt8(ascii: "u"), UInt8(ascii: "0"), UInt8(ascii: "0"), hex[Int(byte >> 4)], hex[Int(byte & 0xF)]]
            default: out.append(byte)
            }
        }
        out.append(UInt8(ascii: "\""))
    }
}
