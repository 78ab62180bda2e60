import Foundation

/// What `custodyctl` shows a person comes partly from outside: file names from a card,
/// a device's USB strings, request paths in refusals. A control character in them
/// could move the cursor, retitle or clear the terminal, or hide a line; a bidi control
/// could make `gpj.exe` read as `exe.jpg`. ``escape(_:)`` is the one function every
/// table and message passes such text through; `--json` stays faithful JSON.
enum Terminal {
    /// Whether `scalar` is shown escaped: C0 (U+0000–U+001F), DEL, C1 (U+0080–U+009F),
    /// the bidi embeddings, overrides and isolates (U+202A–U+202E, U+2066–U+2069), the
    /// marks (U+200E, U+200F, U+061C), and the line and paragraph separators.
    static func isUnsafe(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x00...0x1F, 0x7F...0x9F: return true
        case 0x202A...0x202E, 0x2066...0x2069, 0x200E, 0x200F, 0x061C, 0x2028, 0x2029: return true
        default: return false
        }
    }

    /// `text` with every unsafe scalar written `\u{XXXX}` (at least four upper-case hex digits).
    static func escape(_ text: String) -> String {
        guard text.unicodeScalars.contains(where: isUnsafe) else { return text }
        var out = String.UnicodeScalarView()
        for scalar in text.unicodeScalars {
            if isUnsafe(scalar) {
                let hex = String(scalar.value, radix: 16, uppercase: true)
                out.append(contentsOf: ("\\u{" + String(repeating: "0", count: max(0, 4 - hex.count)) + hex + "}").unicodeScalars)
            } else {
                out.append(scalar)
            }
        }
        return String(out)
    }

    /// A multi-line text (a signed note, the metrics exposition, udev rules) with each
    /// line escaped and the line breaks between them kept.
    static func escape(lines text: String) -> String {
        text.split(separator: "\n", omittingEmptySubsequences: false).map { escape(String($0)) }.joined(separator: "\n")
    }
}

/// A message for a person: its literal parts are written as they are (the layout, line
/// breaks included), every interpolated value through ``Terminal/escape(_:)``.
struct TerminalText: ExpressibleByStringInterpolation, CustomStringConvertible {
    private(set) var rendered: String

    init(stringLiteral value: String) { rendered = value }

    init(stringInterpolation: Interpolation) { rendered = stringInterpolation.rendered }

    /// A multi-line text from outside (udev rules, the metrics exposition, a signed
    /// note): each line escaped, the line breaks kept.
    init(lines text: String) { rendered = Terminal.escape(lines: text) }

    /// Text every part of which is already escaped (``Formatting/table(_:_:showHeaders:)``).
    init(safe text: String) { rendered = text }

    /// One value, escaped.
    init(value: some CustomStringConvertible) { rendered = Terminal.escape(value.description) }

    var description: String { rendered }

    var isEmpty: Bool { rendered.isEmpty }

    static func + (lhs: TerminalText, rhs: TerminalText) -> TerminalText {
        var out = lhs
        out.rendered += rhs.rendered
        return out
    }

    static func += (lhs: inout TerminalText, rhs: TerminalText) { lhs.rendered += rhs.rendered }

    struct Interpolation: StringInterpolationProtocol {
        var rendered = ""
        init(literalCapacity: Int, interpolationCount: Int) { rendered.reserveCapacity(literalCapacity) }
        mutating func appendLiteral(_ literal: String) { rendered += literal }
        mutating func appendInterpolation(_ value: some CustomStringConvertible) { rendered += Terminal.escape(value.description) }
        mutating func appendInterpolation(_ value: TerminalText) { rendered += value.rendered }
        /// A value escaped, then padded with spaces to `width` characters (table-like columns).
        mutating func appendInterpolation(_ value: some CustomStringConvertible, width: Int) {
            let text = Terminal.escape(value.description)
            rendered += text.count < width ? text + String(repeating: " ", count: width - text.count) : text
        }
    }
}

extension Array where Element == TerminalText {
    func joined(separator: TerminalText) -> TerminalText {
        guard var out = first else { return "" }
        for text in dropFirst() { out += separator + text }
        return out
    }
}

/// Prints a message for a person on standard output (``TerminalText``: its values escaped).
/// Every human-readable line of custodyctl goes through here; JSON goes through
/// ``GlobalOptions/printJSON(_:)`` as it is.
func say(_ text: TerminalText, terminator: String = "\n") {
    Swift.print(text.rendered, terminator: terminator)
}
