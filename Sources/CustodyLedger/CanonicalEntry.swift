import CustodyProtocol

/// The canonical bytes of a custody event, hashed as one ledger leaf: the event as a
/// JSON object in RFC 8785 (JSON Canonicalization Scheme) form — keys sorted by their
/// UTF-16 code units, no whitespace, strings escaped only where JSON requires it,
/// UTF-8. Anyone can recompute a leaf from an exported event:
///
///     {"action":"item.store","actor":{"name":"ana","uid":1001},"detail":{…},
///      "outcome":"ok","seq":42,"subject":"item:12","time":"2026-11-22T13:05:09.250Z"}
///
/// Numbers in events are integers (ids, sizes, uids); they are written as such.
public enum CanonicalEntry {
    public static func bytes(of event: EventDTO) -> [UInt8] {
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

    /// Integers as integers; other numbers in Swift's shortest round-trip form
    /// (which equals ECMAScript's for the values events carry).
    static func number(_ n: Double) -> String {
        if n.rounded() == n, abs(n) < 1e15 { return String(Int64(n)) }
        return "\(n)"
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
