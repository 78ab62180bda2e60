import CustodyCore
import CustodyModel
import CustodyProtocol
import CustodyStore
import Foundation
import Synchronization

/// Records refused requests in the custody ledger without letting a flood of them
/// grow it. Every refusal is accounted for, in at most two events per uid and minute:
///
/// - the first refusal of a uid in a minute is a `request.deny` event at once (so the
///   fact that a refusal happened is durable before the 403 is answered);
/// - further refusals of that uid in the same minute are counted in memory, and one
///   `request.deny.summary` event gives their number, the first and last time and a
///   sample of their paths once the minute is over (or when the daemon stops).
///
/// Whatever the request brought is cut to a bounded size before it is recorded: a
/// path to ``maxPathScalars`` Unicode scalars (its full length in bytes is kept), the
/// method to ``maxMethodScalars``.
public final class RefusalRecorder: Sendable {
    /// The longest request path recorded, in Unicode scalars (never grapheme clusters,
    /// which a request could make arbitrarily large).
    public static let maxPathScalars = 256
    /// The longest method name recorded.
    public static let maxMethodScalars = 16
    /// How many distinct paths a summary names.
    public static let samplePaths = 5

    /// Refusals of one uid in one minute, after the one recorded on its own.
    struct Tally {
        var minute: Int64
        var actor: Caller
        var count = 0
        var first: Date?
        var last: Date?
        var paths: [String] = []
    }

    private let store: any EvidenceStore
    private let clock: any WallClock
    private let tallies = Mutex<[UInt32: Tally]>([:])

    public init(store: any EvidenceStore, clock: any WallClock = SystemWallClock()) {
        self.store = store
        self.clock = clock
    }

    /// Accounts for a refused request. `detail` is the daemon's own (what the route
    /// needs, why it refused): it must not hold request bytes.
    public func refuse(_ caller: Caller, method: String, path: String, detail: [String: JSONValue] = [:]) {
        let now = clock.now()
        let minute = Self.minute(of: now)
        let shown = Self.capped(path, Self.maxPathScalars)
        let methodShown = Self.capped(method, Self.maxMethodScalars)
        // Decide under the lock; write to the store outside it.
        let (finished, recordAlone): (Tally?, Bool) = tallies.withLock { tallies in
            var finished: Tally?
            if let open = tallies[caller.uid], open.minute != minute {
                finished = open.count > 0 ? open : nil
                tallies[caller.uid] = nil
            }
            guard var tally = tallies[caller.uid] else {
                tallies[caller.uid] = Tally(minute: minute, actor: caller)
                return (finished, true)
            }
            tally.count += 1
            tally.first = tally.first ?? now
            tally.last = now
            tally.actor = caller
            let sample = "\(methodShown) \(shown)"
            if tally.paths.count < Self.samplePaths, !tally.paths.contains(sample) { tally.paths.append(sample) }
            tallies[caller.uid] = tally
            return (finished, false)
        }
        if let finished { write(finished) }
        guard recordAlone else { return }
        var recorded = detail
        recorded["method"] = .string(methodShown)
        if shown.utf8.count != path.utf8.count {
            recorded["pathBytes"] = .number(Double(path.utf8.count))
        }
        try? store.record(EventInput(actor: caller, action: "request.deny", subject: "api:\(shown)", outcome: "denied", detail: recorded))
    }

    /// Writes the summaries of the minutes that are over (all of them with `all`, when
    /// the daemon stops).
    public func flush(all: Bool = false) {
        let minute = Self.minute(of: clock.now())
        let finished: [Tally] = tallies.withLock { tallies in
            let over = tallies.filter { all || $0.value.minute < minute }
            for uid in over.keys { tallies[uid] = nil }
            return over.values.filter { $0.count > 0 }.sorted { $0.actor.uid < $1.actor.uid }
        }
        for tally in finished { write(tally) }
    }

    private func write(_ tally: Tally) {
        let detail: [String: JSONValue] = [
            "count": .number(Double(tally.count)),
            "firstAt": .string(RFC3339.format(tally.first ?? Date(timeIntervalSince1970: Double(tally.minute) * 60))),
            "lastAt": .string(RFC3339.format(tally.last ?? Date(timeIntervalSince1970: Double(tally.minute) * 60))),
            "minute": .string(RFC3339.format(Date(timeIntervalSince1970: Double(tally.minute) * 60))),
            "paths": .array(tally.paths.map { .string($0) }),
        ]
        try? store.record(EventInput(actor: tally.actor, action: "request.deny.summary", subject: "api", outcome: "denied",
                                     detail: detail))
    }

    static func minute(of date: Date) -> Int64 {
        Int64((date.timeIntervalSince1970 / 60).rounded(.down))
    }

    /// `text` cut to `limit` Unicode scalars, marked with "…" when cut.
    static func capped(_ text: String, _ limit: Int) -> String {
        let scalars = text.unicodeScalars
        guard scalars.count > limit else { return text }
        var view = String.UnicodeScalarView()
        view.append(contentsOf: scalars.prefix(limit))
        return String(view) + "…"
    }
}
