import Foundation

/// A half-open interval of time, `[start, end)`; no end is open.
public struct TimeSpan: Sendable, Equatable {
    public var start: Date
    public var end: Date?
    public init(_ start: Date, _ end: Date?) { self.start = start; self.end = end }

    /// `start <= t < end`: a recording made exactly at a shift change belongs to
    /// the incoming shift, one made exactly when a hearing ends to none.
    public func contains(_ t: Date) -> Bool { start <= t && end.map { t < $0 } ?? true }

    public func overlaps(_ other: TimeSpan) -> Bool {
        (other.end.map { start < $0 } ?? true) && (end.map { other.start < $0 } ?? true)
    }
}

/// The tagging rules, free of storage, so they can be tested on their own.
public enum TaggingRules {
    /// The instant a recording was made: what the device's clock said, less the
    /// device's offset (device minus station; positive when the device is ahead).
    public static func correctedTime(_ recordedAt: Date, clockOffsetSeconds: Int?) -> Date {
        recordedAt.addingTimeInterval(-Double(clockOffsetSeconds ?? 0))
    }

    /// The entry whose span contains `t`; among several (which the registry never
    /// allows for one device or courtroom), the one that started last.
    public static func at<T>(_ t: Date, in entries: [(T, TimeSpan)]) -> T? {
        entries.filter { $0.1.contains(t) }.max { $0.1.start < $1.1.start }?.0
    }

    /// The stretches of `window` that no interval of `covered` covers, each longer
    /// than `minimum` seconds.
    public static func holes(in window: TimeSpan, covered: [(Date, Date)], minimum: TimeInterval) -> [(Date, Date)] {
        guard let windowEnd = window.end else { return [] }
        var holes: [(Date, Date)] = []
        var cursor = window.start
        for (start, end) in covered.sorted(by: { $0.0 < $1.0 }) where end > cursor {
            if start >= windowEnd { break }
            if start > cursor, start.timeIntervalSince(cursor) > minimum { holes.append((cursor, start)) }
            cursor = max(cursor, end)
            if cursor >= windowEnd { break }
        }
        if cursor < windowEnd, windowEnd.timeIntervalSince(cursor) > minimum { holes.append((cursor, windowEnd)) }
        return holes
    }
}
