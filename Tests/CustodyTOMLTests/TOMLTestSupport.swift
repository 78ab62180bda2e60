import CustodyTestSupport
import Testing
@testable import CustodyTOML

// Small helpers shared by the TOML tests.

/// Parses `text`, recording an issue (and returning an empty table) on failure.
func parseTOML(_ text: String, sourceLocation: SourceLocation = #_sourceLocation) -> TOMLTable {
    do {
        return try TOML.parse(text)
    } catch {
        Issue.record("unexpected TOML error: \(error)", sourceLocation: sourceLocation)
        return TOMLTable()
    }
}

/// Parses `text` expecting a failure; returns the error (nil and an issue if it parsed).
func tomlError(_ text: String, sourceLocation: SourceLocation = #_sourceLocation) -> TOMLError? {
    do {
        let table = try TOML.parse(text)
        Issue.record("expected a TOML error, parsed \(table)", sourceLocation: sourceLocation)
        return nil
    } catch {
        return error
    }
}

extension TOMLTable {
    /// The value at a dotted path of plain keys, e.g. "a.b.c" (test convenience).
    subscript(path path: String) -> TOMLValue? {
        value(at: path.split(separator: ".", omittingEmptySubsequences: false).map(String.init))
    }
}

/// Inputs for robustness and differential tests: valid seed documents, and
/// random or mutated text built from TOML's significant characters.
enum TOMLFuzzCorpus {
    static let seeds: [String] = [
        "title = \"Custody\"\n[owner]\nname = \"Tom\"\ndob = 1979-05-27T07:32:00-08:00\n",
        "[database]\nenabled = true\nports = [ 8000, 8001, 8002 ]\ndata = [ [\"delta\", \"phi\"], [3.14] ]\ntemp_targets = { cpu = 79.5, case = 72.0 }\n",
        "[[courtroom]]\nname = \"Room 1\"\n[courtroom.recorder]\nmodel = \"X1\"\n\n[[courtroom]]\nname = \"Room 2\"\n",
        "a.b.c = 1\na.b.d = 'x'\n\"q k\".z = 0x1F\n[t]\ns = \"\"\"\nline\\\n  more \\u00e9\"\"\"\nl = '''raw\n\\n'''\n",
        "f = [1.5, -2e-3, inf, nan, +0.0, 1_000.5]\ni = [0o17, 0b101, -9223372036854775808, +1_000]\n",
        "d = [1979-05-27, 07:32:00.5, 1979-05-27 07:32:00Z, 1979-05-27T07:32:00.123+05:30]\n",
        "x = { a = [1, {b = 2}], c.d = \"e\" } # comment\n[y.z]\n[y]\nw = true\n",
        "k = \"esc \\t \\\" \\\\ \\U0001F600\"\n'lit' = '\\no'\n\n# end\n",
        "[a]\nb.c = 1\n[a.d]\ne = [\n  1,\n  2, # two\n]\n",
    ]

    /// Characters random inputs are drawn from.
    static let alphabet: [Character] = Array("abcxyz019_-+.:eE \t\n\r\n=[]{},\"'#\\\"\"\"'''TZtruefalseinfnan0x0o0b\u{0}\u{7}\u{7F}é😀")

    static func randomText(_ rng: inout SplitMix64) -> String {
        let length = Int.random(in: 0...80, using: &rng)
        return String((0..<length).map { _ in alphabet.randomElement(using: &rng)! })
    }

    /// A seed document with a few characters inserted, deleted, replaced or duplicated.
    static func mutated(_ rng: inout SplitMix64) -> String {
        var chars = Array(seeds.randomElement(using: &rng)!)
        for _ in 0..<Int.random(in: 1...4, using: &rng) {
            let i = chars.isEmpty ? 0 : Int.random(in: 0..<chars.count, using: &rng)
            switch Int.random(in: 0..<4, using: &rng) {
            case 0:
                chars.insert(alphabet.randomElement(using: &rng)!, at: i)
            case 1:
                if !chars.isEmpty { chars.remove(at: i) }
            case 2:
                if !chars.isEmpty { chars[i] = alphabet.randomElement(using: &rng)! }
            default:
                if !chars.isEmpty {
                    let end = min(chars.count, i + Int.random(in: 1...12, using: &rng))
                    chars.insert(contentsOf: chars[i..<end], at: i)
                }
            }
        }
        return String(chars)
    }
}

/// A canonical text for a parsed document, shared with the Python cross-check
/// (see `TOMLCrossCheckTests.pythonEncoder`): tables with keys sorted by code
/// point, strings as hex code points, floats as their bit pattern, date-times
/// as their fields (fraction truncated to microseconds, offset in minutes).
enum TOMLCanonical {
    static func encode(_ table: TOMLTable) -> String {
        let sorted = table.entries.sorted { $0.key.unicodeScalars.lexicographicallyPrecedes($1.key.unicodeScalars) }
        return "{" + sorted.map { scalars($0.key) + "=" + encode($0.value) }.joined(separator: ",") + "}"
    }

    static func encode(_ value: TOMLValue) -> String {
        switch value.kind {
        case .string(let s): return "s:" + scalars(s)
        case .integer(let i): return "i:\(i)"
        case .float(let d): return d.isNaN ? "f:nan" : "f:\(Int64(bitPattern: d.bitPattern))"
        case .boolean(let b): return "b:\(b)"
        case .dateTime(let s): return dateTime(s)
        case .array(let a): return "[" + a.map(encode).joined(separator: ",") + "]"
        case .table(let t): return encode(t)
        }
    }

