// The EXIF date/time, UTC offset and sub-second strings.

/// Parsers for the EXIF time strings.
enum ExifTimeText {
    enum DateTimeValue: Equatable {
        case seconds(Int64)
        case unset
        case invalid
    }

    /// "YYYY:MM:DD HH:MM:SS" (EXIF 2.3) as Unix seconds of that wall-clock time read
    /// as UTC. A blank value, or one with no non-zero digit ("0000:00:00 00:00:00",
    /// "    :  :     :  :  "), is unset. '-' is accepted in the date and 'T' between
    /// date and time, as some writers use them.
    static func parseDateTime(_ raw: [UInt8]) -> DateTimeValue {
        let bytes = trimmed(raw)
        if !bytes.contains(where: { $0 >= 0x31 && $0 <= 0x39 }) { return .unset }
        guard bytes.count == 19,
              bytes[4] == 0x3A || bytes[4] == 0x2D, bytes[7] == bytes[4],
              bytes[10] == 0x20 || bytes[10] == 0x54,
              bytes[13] == 0x3A, bytes[16] == 0x3A,
              let year = CivilTime.digits(bytes, 0, 4), let month = CivilTime.digits(bytes, 5, 2),
              let day = CivilTime.digits(bytes, 8, 2), let hour = CivilTime.digits(bytes, 11, 2),
              let minute = CivilTime.digits(bytes, 14, 2), let second = CivilTime.digits(bytes, 17, 2),
              let seconds = CivilTime.unixSeconds(year: year, month: month, day: day, hour: hour, minute: minute, second: second)
        else { return .invalid }
        return .seconds(seconds)
    }

    /// "+HH:MM" / "-HH:MM" as seconds east of UTC (at most 18 hours either way).
    /// `.some(nil)` for a blank value, nil for an invalid one.
    static func parseOffset(_ raw: [UInt8]) -> Int?? {
        let bytes = trimmed(raw)
        if bytes.isEmpty || bytes.allSatisfy({ $0 == 0x20 || $0 == 0x3A }) { return .some(nil) }
        guard bytes.count == 6, bytes[0] == 0x2B || bytes[0] == 0x2D, bytes[3] == 0x3A,
              let hours = CivilTime.digits(bytes, 1, 2), let minutes = CivilTime.digits(bytes, 4, 2),
              minutes < 60, hours * 60 + minutes <= 18 * 60
        else { return nil }
        let magnitude = hours * 3600 + minutes * 60
        return .some(bytes[0] == 0x2D ? -magnitude : magnitude)
    }

    /// SubSecTime digits as a fraction of a second ("25" → 0.25; blank → 0), nil if not digits.
    static func parseSubSeconds(_ raw: [UInt8]) -> Double? {
        let bytes = trimmed(raw)
        guard bytes.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) else { return nil }
        var value = 0.0
        var scale = 0.1
        for byte in bytes.prefix(9) {
            value += Double(byte - 0x30) * scale
            scale /= 10
        }
        return value
    }

    /// The bytes without trailing NULs and surrounding spaces.
    static func trimmed(_ raw: [UInt8]) -> [UInt8] {
        var bytes = raw
        if let nul = bytes.firstIndex(of: 0) { bytes.removeSubrange(nul...) }
        while let last = bytes.last, last == 0x20 { bytes.removeLast() }
        while let first = bytes.first, first == 0x20 { bytes.removeFirst() }
        return bytes
    }
}
