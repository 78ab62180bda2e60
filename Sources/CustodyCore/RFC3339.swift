import Foundation

/// RFC 3339 timestamps in UTC, the only form Custody writes (`2026-11-22T13:05:09.250Z`).
///
/// One instant has exactly one text, whichever code path formats it: the millisecond
/// the instant falls in (0.4675 s is .467), except that an instant less than a
/// microsecond below a millisecond (or, far from 1970, within the Double's own step)
/// is that millisecond: a binary fraction such as 0.46799999 stands for 0.468. Dates are
/// proleptic Gregorian, years 0000 to 9999 (RFC 3339's range); an instant outside that
/// range is written as the range's first or last millisecond, so every text Custody
/// writes parses back and sorts as text in time order.
public enum RFC3339 {
    /// 0000-01-01T00:00:00Z in seconds since 1970.
    public static let earliestSeconds: Int64 = -62_167_219_200
    /// 9999-12-31T23:59:59.999Z in milliseconds since 1970.
    static let latestMilliseconds: Int64 = 253_402_300_799_999

    /// Formats `date` in UTC with millisecond precision and a `Z` suffix.
    public static func format(_ date: Date) -> String {
        let ms = milliseconds(date)
        let seconds = floorDiv(ms, 1000), fraction = ms - seconds * 1000
        let days = floorDiv(seconds, 86_400), second = seconds - days * 86_400
        let civil = CivilDays.civil(fromDays: days)
        return "\(digits(civil.year, 4))-\(digits(civil.month, 2))-\(digits(civil.day, 2))T"
            + "\(digits(second / 3600, 2)):\(digits(second / 60 % 60, 2)):\(digits(second % 60, 2)).\(digits(fraction, 3))Z"
    }

    /// The millisecond `format` writes for `date` (since 1970, bounded to years 0000–9999).
    public static func milliseconds(_ date: Date) -> Int64 {
        let t = date.timeIntervalSince1970
        guard t.isFinite else { return t > 0 ? latestMilliseconds : earliestSeconds * 1000 }
        guard t > Double(earliestSeconds) else { return earliestSeconds * 1000 }
        guard t < Double(latestMilliseconds / 1000 + 1) else { return latestMilliseconds }
        // Whole seconds and the fraction apart (the subtraction is exact); a fraction
        // within a microsecond, or within the Double's own step far from 1970, below
        // a millisecond is that millisecond.
        let whole = t.rounded(.down)
        let tolerance = max(1e-6, 4 * t.ulp)
        let ms = Int64(((t - whole + tolerance) * 1000).rounded(.down))
        return min(latestMilliseconds, Int64(whole) * 1000 + ms)
    }

    /// Parses an RFC 3339 date-time (`2026-03-14T09:26:53Z`, `…53.25+01:00`; `T`/`t`,
    /// `Z`/`z`, any number of fraction digits). Returns `nil` for anything else,
    /// including dates that do not exist (30 February, hour 24).
    public static func parse(_ text: String) -> Date? {
        let s = Array(text.utf8)
        func number(_ from: Int, _ count: Int) -> Int64? {
            guard from + count <= s.count else { return nil }
            var value: Int64 = 0
            for byte in s[from..<(from + count)] {
                guard (0x30...0x39).contains(byte) else { return nil }
                value = value * 10 + Int64(byte - 0x30)
            }
            return value
        }
        guard s.count >= 20, let year = number(0, 4), s[4] == 0x2D, let month = number(5, 2), s[7] == 0x2D,
              let day = number(8, 2), s[10] == 0x54 || s[10] == 0x74, let hour = number(11, 2), s[13] == 0x3A,
              let minute = number(14, 2), s[16] == 0x3A, let second = number(17, 2),
              (1...12).contains(month), day >= 1, day <= CivilDays.daysIn(month: month, year: year),
              hour <= 23, minute <= 59, second <= 60 else { return nil }
        var i = 19
        var fraction = 0.0
        if i < s.count, s[i] == 0x2E {
            var j = i + 1
            var scale = 0.1
            while j < s.count, (0x30...0x39).contains(s[j]) {
                fraction += Double(s[j] - 0x30) * scale
                scale /= 10
                j += 1
            }
            guard j > i + 1 else { return nil }
            i = j
        }
        guard i < s.count else { return nil }
        var offset: Int64 = 0
        if s[i] == 0x5A || s[i] == 0x7A {
            guard i + 1 == s.count else { return nil }
        } else if s[i] == 0x2B || s[i] == 0x2D {
            guard i + 6 == s.count, let oh = number(i + 1, 2), s[i + 3] == 0x3A, let om = number(i + 4, 2),
                  oh <= 23, om <= 59 else { return nil }
            offset = (oh * 3600 + om * 60) * (s[i] == 0x2B ? 1 : -1)
        } else {
            return nil
        }
        let seconds = CivilDays.days(year: year, month: month, day: day) * 86_400 + hour * 3600 + minute * 60 + second - offset
        return Date(timeIntervalSince1970: Double(seconds) + fraction)
    }

    private static func floorDiv(_ a: Int64, _ b: Int64) -> Int64 { a >= 0 ? a / b : -((-a + b - 1) / b) }

    private static func digits(_ value: Int64, _ width: Int) -> String {
        let text = String(value)
        return String(repeating: "0", count: max(0, width - text.count)) + text
    }
}

/// Proleptic Gregorian days since 1970-01-01 and back (H. Hinnant's algorithms):
/// integer arithmetic, no calendar object, no Julian switch in 1582.
public enum CivilDays {
    public static func days(year: Int64, month: Int64, day: Int64) -> Int64 {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let dayOfYear = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1
        return era * 146_097 + yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear - 719_468
    }

    public static func civil(fromDays days: Int64) -> (year: Int64, month: Int64, day: Int64) {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let mp = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        return (yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }

    public static func daysIn(month: Int64, year: Int64) -> Int64 {
        switch month {
        case 1, 3, 5, 7, 8, 10, 12: return 31
        case 4, 6, 9, 11: return 30
        default: return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        }
    }
}
