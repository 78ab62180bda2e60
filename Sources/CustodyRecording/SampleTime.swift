import Foundation

/// A segment's first sample as a count of samples since 1970-01-01T00:00:00Z at its
/// rate: what its `bext` chunk states (OriginationDate's midnight plus TimeReference).
/// Exact, so segments line up to the sample and the gaps between them are counted in
/// frames, not in rounded times.
enum SampleTime {
    /// The rates a courtroom records at (`[[courtroom]] rate`, CaptureConfiguration).
    static let rates = 1...768_000
    /// The instants a sample count is taken of: years 1 to 9999 (Unix seconds).
    static let instants = -62_135_596_800.0...253_402_300_799.0

    /// Samples since the epoch from a `bext` OriginationDate ("yyyy-mm-dd", UTC) and
    /// TimeReference (samples since that midnight). Nil unless the date is a real day of
    /// years 1–9999, the rate one of ``rates`` and TimeReference within that day: so the
    /// sum is at most about 2^58 and cannot overflow, whatever a header says.
    static func samples(originationDate: String, timeReference: UInt64, rate: Int) -> Int64? {
        let parts = originationDate.split(whereSeparator: { !$0.isNumber }).compactMap { Int($0) }
        guard parts.count == 3, rates.contains(rate), (1...9999).contains(parts[0]), (1...12).contains(parts[1]),
              (1...31).contains(parts[2]), timeReference < UInt64(86_400 * rate) else { return nil }
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        // A day past its month's end (31 April) would roll into the next month: not a date.
        guard let midnight = calendar.date(from: DateComponents(year: parts[0], month: parts[1], day: parts[2])),
              calendar.component(.day, from: midnight) == parts[2] else { return nil }
        let days = Int64((midnight.timeIntervalSince1970 / 86_400).rounded())
        return days * 86_400 * Int64(rate) + Int64(timeReference)
    }

    /// The instant of a sample, computed as Custody's metadata reader computes a
    /// Broadcast Wave file's recording time (midnight, whole seconds, then the fraction),
    /// so that a segment and its item agree to the last digit.
    static func date(samples: Int64, rate: Int) -> Date {
        let perDay = 86_400 * Int64(max(1, rate))
        let day = samples >= 0 ? samples / perDay : (samples - perDay + 1) / perDay
        let reference = samples - day * perDay
        let whole = reference / Int64(max(1, rate))
        let fraction = Double(reference % Int64(max(1, rate))) / Double(max(1, rate))
        return Date(timeIntervalSince1970: Double(day * 86_400) + Double(whole) + fraction)
    }

    /// Samples since the epoch of an instant (whole samples, rounded down). An instant
    /// outside ``instants`` (a file time set far off) counts as the nearest end of it,
    /// and the rate as the nearest of ``rates``, so the product always fits.
    static func samples(_ date: Date, rate: Int) -> Int64 {
        let raw = date.timeIntervalSince1970
        let seconds = raw.isNaN ? 0 : min(max(raw, instants.lowerBound), instants.upperBound)
        let bounded = min(max(rate, rates.lowerBound), rates.upperBound)
        return Int64((seconds * Double(bounded)).rounded(.down))
    }

    /// The `bext` first sample and the `fmt ` rate of a Broadcast Wave file, read from
    /// its chunks (nil when it has no readable `bext`).
    static func read(path: String) -> (samples: Int64, rate: Int)? {
        guard let handle = FileHandle(forReadingAtPath: path) else { return nil }
        defer { try? handle.close() }
        guard let head = try? handle.read(upToCount: 64 * 1024) else { return nil }
        let bytes = [UInt8](head)
        func u16(_ at: Int) -> Int { Int(bytes[at]) | Int(bytes[at + 1]) << 8 }
        func u32(_ at: Int) -> Int { u16(at) | u16(at + 2) << 16 }
        var offset = 12
        var rate: Int?
        while offset + 8 <= bytes.count {
            let id = String(decoding: bytes[offset..<offset + 4], as: UTF8.self)
            let size = u32(offset + 4)
            let body = offset + 8
            if id == "fmt ", body + 8 <= bytes.count {
                rate = u32(body + 4)  // 0…2^32-1; samples(originationDate:) refuses any outside `rates`
            } else if id == "bext", body + 346 <= bytes.count, let rate {
                let date = String(decoding: bytes[(body + 320)..<(body + 330)], as: UTF8.self)
                var reference: UInt64 = 0
                for i in 0..<8 { reference |= UInt64(bytes[body + 338 + i]) << (8 * UInt64(i)) }
                return samples(originationDate: date, timeReference: reference, rate: rate).map { ($0, rate) }
            } else if id == "data" {
                return nil
            }
            offset = body + size + (size & 1)
        }
        return nil
    }
}
