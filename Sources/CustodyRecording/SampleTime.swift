import Foundation

/// A segment's first sample as a count of samples since 1970-01-01T00:00:00Z at its
/// rate: what its `bext` chunk states (OriginationDate's midnight plus TimeReference).
/// Exact, so segments line up to the sample and the gaps between them are counted in
/// frames, not in rounded times.
enum SampleTime {
    /// Samples since the epoch from a `bext` OriginationDate ("yyyy-mm-dd", UTC) and TimeReference.
    static func samples(originationDate: String, timeReference: UInt64, rate: Int) -> Int64? {
        let parts = originationDate.split(whereSeparator: { !$0.isNumber }).compactMap { Int($0) }
        guard parts.count == 3, rate > 0 else { return nil }
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        guard let midnight = calendar.date(from: DateComponents(year: parts[0], month: parts[1], day: parts[2])) else { return nil }
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

    /// Samples since the epoch of an instant (whole samples, rounded down).
    static func samples(_ date: Date, rate: Int) -> Int64 {
        Int64((date.timeIntervalSince1970 * Double(rate)).rounded(.down))
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
                rate = u32(body + 4)
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
