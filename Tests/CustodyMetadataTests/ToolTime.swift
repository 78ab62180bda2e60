// The times exiftool and mediainfo print, read independently of the module under test.
import CustodyTestSupport
import Foundation

/// Parsing the tools' own time strings, independently of the module under test.
enum ToolTime {
    /// "2026:03:14 09:26:53" (exiftool) or "2026-03-14 09:26:53 UTC" (mediainfo) read as UTC.
    static func utc(_ text: String) throws -> Date {
        let digits = text.unicodeScalars.map { CharacterSet.decimalDigits.contains($0) ? Character($0) : " " }
        let fields = String(digits).split(separator: " ").map(String.init)
        guard fields.count >= 6 else { throw ToolError(.output, "cannot read a date from \"\(text)\"") }
        let iso = "\(fields[0])-\(fields[1])-\(fields[2])T\(fields[3]):\(fields[4]):\(fields[5])Z"
        return try iso8601(iso)
    }

    /// An ISO 8601 internet date-time ("2026-03-14T10:26:53+01:00").
    static func iso8601(_ text: String) throws -> Date {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        guard let date = formatter.date(from: text) else {
            throw ToolError(.output, "\"\(text)\" is not an ISO 8601 time")
        }
        return date
    }
}
