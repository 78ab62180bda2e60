import Foundation

/// Renders keys and key paths the way they would be written in TOML, for messages.
public enum TOMLKeyPath {
    /// `key` as written in a TOML document: bare if it only contains
    /// `A-Z a-z 0-9 _ -` (and is not empty), otherwise as a basic string.
    public static func render(_ key: String) -> String {
        if !key.isEmpty, key.utf8.allSatisfy(isBareKeyByte) { return key }
        var out = "\""
        for scalar in key.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\t": out += "\\t"
            case "\r": out += "\\r"
            default:
                if scalar.value < 0x20 || scalar.value == 0x7F {
                    out += "\\u" + hex4(scalar.value)
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out + "\""
    }

    /// A dotted path such as `ingest.concurrency` or `servers."alpha beta".ip`.
    public static func render(_ path: [String]) -> String {
        path.map { render($0) }.joined(separator: ".")
    }

    /// `child` appended to the already rendered `parent` path ("" for the root).
    public static func join(_ parent: String, _ child: String) -> String {
        parent.isEmpty ? render(child) : parent + "." + render(child)
    }

    /// Whether `byte` may appear in a bare key.
    static func isBareKeyByte(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
             UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "_"), UInt8(ascii: "-"):
            return true
        default:
            return false
        }
    }

    static func hex4(_ value: UInt32) -> String {
        let digits = String(value, radix: 16, uppercase: true)
        return String(repeating: "0", count: max(0, 4 - digits.count)) + digits
    }
}
