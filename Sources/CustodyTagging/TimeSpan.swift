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
