import Foundation

/// The fields of a segment's `bext` chunk (EBU Tech 3285).
///
/// OriginationDate, OriginationTime and TimeReference describe the segment's
/// **first sample**, in UTC (Custody's metadata reader reads them as UTC):
/// TimeReference counts samples since midnight of OriginationDate.
public struct BroadcastExtensionFields: Sendable, Hashable, Codable {
    /// Free text, at most 256 bytes: courtroom, hearing and case.
    public var description: String
    /// The recording organisation or system, at most 32 bytes.
    public var originator: String
    /// A reference unique to this segment, at most 32 bytes.
    public var originatorReference: String
    /// "yyyy-mm-dd" (UTC) of the first sample.
    public var originationDate: String
    /// "hh:mm:ss" (UTC) of the first sample.
    public var originationTime: String
    /// Samples since midnight (UTC) of OriginationDate, at the first sample.
    public var timeReference: UInt64
    /// The `bext` version written (1: with a UMID field, no loudness values).
    public var version: UInt16
    /// One line (CR LF terminated) per coding step, e.g. "A=PCM,F=48000,W=16,M=stereo,T=Custody".
    public var codingHistory: String

    public init(description: String, originator: String, originatorReference: String, originationDate: String,
                originationTime: String, timeReference: UInt64, version: UInt16 = 1, codingHistory: String) {
        self.description = description
        self.originator = originator
        self.originatorReference = originatorReference
        self.originationDate = originationDate
        self.originationTime = originationTime
        self.timeReference = timeReference
        self.version = version
        self.codingHistory = codingHistory
    }

    /// The fields of a recording whose first sample is sample number
    /// `samplesSinceEpoch` at the stream's rate (counted from 1970-01-01T00:00:00Z).
    init(description: String, originator: String, originatorReference: String,
         samplesSinceEpoch: UInt64, format: PCMStreamFormat) {
        let rate = UInt64(format.rate)
        let samplesPerDay = 86_400 * rate
        let day = samplesSinceEpoch / samplesPerDay
        let timeReference = samplesSinceEpoch % samplesPerDay
        let second = timeReference / rate
        let civil = Self.civilDate(daysSinceEpoch: Int64(day))
        self.init(description: description, originator: originator, originatorReference: originatorReference,
                  originationDate: "\(Self.digits(civil.year, 4))-\(Self.digits(civil.month, 2))-\(Self.digits(civil.day, 2))",
                  originationTime: "\(Self.digits(second / 3600, 2)):\(Self.digits((second / 60) % 60, 2)):\(Self.digits(second % 60, 2))",
                  timeReference: timeReference, codingHistory: Self.codingHistory(for: format))
    }

    /// The fields of a recording whose first sample was taken at `firstSample`.
    public init(description: String, originator: String, originatorReference: String,
                firstSample: Date, format: PCMStreamFormat) {
        self.init(description: description, originator: originator, originatorReference: originatorReference,
                  samplesSinceEpoch: Self.samplesSinceEpoch(firstSample, rate: format.rate), format: format)
    }

    /// "A=PCM,F=<rate>,W=<bits>,M=<mode>,T=Custody" and CR LF (EBU R 98), where
    /// the mode is mono, stereo, or multitrack (more than two channels).
    public static func codingHistory(for format: PCMStreamFormat) -> String {
        let mode = switch format.channels {
        case 1: "mono"
        case 2: "stereo"
        default: "multitrack"
        }
        return "A=PCM,F=\(format.rate),W=\(format.sampleFormat.validBits),M=\(mode),T=Custody\r\n"
    }

    /// Whole samples at `rate` from the Unix epoch to `date` (dates before 1970 count as 0).
    static func samplesSinceEpoch(_ date: Date, rate: Int) -> UInt64 {
        let seconds = date.timeIntervalSince1970
        guard seconds > 0 else { return 0 }
        let whole = seconds.rounded(.down)
        let fraction = seconds - whole
        return UInt64(whole) * UInt64(rate) + UInt64((fraction * Double(rate)).rounded(.down))
    }

    /// A number in decimal, zero-padded to `width` digits.
    static func digits<Number: BinaryInteger>(_ value: Number, _ width: Int) -> String {
        let text = String(value)
        return String(repeating: "0", count: max(0, width - text.count)) + text
    }

    /// The proleptic Gregorian date of a day count from 1970-01-01 (H. Hinnant's civil_from_days).
    static func civilDate(daysSinceEpoch days: Int64) -> (year: Int, month: Int, day: Int) {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let monthIndex = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * monthIndex + 2) / 5 + 1
        let month = monthIndex < 10 ? monthIndex + 3 : monthIndex - 9
        let year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0)
        return (Int(year), Int(month), Int(day))
    }
}
