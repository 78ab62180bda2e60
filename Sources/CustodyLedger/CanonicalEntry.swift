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
        let object: JSONValue = .object([
            "seq": .number(Double(event.seq)),
            "time": .string(event.time),
            "actor": .object(["uid": .number(Double(event.actor.uid)), "name": .string(event.actor.name)]),
            "action": .string(event.action),
            "subject": .string(event.subject),
            "outcome": .string(event.outcome),
            "detail": .object(event.detail),
        ])
        var out: [UInt8] = []
        write(object, into: &out)
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
            // RFC 8785 3.2.3: sorted by UTF-16 code units.
            let keys = members.keys.sorted { Array($0.utf16).lexicographicallyPrecedes(Array($1.utf16)) }
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

    /// RFC 8785 3.2.2.2: escape `"`, `\` and control characters only.
    static func string(_ s: String, into out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        for scalar in s.unicodeScalars {
            switch scalar {
            case "\"": out += Array("\\\"".utf8)
            case "\\": out += Array("\\\\".utf8)
            case "\u{08}": out += Array("\\b".utf8)
            case "\u{0C}": out += Array("\\f".utf8)
            case "\n": out += Array("\\n".utf8)
            case "\r": out += Array("\\r".utf8)
            case "\t": out += Array("\\t".utf8)
            case _ where scalar.value < 0x20:
                let hex = String(scalar.value, radix: 16)
                out += Array(("\\u" + String(repeating: "0", count: 4 - hex.count) + hex).utf8)
            default: out += Array(String(scalar).utf8)
            }
        }
        out.append(UInt8(ascii: "\""))
    }
}
