/// A small checker of udev rule syntax (udev(7)), for environments without
/// `udevadm verify` (systemd ≥ 254): every line is blank, a comment, or a
/// comma-separated list of `KEY{attr}op"value"` items, with keys, attributes and
/// operators that udev accepts, and every GOTO has its LABEL.
enum UdevRuleSyntax {
    /// Keys that only compare.
    static let matchOnly: Set<String> = ["ACTION", "DEVPATH", "KERNEL", "SUBSYSTEM", "DRIVER", "KERNELS", "SUBSYSTEMS",
                                         "DRIVERS", "ATTRS", "TAGS", "TEST", "PROGRAM", "RESULT", "CONST"]
    /// Keys that only assign.
    static let assignOnly: Set<String> = ["OWNER", "GROUP", "MODE", "SECLABEL", "RUN", "LABEL", "GOTO", "IMPORT", "OPTIONS"]
    /// Keys that do both.
    static let either: Set<String> = ["NAME", "SYMLINK", "ATTR", "SYSCTL", "ENV", "TAG"]
    /// Keys that need `{attr}`; TEST, RUN and IMPORT may have one.
    static let needsAttribute: Set<String> = ["ATTR", "ATTRS", "SYSCTL", "ENV", "CONST", "SECLABEL", "IMPORT"]
    static let mayHaveAttribute: Set<String> = ["TEST", "RUN"]

    /// The problems, each as "line N: ...". Empty when the text is valid.
    static func problems(in text: String) -> [String] {
        var problems: [String] = []
        var labels: Set<String> = []
        var gotos: [(line: Int, label: String)] = []
        if !text.hasSuffix("\n") { problems.append("the file does not end with a newline") }
        for (i, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = raw.drop { $0 == " " || $0 == "\t" }
            if line.isEmpty || line.hasPrefix("#") { continue }
            if raw.hasSuffix("\\") { problems.append("line \(i + 1): continuation lines are not used here"); continue }
            switch items(String(line)) {
            case .failure(let problem):
                problems.append("line \(i + 1): \(problem)")
            case .success(let items):
                for item in items {
                    if let problem = check(item) { problems.append("line \(i + 1): \(problem)") }
                    if item.key == "LABEL" { labels.insert(item.value) }
                    if item.key == "GOTO" { gotos.append((i + 1, item.value)) }
                }
            }
        }
        for goto in gotos where !labels.contains(goto.label) {
            problems.append("line \(goto.line): GOTO \"\(goto.label)\" has no LABEL")
        }
        return problems
    }

    struct Item: Equatable {
        var key: String
        var attribute: String?
        var op: String
        var value: String
    }

    struct Problem: Error, CustomStringConvertible {
        var description: String
        init(_ description: String) { self.description = description }
    }

    /// Splits `KEY{attr}op"value", KEY op "value", ...` into items.
    static func items(_ line: String) -> Result<[Item], Problem> {
        let s = Array(line.unicodeScalars)
        var i = 0
        var out: [Item] = []
        func skipSpace() { while i < s.count, s[i] == " " || s[i] == "\t" { i += 1 } }
        while true {
            skipSpace()
            var key = ""
            while i < s.count, ("A"..."Z").contains(s[i]) || s[i] == "_" { key.unicodeScalars.append(s[i]); i += 1 }
            if key.isEmpty { return .failure(Problem("expected a key at column \(i + 1)")) }
            var attribute: String?
            if i < s.count, s[i] == "{" {
                i += 1
                var a = ""
                while i < s.count, s[i] != "}" { a.unicodeScalars.append(s[i]); i += 1 }
                guard i < s.count else { return .failure(Problem("unterminated '{' after \(key)")) }
                i += 1
                attribute = a
            }
            skipSpace()
            var op = ""
            while i < s.count, "=!+-:".unicodeScalars.contains(s[i]) { op.unicodeScalars.append(s[i]); i += 1 }
            guard ["==", "!=", "=", "+=", "-=", ":="].contains(op) else {
                return .failure(Problem("\(key): invalid operator '\(op)'"))
            }
            skipSpace()
            guard i < s.count, s[i] == "\"" else { return .failure(Problem("\(key): the value must be in double quotes")) }
            i += 1
            var value = ""
            while i < s.count, s[i] != "\"" {
                if s[i] == "\\", i + 1 < s.count { value.unicodeScalars.append(s[i]); i += 1 }
                value.unicodeScalars.append(s[i]); i += 1
            }
            guard i < s.count else { return .failure(Problem("\(key): unterminated value")) }
            i += 1
            out.append(Item(key: key, attribute: attribute, op: op, value: value))
            skipSpace()
            if i == s.count { return .success(out) }
            guard s[i] == "," else { return .failure(Problem("expected ',' between items at column \(i + 1)")) }
            i += 1
            skipSpace()
            if i == s.count { return .failure(Problem("a trailing ','")) }
        }
    }

    /// The problem with one item, or nil.
    static func check(_ item: Item) -> String? {
        let key = item.key
        guard matchOnly.contains(key) || assignOnly.contains(key) || either.contains(key) else { return "unknown key \(key)" }
        let isMatch = item.op == "==" || item.op == "!="
        if matchOnly.contains(key), !isMatch { return "\(key) can only be compared (== or !=)" }
        if assignOnly.contains(key), isMatch { return "\(key) can only be assigned" }
        if needsAttribute.contains(key), item.attribute?.isEmpty != false { return "\(key) needs {attribute}" }
        if !needsAttribute.contains(key), !mayHaveAttribute.contains(key), item.attribute != nil { return "\(key) takes no {attribute}" }
        if ["GROUP", "MODE", "OWNER", "LABEL", "GOTO"].contains(key), item.op == "+=" || item.op == "-=" {
            return "\(key) takes = or :="
        }
        if key == "MODE", !(item.value.count == 4 && item.value.allSatisfy { ("0"..."7").contains($0) }) {
            return "MODE must be four octal digits"
        }
        return nil
    }
}
