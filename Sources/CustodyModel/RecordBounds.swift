import Foundation

/// The ranges a custody record's values keep to, whoever gives them (a request, a
/// registry file, a device).
public enum RecordBounds {
    /// Every time Custody keeps: the four-digit years of RFC 3339, from
    /// 0001-01-01T00:00:00Z up to, not including, 10000-01-01T00:00:00Z, days counted
    /// proleptic Gregorian as RFC 3339 counts them (and as Custody reads and writes
    /// every time: `RFC3339`, the registry readers), with no Julian days before 1582.
    public static let times: Range<Date> = Date(timeIntervalSince1970: -62_135_596_800)..<Date(timeIntervalSince1970: 253_402_300_800)
    /// ``times`` in words, for messages.
    public static let timesText = "0001-01-01T00:00:00Z...9999-12-31T23:59:59.999Z"
    /// A device clock's offset from the station's, in seconds: ten years either way.
    public static let clockOffsetSeconds: ClosedRange<Int64> = -316_224_000...316_224_000
}
