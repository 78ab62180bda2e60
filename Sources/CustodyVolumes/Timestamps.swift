import Foundation

/// A time stamp as a FAT or exFAT directory entry stores it: a civil date and time,
/// its resolution, and what is known of its time zone.
///
/// FAT stores local time of an unknown zone (``utcOffsetMinutes`` is nil). exFAT adds
/// a UTC offset field; when its "valid" bit is set the time stamp is an exact instant
/// (``instant``), otherwise it is local time of an unknown zone too.
public struct VolumeTimestamp: Sendable, Equatable, Hashable, CustomStringConvertible {
    /// How finely the file system records this time stamp.
    public enum Resolution: String, Sendable, Equatable, Hashable {
        /// FAT creation time, exFAT creation and modification time.
        case tenMilliseconds
        /// FAT modification time, exFAT access time.
        case twoSeconds
        /// FAT access time: a date only.
        case day

        /// The resolution in seconds.
        public var seconds: Double {
            switch self {
            case .tenMilliseconds: 0.01
            case .twoSeconds: 2
            case .day: 86_400
            }
        }
    }

    public var year: Int
    public var month: Int
    public var day: Int
    public var hour: Int
    public var minute: Int
    public var second: Int
    /// Hundredths of a second (0–99), from the 10 ms fields.
    public var centisecond: Int
    /// Minutes east of UTC when the file system recorded the zone (exFAT with the
    /// offset-valid bit set); nil when the time is local time of an unknown zone.
    public var utcOffsetMinutes: Int?
    public var resolution: Resolution

    public init(year: Int, month: Int, day: Int, hour: Int = 0, minute: Int = 0, second: Int = 0,
                centisecond: Int = 0, utcOffsetMinutes: Int? = nil, resolution: Resolution) {
        self.year = year; self.month = month; self.day = day
        self.hour = hour; self.minute = minute; self.second = second
        self.centisecond = centisecond
        self.utcOffsetMinutes = utcOffsetMinutes
        self.resolution = resolution
    }

    /// Whether the time zone is known, so that ``instant`` is exact.
    public var isZoneKnown: Bool { utcOffsetMinutes != nil }

    /// The exact instant, when the UTC offset is known; nil for local time of an unknown zone.
    public var instant: Date? {
        utcOffsetMinutes.map { date(assumingUTCOffsetMinutes: $0) }
    }

    /// The instant this time stamp would be if its local time were at `offset`
    /// minutes east of UTC (e.g. the zone the device was configured for).
    public func date(assumingUTCOffsetMinutes offset: Int) -> Date {
        let days = Self.daysFromCivil(year: year, month: month, day: day)
        let seconds = days * 86_400 + hour * 3600 + minute * 60 + second - offset * 60
        return Date(timeIntervalSince1970: Double(seconds) + Double(centisecond) / 100)
    }

    /// ISO 8601: "2024-03-05T14:07:32.45+01:00" when the zone is known, otherwise
    /// "2024-03-05T14:07:32.45 (local time, zone unknown)"; a date-only stamp prints
    /// just the date.
    public var description: String {
        func two(_ value: Int) -> String { value < 10 ? "0\(value)" : "\(value)" }
        var text = "\(year)-\(two(month))-\(two(day))"
        if resolution != .day {
            text += "T\(two(hour)):\(two(minute)):\(two(second))"
            if resolution == .tenMilliseconds { text += ".\(two(centisecond))" }
        }
        if let offset = utcOffsetMinutes {
            let sign = offset < 0 ? "-" : "+"
            text += "\(sign)\(two(abs(offset) / 60)):\(two(abs(offset) % 60))"
        } else {
            text += " (local time, zone unknown)"
        }
        return text
    }

    /// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's algorithm).
    static func daysFromCivil(year: Int, month: Int, day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let dayOfYear = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }

    static func daysInMonth(year: Int, month: Int) -> Int {
        switch month {
        case 2: (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }

    /// A DOS date and time (the FAT and exFAT packing), or nil when the date is zero
    /// (not set) or any field is out of range. `tenMilliseconds` (0–199) adds up to
    /// two seconds in 10 ms steps.
    static func dos(date: UInt16, time: UInt16, tenMilliseconds: UInt8? = nil,
                    utcOffsetMinutes: Int? = nil, resolution: Resolution) -> VolumeTimestamp? {
        guard date != 0 else { return nil }
        let year = 1980 + Int(date >> 9)
        let month = Int((date >> 5) & 0x0F)
        let day = Int(date & 0x1F)
        guard (1...12).contains(month), day >= 1, day <= daysInMonth(year: year, month: month) else { return nil }
        if resolution == .day {
            return VolumeTimestamp(year: year, month: month, day: day, utcOffsetMinutes: utcOffsetMinutes, resolution: .day)
        }
        let hour = Int(time >> 11)
        let minute = Int((time >> 5) & 0x3F)
        var second = Int(time & 0x1F) * 2
        guard hour < 24, minute < 60, second < 60 else { return nil }
        var centisecond = 0
        var finest = resolution
        if let extra = tenMilliseconds {
            if extra <= 199 {
                second += Int(extra) / 100
                centisecond = Int(extra) % 100
            } else {
                finest = .twoSeconds
            }
        }
        return VolumeTimestamp(year: year, month: month, day: day, hour: hour, minute: minute, second: second,
                               centisecond: centisecond, utcOffsetMinutes: utcOffsetMinutes, resolution: finest)
    }
}
