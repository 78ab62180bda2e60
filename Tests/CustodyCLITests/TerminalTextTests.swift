import Foundation
import Testing
@testable import CustodyCLI

/// What reaches a terminal from outside (file names, USB strings, request paths) can
/// never drive it: C0, DEL, C1 and bidi controls are shown as `\u{XXXX}`.
@Suite("Terminal output")
struct TerminalTextTests {
    @Test("C0, DEL, C1, bidi controls and line separators are escaped; everything else is shown as it is")
    func escape() {
        #expect(Terminal.escape("plain Доказ_001.mp4 📹") == "plain Доказ_001.mp4 📹")
        #expect(Terminal.escape("\u{1B}[2J\u{1B}]0;owned\u{07}") == #"\u{001B}[2J\u{001B}]0;owned\u{0007}"#)
        #expect(Terminal.escape("a\tb\nc\rd\0e\u{7F}") == #"a\u{0009}b\u{000A}c\u{000D}d\u{0000}e\u{007F}"#)
        #expect(Terminal.escape("\u{80}\u{9B}31m\u{9F}") == #"\u{0080}\u{009B}31m\u{009F}"#)
        for bidi: Unicode.Scalar in ["\u{202A}", "\u{202B}", "\u{202C}", "\u{202D}", "\u{202E}", "\u{2066}", "\u{2067}", "\u{2068}",
                                     "\u{2069}", "\u{200E}", "\u{200F}", "\u{061C}", "\u{2028}", "\u{2029}"] {
            let escaped = Terminal.escape("x" + String(bidi) + "y")
            #expect(escaped == "x\\u{" + String(format: "%04X", bidi.value) + "}y")
        }
        #expect(Terminal.escape("gpj.\u{202E}exe") == #"gpj.\u{202E}exe"#)
    }

    @Test("tables escape every cell, so a hostile name can neither drive the terminal nor break the columns")
    func table() {
        let out = Formatting.table(["ID", "PATH"], [["1", "a\u{1B}[31mred\nX"], ["22", "b"]]).description
        #expect(!out.unicodeScalars.contains("\u{1B}"))
        #expect(out.split(separator: "\n").count == 3)
        #expect(out.contains(#"a\u{001B}[31mred\u{000A}X"#))
    }

    @Test("a message escapes what it interpolates, not its own layout")
    func message() {
        let name = "evil\u{1B}[8m\u{202E}"
        let text: TerminalText = "job 3:\n  root \(name)\n"
        #expect(text.rendered == "job 3:\n  root evil\\u{001B}[8m\\u{202E}\n")
        #expect(Terminal.escape(lines: "one\u{1B}\ntwo\u{9B}\n") == "one\\u{001B}\ntwo\\u{009B}\n", "line breaks of a multi-line text are kept")
    }
}

/// Nothing in the CLI writes a person's output around ``say(_:terminator:)``: a new
/// command that used `print` with a name from outside would reopen the hole.
@Suite("Terminal output paths")
struct TerminalOutputPathTests {
    @Test("no print( in the CLI's sources but the two that write already-escaped text and faithful JSON")
    func onlySayPrints() throws {
        let sources = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Sources/CustodyCLI")
        let files = try FileManager.default.contentsOfDirectory(atPath: sources.path).filter { $0.hasSuffix(".swift") }
        #expect(files.count > 30)
        var found: [String] = []
        for file in files {
            let text = try String(contentsOf: sources.appendingPathComponent(file), encoding: .utf8)
            for (n, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
                let code = line.components(separatedBy: "//")[0]
                let prints = code.contains("print(") && !code.contains("printJSON(")
                let writes = code.contains("FileHandle.standardOutput") || code.contains("FileHandle.standardError")
                let allowed = (file == "TerminalText.swift" && code.contains("Swift.print(text.rendered"))
                    || (file == "GlobalOptions.swift" && code.contains("print(String(decoding: data"))
                    || (file == "WatchCommand.swift" && writes) || (file == "CustodyctlCommand.swift" && writes)
                    || (file == "ExportAbandonment.swift" && writes)
                    || (file == "IngestCommand.swift" && writes && !code.contains("\\("))
                if (prints || writes) && !allowed { found.append("\(file):\(n + 1): \(line.trimmingCharacters(in: .whitespaces))") }
            }
        }
        #expect(found.isEmpty, "\(found)")
    }
}
