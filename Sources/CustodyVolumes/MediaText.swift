/// Names and labels read from evidence media, as faithful and reversible text.
///
/// FAT long names, exFAT names and labels and GPT partition names are UTF-16 units that
/// nothing on a crafted or damaged medium keeps well-formed. A custody record cannot
/// keep NUL (SQLite ends text there) or an unpaired surrogate (no Unicode text can hold
/// one, and decoding it as U+FFFD would make two different names one), and a '/' inside
/// a name would split it in a path. Those units are written `\u{XXXX}` (four upper-case
/// hex digits of the unit) and a backslash `\\`, so the escaped name is still unique and
/// gives back exactly the units on the medium (``units(ofEscaped:)``). Every other
/// character, control characters included, is kept as it is: the record stays faithful,
/// and whatever shows it to a person escapes it for display.
public enum MediaText {
    /// The text of `units`, escaped as described above.
    public static func escaped(_ units: some Collection<UInt16>) -> String {
        let units = Array(units)
        var out = String.UnicodeScalarView()
        var i = 0
        while i < units.count {
            let unit = units[i]
            if UTF16.isLeadSurrogate(unit), i + 1 < units.count, UTF16.isTrailSurrogate(units[i + 1]) {
                out.append(Unicode.Scalar(0x10000 + (UInt32(unit - 0xD800) << 10) + UInt32(units[i + 1] - 0xDC00))!)
                i += 2
                continue
            }
            if unit == 0x5C {
                out.append(contentsOf: #"\\"#.unicodeScalars)
            } else if let scalar = Unicode.Scalar(unit), unit != 0, unit != 0x2F {
                out.append(scalar)
            } else {
                out.append(contentsOf: escape(unit).unicodeScalars)
            }
            i += 1
        }
        return String(out)
    }

    /// `\u{XXXX}` for one unit.
    static func escape(_ unit: UInt16) -> String {
        let hex = String(unit, radix: 16, uppercase: true)
        return "\\u{" + String(repeating: "0", count: 4 - hex.count) + hex + "}"
    }

    /// The units an ``escaped(_:)`` name stands for.
    public static func units(ofEscaped text: String) -> [UInt16] {
        let units = Array(text.utf16)
        var out: [UInt16] = []
        out.reserveCapacity(units.count)
        var i = 0
        while i < units.count {
            if units[i] == 0x5C, i + 1 < units.count {
                if units[i + 1] == 0x5C {
                    out.append(0x5C)
                    i += 2
                    continue
                }
                if i + 7 < units.count, units[i + 1] == 0x75, units[i + 2] == 0x7B, units[i + 7] == 0x7D,
                   let value = UInt16(String(decoding: units[(i + 3)..<(i + 7)], as: UTF16.self), radix: 16) {
                    out.append(value)
                    i += 8
                    continue
                }
            }
            out.append(units[i])
            i += 1
        }
        return out
    }

    /// What in `units` a FAT or exFAT name may not hold and ``escaped(_:)`` escaped, in
    /// words (empty when nothing): NUL, '/', '\' and unpaired surrogates.
    static func forbidden(in units: some Collection<UInt16>) -> [String] {
        let units = Array(units)
        var found: [String] = []
        if units.contains(0) { found.append("NUL") }
        if units.contains(0x2F) { found.append("'/'") }
        if units.contains(0x5C) { found.append("'\\'") }
        var i = 0
        while i < units.count {
            if UTF16.isLeadSurrogate(units[i]), i + 1 < units.count, UTF16.isTrailSurrogate(units[i + 1]) {
                i += 2
                continue
            }
            if UTF16.isLeadSurrogate(units[i]) || UTF16.isTrailSurrogate(units[i]) {
                found.append("an unpaired surrogate")
                break
            }
            i += 1
        }
        return found
    }

    /// The problem note for a name holding ``forbidden(in:)`` units.
    static func note(_ forbidden: [String], fileSystem: String) -> String {
        "holds \(forbidden.joined(separator: ", ")), which \(fileSystem) forbids; it is kept escaped (\\u{XXXX} for the unit, \\\\ for '\\')"
    }
}
