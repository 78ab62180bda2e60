// The Broadcast Wave `bext` chunk (EBU Tech 3285) and its origination time.
import Foundation

/// The fields of a `bext` chunk that Custody uses.
///
/// Layout (EBU Tech 3285 v2): Description 256, Originator 32, OriginatorReference
/// 32, OriginationDate 10 ("yyyy-mm-dd"), OriginationTime 8 ("hh:mm:ss"),
/// TimeReference 8 (uint64 LE, samples since midnight), Version 2, UMID 64,
/// loudness 10, reserved 180 (602 bytes), then CodingHistory.
///
/// OriginationDate and OriginationTime are **read as UTC**, with no problem
/// reported for it: the standard does not say which time zone they are in, and
/// Custody's own courtroom recorder writes them in UTC. Recordings from other
/// recorders that write local time there will read as that wall-clock time in UTC.
struct BroadcastExtension: Sendable, Equatable {
    var description: String
    var originator: String
    var originatorReference: String
    var timeReference: UInt64?
    var version: UInt16?
    /// OriginationDate + OriginationTime read as UTC; nil if either is empty or invalid.
    var recordedAt: Date?

    /// The size of the fixed part of the chunk, before CodingHistory.
    static let fixedSize: UInt64 = 602
    /// The bytes needed to reach the end of OriginationTime.
    static let timeFieldsEnd: UInt64 = 338
    /// Separators EBU Tech 3285 allows in OriginationDate and OriginationTime
    /// ('-', '_', ':', space, '.'), plus '/', which some recorders write.
    static let separators: Set<UInt8> = [0x2D, 0x5F, 0x3A, 0x20, 0x2E, 0x2F]

    static func read(_ access: InputAccess, chunkOffset: UInt64, size: UInt64, problems: inout ProblemLog) -> BroadcastExtension? {
        let at = "chunk 'bext' at offset \(chunkOffset)"
        guard size >= timeFieldsEnd else {
            problems.add("wav: \(at) is \(size) bytes, too short to hold OriginationDate and OriginationTime (\(timeFieldsEnd) bytes needed); no recording time")
            return nil
        }
        if size < fixedSize {
            problems.add("wav: \(at) is \(size) bytes, shorter than the \(fixedSize) bytes EBU Tech 3285 requires")
        }
        guard let body = access.view(at: chunkOffset + 8, count: Int(min(size, fixedSize)), context: "wav", problems: &problems),
              let dateBytes = body.slice(320, 10), let timeBytes = body.slice(330, 8) else {
            return nil
        }
        var bext = BroadcastExtension(
            description: text(body.slice(0, 256)),
            originator: text(body.slice(256, 32)),
            originatorReference: text(body.slice(288, 32)),
            timeReference: body.u64(338, .little),
            version: body.u16(346, .little),
            recordedAt: nil)
        let date = Array(dateBytes)
        let time = Array(timeBytes)
        if ByteText.isBlank(date) {
            problems.add("wav: \(at) has an empty OriginationDate; no recording time")
        } else if ByteText.isBlank(time) {
            problems.add("wav: \(at) has OriginationDate \(ByteText.quoted(date)) but an empty OriginationTime; no recording time")
        } else if let instant = instant(date: date, time: time) {
            bext.recordedAt = instant
        } else {
            problems.add("wav: \(at) has OriginationDate \(ByteText.quoted(date)) and OriginationTime \(ByteText.quoted(time)), not a valid \"yyyy-mm-dd\" \"hh:mm:ss\" time; no recording time")
        }
        return bext
    }

    /// The origination time to the sample: when TimeReference (samples since midnight)
    /// falls within the second OriginationTime names, the first sample's instant is
    /// midnight of OriginationDate plus TimeReference at the sample rate (Custody's
    /// recorder writes both, so its segments sort and line up to the sample); otherwise
    /// OriginationDate and OriginationTime as they are (a recorder whose TimeReference
    /// counts from elsewhere).
    func refined(_ recordedAt: Date, sampleRate: UInt32?) -> Date {
        guard let rate = sampleRate, rate > 0, let reference = timeReference else { return recordedAt }
        let midnight = (recordedAt.timeIntervalSince1970 / 86_400).rounded(.down) * 86_400
        let whole = reference / UInt64(rate)
        guard midnight + Double(whole) == recordedAt.timeIntervalSince1970 else { return recordedAt }
        let fraction = Double(reference % UInt64(rate)) / Double(rate)
        return Date(timeIntervalSince1970: midnight + Double(whole) + fraction)
    }

    /// The instant of "yyyy?mm?dd" + "hh?mm?ss" read as UTC, with any allowed separator.
    static func instant(date: [UInt8], time: [UInt8]) -> Date? {
        guard date.count == 10, time.count == 8,
              separators.contains(date[4]), separators.contains(date[7]),
              separators.contains(time[2]), separators.contains(time[5]),
              let year = CivilTime.digits(date, 0, 4), let month = CivilTime.digits(date, 5, 2),
              let day = CivilTime.digits(date, 8, 2), let hour = CivilTime.digits(time, 0, 2),
              let minute = CivilTime.digits(time, 3, 2), let second = CivilTime.digits(time, 6, 2)
        else { return nil }
        return CivilTime.date(year: year, month: month, day: day, hour: hour, minute: minute, second: second)
    }

    /// An ASCII field without its NUL padding (other bytes replaced, never trapping).
    private static func text(_ bytes: ArraySlice<UInt8>?) -> String {
        guard let bytes else { return "" }
        let content = bytes.prefix { $0 != 0 }
        return String(decoding: content, as: UTF8.self)
    }
}