    static func scalars(_ s: String) -> String {
        s.unicodeScalars.map { String($0.value, radix: 16) }.joined(separator: ".")
    }

    /// Fields of a validated TOML date-time.
    static func dateTime(_ s: String) -> String {
        let c = Array(s)
        func int(_ r: Range<Int>) -> Int { Int(String(c[r]))! }
        func pad(_ n: Int, _ width: Int) -> String {
            let d = String(n)
            return String(repeating: "0", count: max(0, width - d.count)) + d
        }
        /// "HH:MM:SS.ffffff" starting at `i`, and the index after the fraction.
        func time(_ i: Int) -> (String, Int) {
            var j = i + 8
            var micros = ""
            if j < c.count, c[j] == "." {
                j += 1
                while j < c.count, c[j].isASCII, c[j].isNumber { micros.append(c[j]); j += 1 }
            }
            micros = String((micros + "000000").prefix(6))
            return ("\(pad(int(i..<(i + 2)), 2)):\(pad(int((i + 3)..<(i + 5)), 2)):\(pad(int((i + 6)..<(i + 8)), 2)).\(micros)", j)
        }
        if c.count >= 3, c[2] == ":" {
            return "t:" + time(0).0
        }
        let date = "\(pad(int(0..<4), 4))-\(pad(int(5..<7), 2))-\(pad(int(8..<10), 2))"
        if c.count == 10 { return "d:" + date }
        let (t, end) = time(11)
        var offset = "local"
        if end < c.count {
            if c[end] == "Z" || c[end] == "z" {
                offset = "0"
            } else {
                let minutes = int((end + 1)..<(end + 3)) * 60 + int((end + 4)..<(end + 6))
                offset = String(c[end] == "-" ? -minutes : minutes)
            }
        }
        return "dt:\(date) \(t) \(offset)"
    }

    /// Parses with both entry points' worth of information: canonical text or the error.
    static func result(_ text: String) -> Result<String, TOMLError> {
        Result { () throws(TOMLError) in encode(try TOML.parse(text)) }
    }
}

extension TOMLFuzzCorpus {
    /// A document of random headers, dotted keys and nested values over a few
    /// key names, so table redefinition rules get exercised.
    static func structured(_ rng: inout SplitMix64) -> String {
        func path() -> String {
            let segments = ["a", "b", "c", "\"a\"", "'b'", "a . b"]
            return (0..<Int.random(in: 1...3, using: &rng)).map { _ in segments.randomElement(using: &rng)! }.joined(separator: ".")
        }
        func value(_ depth: Int) -> String {
            let simple = ["1", "'s'", "true", "1.5", "1979-05-27", "[]", "{}", "07:00:00"]
            if depth > 1 { return simple.randomElement(using: &rng)! }
            switch Int.random(in: 0..<4, using: &rng) {
            case 0:
                return "{ " + (0..<Int.random(in: 1...3, using: &rng)).map { _ in path() + " = " + value(depth + 1) }
                    .joined(separator: ", ") + " }"
            case 1:
                return "[" + (0..<Int.random(in: 0...3, using: &rng)).map { _ in value(depth + 1) }.joined(separator: ", ") + "]"
            default:
                return simple.randomElement(using: &rng)!
            }
        }
        return (0..<Int.random(in: 1...7, using: &rng)).map { _ in
            switch Int.random(in: 0..<5, using: &rng) {
            case 0: return "[" + path() + "]"
            case 1: return "[[" + path() + "]]"
            default: return path() + " = " + value(0)
            }
        }.joined(separator: "\n") + "\n"
    }

    /// `k = <value>` where the value is a quoted string of tricky pieces (quote
    /// runs, escapes, line endings, control characters) or an unquoted run of
    /// number and date-time fragments.
    static func scalar(_ rng: inout SplitMix64) -> String {
        let stringPieces = ["\"\"\"", "\"", "\\", "\n", "\r\n", " ", "a", "\\u00e9", "\\U0001F600", "'", "'''", "\t", "\\n",
                            "\\\n", "\\ \n", "#", "=", "1", "\r", "é", "\\\"", "\u{7}", "x = ", "\n[t]\n", "\\  \t\r\n  \n"]
        let numberPieces = ["0", "1", "9", "_", ".", "e", "E", "+", "-", "x", "o", "b", "inf", "nan", ":", "T", "Z", " ",
                            "1979-05-27", "07:32:00", "a", "00", "12", "-0", "t", "z", "60", "29", "02", "24", "1_0",
                            "0x", "0o", "0b", "f", "F"]
        let delimiter = ["\"", "\"\"\"", "'", "'''", "", "", ""].randomElement(using: &rng)!
        let body: String
        if delimiter.isEmpty {
            body = (0..<Int.random(in: 1...8, using: &rng)).map { _ in numberPieces.randomElement(using: &rng)! }.joined()
        } else {
            body = (0..<Int.random(in: 0...6, using: &rng)).map { _ in stringPieces.randomElement(using: &rng)! }.joined()
        }
        return "k = " + delimiter + body + delimiter + "\n"
    }

    /// A mix of every kind of generated input, chosen by `round`.
    static func any(_ round: Int, _ rng: inout SplitMix64) -> String {
        switch round % 6 {
        case 0: return randomText(&rng)
        case 1, 2: return mutated(&rng)
        case 3, 4: return structured(&rng)
        default: return scalar(&rng)
        }
    }
}
