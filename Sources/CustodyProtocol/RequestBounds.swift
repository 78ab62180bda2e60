import CustodyModel
import Foundation

/// The range of every number a request may carry, checked as soon as the request is
/// decoded and before the daemon does any arithmetic with it. `docs/api/openapi.yaml`
/// gives the same ranges as `minimum` / `maximum`.
public enum RequestBounds {
    /// The largest integer JSON carries exactly (2^53 - 1): ids, sequence numbers,
    /// tree sizes and offsets never exceed it.
    public static let largestExactInteger: Int64 = 9_007_199_254_740_991
    /// Ids of items, jobs, holds, retention plans and exports.
    public static let id: ClosedRange<Int64> = 1...largestExactInteger
    /// Positions counted from 0: an item list's `offset`, the events `after` a sequence number.
    public static let position: ClosedRange<Int64> = 0...largestExactInteger
    /// A ledger tree size (a checkpoint's).
    public static let treeSize: ClosedRange<Int64> = 1...largestExactInteger
    /// A device clock's offset from the station's, in seconds: ten years either way.
    public static let clockOffsetSeconds = RecordBounds.clockOffsetSeconds
    /// A recording's length in frames (about 30 days at 384 kHz).
    public static let durationFrames: ClosedRange<Int64> = 1...1_000_000_000_000
    /// A recording's length in seconds: at most 31 days.
    public static let durationSeconds: ClosedRange<Double> = 0...2_678_400
    /// Every time a request gives: the times Custody keeps (``RecordBounds/times``, which
    /// registry files are held to as well).
    public static let times = RecordBounds.times
    /// ``times`` in words, for messages.
    public static let timesText = RecordBounds.timesText

    /// Checks an integer field.
    public static func check<T: BinaryInteger>(_ value: T, _ range: ClosedRange<Int64>, field: String) throws(OutOfRange) {
        guard let exact = Int64(exactly: value), range.contains(exact) else {
            throw OutOfRange(field: field, range: "an integer in \(range.lowerBound)...\(range.upperBound)", value: "\(value)")
        }
    }
}

/// A request field outside its documented range: names the field, the range and the value.
public struct OutOfRange: Error, Sendable, Equatable, CustomStringConvertible {
    /// The field, as named in the request (`offsetSeconds`, `items[3]`, query parameter `offset`).
    public var field: String
    /// What it must be, e.g. "an integer in 1...9007199254740991".
    public var range: String
    /// What it was.
    public var value: String

    public init(field: String, range: String, value: String) {
        self.field = field
        self.range = range
        self.value = value
    }

    public var description: String { "\(field) must be \(range), not \(value)" }
}

/// A JSON request body: decoded, then its numbers checked against ``RequestBounds``.
public protocol RequestBody: Decodable, Sendable {
    /// Refuses a number outside its documented range.
    func checkRanges() throws(OutOfRange)
}

extension ClockCheckRequestDTO: RequestBody {
    public func checkRanges() throws(OutOfRange) {
        try RequestBounds.check(offsetSeconds, RequestBounds.clockOffsetSeconds, field: "offsetSeconds")
    }
}

extension ExportRequestDTO: RequestBody {
    public func checkRanges() throws(OutOfRange) {
        for (i, id) in (items ?? []).enumerated() { try RequestBounds.check(id, RequestBounds.id, field: "items[\(i)]") }
    }
}

extension TagRequestDTO: RequestBody {
    public func checkRanges() throws(OutOfRange) {
        try RequestBounds.check(item, RequestBounds.id, field: "item")
    }
}

extension HoldRequestDTO: RequestBody {
    public func checkRanges() throws(OutOfRange) {
        if let item { try RequestBounds.check(item, RequestBounds.id, field: "item") }
    }
}

extension RecordingStartDTO: RequestBody {
    public func checkRanges() throws(OutOfRange) {
        if let durationFrames { try RequestBounds.check(durationFrames, RequestBounds.durationFrames, field: "durationFrames") }
        if let durationSeconds {
            let range = RequestBounds.durationSeconds
            guard durationSeconds.isFinite, durationSeconds > range.lowerBound, durationSeconds <= range.upperBound else {
                throw OutOfRange(field: "durationSeconds", range: "a number of seconds above 0 and at most \(Int(range.upperBound)) (31 days)",
                                 value: "\(durationSeconds)")
            }
        }
    }
}

// Bodies that carry no number: nothing to check beyond their types.
extension IngestRequestDTO: RequestBody { public func checkRanges() throws(OutOfRange) {} }
extension VerifyRequestDTO: RequestBody { public func checkRanges() throws(OutOfRange) {} }
extension LogLevelDTO: RequestBody { public func checkRanges() throws(OutOfRange) {} }
extension RecordingActionDTO: RequestBody { public func checkRanges() throws(OutOfRange) {} }
extension ImportRequestDTO: RequestBody { public func checkRanges() throws(OutOfRange) {} }
extension CheckoutRequestDTO: RequestBody { public func checkRanges() throws(OutOfRange) {} }
extension CheckinRequestDTO: RequestBody { public func checkRanges() throws(OutOfRange) {} }
extension HoldReleaseDTO: RequestBody { public func checkRanges() throws(OutOfRange) {} }
