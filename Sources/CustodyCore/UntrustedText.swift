import Foundation

/// Text a device hands over about itself (USB string descriptors, sysfs attributes), as
/// faithful and reversible text a custody record can keep.
///
/// A custody record cannot keep NUL (SQLite ends text there), an unpaired surrogate or
/// bytes that are not UTF-8 (no Unicode text holds them, and U+FFFD would make two
/// different serials one). Those are written `\u{XXXX}` (a UTF-16 unit, four upper-case
/// hex digits) or `\x{HH}` (a byte that is not UTF-8), and a backslash `\\`, so the text
/// gives back exactly what the device said. Everything else, control characters
/// included, is kept as it is; whatever shows it to a person escapes it for display.
/// (`CustodyVolumes.MediaText` does the same for names on media, in a module of its own.)
public enum UntrustedText {
    /// UTF-16 units as text; NUL units at the end (padding) are dropped.
    public static func escaped(utf16 units: some Collection<UInt16>) -> String {
        var units = Array(units)
        while units.last == 0 { units.removeLast() }
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
            } else if let scalar = Unicode.Scalar(unit), unit != 0 {
                out.append(scalar)
            } else {
                out.append(contentsOf: escape(unit: UInt32(unit)).unicodeScalars)
            }
            i += 1
        }
        return String(out)
    }

    /// UTF-8 bytes as text; NUL bytes at the end (padding) are dropped.
    public static func escaped(utf8 bytes: some Collection<UInt8>) -> String {
        var bytes = Array(bytes)
        while bytes.last == 0 { bytes.removeLast() }
        var out = String.UnicodeScalarView()
        var i = 0
        while i < bytes.count {
            let (scalar, length) = decodeOne(bytes, at: i)
            if let scalar {
                if scalar == "\\" {
                    out.append(contentsOf: #"\\"#.unicodeScalars)
                } else if scalar == "\0" {
                    out.append(contentsOf: escape(unit: 0).unicodeScalars)
                } else {
                    out.append(scalar)
                }
            } else {
                out.append(contentsOf: ("\\x{" + hex(UInt32(bytes[i]), digits: 2) + "}").unicodeScalars)
            }
            i += length
        }
        return String(out)
    }

    /// The UTF-16 units text from ``escaped(utf16:)`` stands for.
    public static func units(ofEscaped text: String) -> [UInt16] {
        var out: [UInt16] = []
        forEachPiece(of: text) { piece in
            switch piece {
            case .text(let s): out += Array(s.utf16)
            case .unit(let u): out.append(UInt16(truncatingIfNeeded: u))
            case .byte(let b): out.append(UInt16(b))
            }
        }
        return out
    }

    /// The bytes text from ``escaped(utf8:)`` stands for.
    public static func bytes(ofEscaped text: String) -> [UInt8] {
        var out: [UInt8] = []
        forEachPiece(of: text) { piece in
            switch piece {
            case .text(let s): out += Array(s.utf8)
            case .unit(let u): out += Array(String(Unicode.Scalar(u) ?? "\u{FFFD}").utf8)
            case .byte(let b): out.append(b)
            }
        }
        return out
    }

    // MARK: - Pieces

    enum Piece { case text(String), unit(UInt32), byte(UInt8) }

    /// Splits escaped text into literal text and the units and bytes its escapes name.
    static func forEachPiece(of text: String, _ body: (Piece) -> Void) {
        let scalars = Array(text.unicodeScalars)
        var literal = String.UnicodeScalarView()
        var i = 0
        func flush() {
            if !literal.isEmpty { body(.text(String(literal))); literal = String.UnicodeScalarView() }
        }
        while i < scalars.count {
            if scalars[i] == "\\", i + 1 < scalars.count {
                if scalars[i + 1] == "\\" {
                    literal.append("\\")
                    i += 2
                    continue
                }
                if let (value, width, isByte) = braced(scalars, at: i) {
                    flush()
                    body(isByte ? .byte(UInt8(value)) : .unit(value))
                    i += width
                    continue
                }
            }
            literal.append(scalars[i])
            i += 1
        }
        flush()
    }

    /// `\u{XXXX}` or `\x{HH}` at `i`: its value, its length, and whether it is a byte.
    private static func braced(_ s: [Unicode.Scalar], at i: Int) -> (UInt32, Int, Bool)? {
        let isByte = s[i + 1] == "x"
        guard s[i + 1] == "u" || isByte else { return nil }
        let digits = isByte ? 2 : 4
        guard i + 3 + digits < s.count, s[i + 2] == "{", s[i + 3 + digits] == "}" else { return nil }
        guard let value = UInt32(String(String.UnicodeScalarView(s[(i + 3)..<(i + 3 + digits)])), radix: 16) else { return nil }
        return (value, 4 + digits, isByte)
    }

    static func escape(unit: UInt32) -> String { "\\u{" + hex(unit, digits: 4) + "}" }

    static func hex(_ value: UInt32, digits: Int) -> String {
        let text = String(value, radix: 16, uppercase: true)
        return String(repeating: "0", count: max(0, digits - text.count)) + text
    }

    /// One UTF-8 scalar at `i` and its length, or nil and 1 for a byte that starts none.
    private static func decodeOne(_ bytes: [UInt8], at i: Int) -> (Unicode.Scalar?, Int) {
        let b0 = bytes[i]
        if b0 < 0x80 { return (Unicode.Scalar(b0), 1) }
        let length = b0 >= 0xF0 ? 4 : b0 >= 0xE0 ? 3 : b0 >= 0xC0 ? 2 : 0
        guard length > 0, i + length <= bytes.count else { return (nil, 1) }
        var decoder = UTF8()
        var iterator = bytes[i..<(i + length)].makeIterator()
        if case .scalarValue(let scalar) = decoder.decode(&iterator), String(scalar).utf8.count == length {
            return (scalar, length)
        }
        return (nil, 1)
    }
}

extension SysfsRoot {
    /// A sysfs attribute a device supplied (serial, manufacturer, product), escaped as
    /// ``UntrustedText`` and trimmed of surrounding white space; nil when absent or empty.
    public func untrustedText(_ relative: String) -> String? {
        guard let data = FileManager.default.contents(atPath: sysPath(relative)) else { return nil }
        let text = UntrustedText.escaped(utf8: Array(data)).trimmingCharacters(in: .whitespacesAndNewlines)
        return text.isEmpty ? nil : text
    }
}
