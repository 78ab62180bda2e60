import Foundation

/// Human-friendly output: aligned tables, byte counts, durations.
enum Formatting {
    /// Rows under headers, columns padded to their widest cell. Every cell is escaped
    /// (``Terminal/escape(_:)``): a name from outside can neither drive the terminal nor
    /// break a row in two. Without `showHeaders`, the rows alone (label/value lists).
    static func table(_ headers: [String], _ rows: [[String]], showHeaders: Bool = true) -> TerminalText {
        let rows = rows.map { $0.map { Terminal.escape($0) } }
        var widths = headers.map(\.count)
        for row in rows {
            for (i, cell) in row.enumerated() where i < widths.count { widths[i] = max(widths[i], cell.count) }
        }
        func line(_ cells: [String]) -> String {
            cells.enumerated().map { i, cell in
                i == cells.count - 1 ? cell : cell.padding(toLength: widths[i], withPad: " ", startingAt: 0)
            }.joined(separator: "  ")
        }
        var lines = rows.map(line)
        if showHeaders { lines.insert(line(headers.map { Terminal.escape($0) }), at: 0) }
        return TerminalText(safe: lines.joined(separator: "\n"))
    }

    static func bytes(_ n: Int64) -> String {
        let units = ["B", "KiB", "MiB", "GiB", "TiB"]
        var value = Double(n)
        var unit = 0
        while value >= 1024, unit < units.count - 1 { value /= 1024; unit += 1 }
        return unit == 0 ? "\(n) B" : String(format: "%.1f %@", value, units[unit])
    }

    static func duration(_ seconds: Double) -> String {
        let s = Int(seconds)
        if s < 60 { return "\(s)s" }
        if s < 3600 { return "\(s / 60)m\(String(format: "%02d", s % 60))s" }
        return "\(s / 3600)h\(String(format: "%02d", s % 3600 / 60))m"
    }

    /// "2026-03-14T09:26:53.000Z" → "2026-03-14 09:26:53Z".
    static func time(_ rfc3339: String?) -> String {
        guard var t = rfc3339 else { return "-" }
        t = t.replacingOccurrences(of: "T", with: " ")
        if let dot = t.firstIndex(of: "."), t.hasSuffix("Z") { t = String(t[..<dot]) + "Z" }
        return t
    }
}
