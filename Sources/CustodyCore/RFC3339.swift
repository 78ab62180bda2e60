import Foundation

/// RFC 3339 timestamps in UTC, the only form Custody writes (`2026-11-22T13:05:09.250Z`).
public enum RFC3339 {
    /// Formats `date` in UTC with millisecond precision and a `Z` suffix.
    public static func format(_ date: Date) -> String {
        date.formatted(Date.ISO8601FormatStyle(includingFractionalSeconds: true, timeZone: .gmt))
    }

    /// Parses an RFC 3339 date-time with any offset (`Z`, `+01:00`), with or without
    /// fractional seconds. Returns `nil` for anything else.
    public static func parse(_ text: String) -> Date? {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        if let d = try? Date.ISO8601FormatStyle(includingFractionalSeconds: true).parse(trimmed) { return d }
        if let d = try? Date.ISO8601FormatStyle(includingFractionalSeconds: false).parse(trimmed) { return d }
        return nil
    }
}
