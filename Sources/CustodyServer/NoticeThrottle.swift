import Foundation
import Logging
import Synchronization

/// Logs what one uid makes the daemon do to its connections (refusals, cuts) at
/// `notice` once a minute per kind, and the rest at `debug`: a client opening
/// connections in a loop cannot flood the journal.
final class NoticeThrottle: Sendable {
    private let logger: Logger
    /// The minute of the last notice, by uid and kind.
    private let last = Mutex<[String: Int64]>([:])

    init(logger: Logger) {
        self.logger = logger
    }

    func log(uid: UInt32, kind: String, _ message: String) {
        let minute = Int64(Date().timeIntervalSince1970 / 60)
        let key = "\(uid) \(kind)"
        let first = last.withLock { last in
            if last.count > 10_000 { last.removeAll() }  // a bounded memory of who was logged
            defer { last[key] = minute }
            return last[key] != minute
        }
        if first { logger.notice("\(message)") } else { logger.debug("\(message)") }
    }
}
