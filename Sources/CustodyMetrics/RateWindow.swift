import Synchronization

/// Amounts over a sliding window of whole seconds, for "bytes per second right
/// now" gauges: `rate` is what was added in the last `seconds` seconds divided
/// by them, so it falls to zero when the work stops.
public final class RateWindow: Sendable {
    private let seconds: Int
    private let start: ContinuousClock.Instant
    private let buckets: Mutex<[(second: Int64, amount: Double, weight: Double)]>

    public init(seconds: Int = 10) {
        precondition(seconds > 0)
        self.seconds = seconds
        self.start = .now
        self.buckets = Mutex([])
    }

    /// Adds `amount` (bytes), and optionally `weight` (seconds spent on them), now.
    public func add(_ amount: Double, weight: Double = 0, at instant: ContinuousClock.Instant = .now) {
        let second = self.second(of: instant)
        buckets.withLock { b in
            if let last = b.indices.last, b[last].second == second {
                b[last].amount += amount
                b[last].weight += weight
            } else {
                b.append((second, amount, weight))
            }
            b.removeAll { $0.second <= second - Int64(seconds) }
        }
    }

    /// The amount per second over the window ending at `instant`.
    public func rate(at instant: ContinuousClock.Instant = .now) -> Double {
        let (amount, _) = totals(at: instant)
        return amount / Double(seconds)
    }

    /// The amount per unit of weight over the window (bytes per second spent
    /// hashing, say); zero when nothing was weighed.
    public func ratePerWeight(at instant: ContinuousClock.Instant = .now) -> Double {
        let (amount, weight) = totals(at: instant)
        return weight > 0 ? amount / weight : 0
    }

    private func totals(at instant: ContinuousClock.Instant) -> (Double, Double) {
        let now = second(of: instant)
        return buckets.withLock { b in
            b.filter { $0.second > now - Int64(seconds) && $0.second <= now }
                .reduce((0, 0)) { ($0.0 + $1.amount, $0.1 + $1.weight) }
        }
    }

    private func second(of instant: ContinuousClock.Instant) -> Int64 {
        (instant - start).components.seconds
    }
}
