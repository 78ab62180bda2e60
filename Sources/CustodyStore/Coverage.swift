import CustodyTagging
import Foundation

/// How far recordings cover a span of time (a hearing's session, for the gaps report).
enum Coverage {
    /// The stretches of `window` that no interval of `covered` covers, each longer
    /// than `minimum` seconds.
    static func holes(in window: TimeSpan, covered: [(Date, Date)], minimum: TimeInterval) -> [(Date, Date)] {
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
