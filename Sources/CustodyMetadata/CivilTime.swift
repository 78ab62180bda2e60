// Calendar arithmetic for the date and time fields media files carry.
import Foundation

/// Converts proleptic Gregorian calendar fields to instants, with strict validation.
///
/// This is plain integer arithmetic (days from civil, after Howard Hinnant), so it
/// does not depend on the process time zone, locale or a shared `Calendar`.
enum CivilTime {
    /// Seconds from 1970-01-01T00:00:00Z to the given UTC wall-clock time, or nil if
    /// any field is out of range (month 1–12, day within the month, hour 0–23,
    /// minute 0–59, second 0–59, year 1–9999).
    static func unixSeconds(year: Int, month: Int, day: Int, hour: Int, minute: Int, second: Int) -> Int64? {
        guard (1...9999).contains(year), (1...12).contains(month),
              (1...daysIn(month: month, year: year)).contains(day),
              (0...23).contains(hour), (0...59).contains(minute), (0...59).contains(second)
        else { return nil }
        let days = daysFromCivil(year: Int64(year), month: Int64(month), day: Int64(day))
        return days * 86_400 + Int64(hour) * 3600 + Int64(minute) * 60 + Int64(second)
    }

    /// The instant for a UTC wall-clock time, or nil when a field is out of range.
    static func date(year: Int, month: Int, day: Int, hour: Int, minute: Int, second: Int) -> Date? {
        guard let seconds = unixSeconds(year: year, month: month, day: day, hour: hour, minute: minute, second: second)
        else { return nil }
        return Date(timeIntervalSince1970: TimeInterval(seconds))
    }

    /// The latest instant the readers accept (9999-12-31T23:59:59Z), in Unix seconds.
    static let maxUnixSeconds: Int64 = 253_402_300_799

    static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 1, 3, 5, 7, 8, 10, 12: return 31
        case 4, 6, 9, 11: return 30
        default:
            let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
            return leap ? 29 : 28
        }
    }

    private static func daysFromCivil(year: Int64, month: Int64, day: Int64) -> Int64 {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let monthIndex = month > 2 ? month - 3 : month + 9
        let dayOfYear = (153 * monthIndex + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }

    /// The decimal number in `length` ASCII digits at `offset`, or nil if any byte
    /// there is not a digit.
    static func digits(_ bytes: [UInt8], _ offset: Int, _ length: Int) -> Int? {
        guard offset >= 0, length > 0, offset + length <= bytes.count else { return nil }
        var value = 0
        for byte in bytes[offset..<(offset + length)] {
            guard byte >= 0x30 && byte <= 0x39 else { return nil }
            value = value * 10 + Int(byte - 0x30)
        }
        return value
    }
}
