import CustodyCore
import Synchronization

/// How many control connections the daemon serves, and how long it waits for them
/// (`[control]` in `custodyd.toml`; `docs/configuration.md`).
public struct ConnectionLimits: Sendable, Equatable {
    /// Connections served at once, from all users together.
    public var maxConnections: Int
    /// Connections served at once for one uid.
    public var maxConnectionsPerUser: Int
    /// Longest a request's head may take to arrive, from its first byte.
    public var headerTimeoutSeconds: Int
    /// Longest a request's body may take to arrive, from the end of its head.
    public var bodyTimeoutSeconds: Int
    /// Longest a connection may stay open with no request under way, or its answer unread.
    public var idleTimeoutSeconds: Int
    /// What a refused connection is told to wait before trying again (`Retry-After`).
    public var retryAfterSeconds: Int = 2

    public init(maxConnections: Int, maxConnectionsPerUser: Int, headerTimeoutSeconds: Int, bodyTimeoutSeconds: Int,
                idleTimeoutSeconds: Int) {
        self.maxConnections = maxConnections
        self.maxConnectionsPerUser = maxConnectionsPerUser
        self.headerTimeoutSeconds = headerTimeoutSeconds
        self.bodyTimeoutSeconds = bodyTimeoutSeconds
        self.idleTimeoutSeconds = idleTimeoutSeconds
    }

    public init(_ control: ControlConfiguration) {
        self.init(maxConnections: control.maxConnections, maxConnectionsPerUser: control.maxConnectionsPerUser,
                  headerTimeoutSeconds: control.headerTimeoutSeconds, bodyTimeoutSeconds: control.bodyTimeoutSeconds,
                  idleTimeoutSeconds: control.idleTimeoutSeconds)
    }
}

/// Counts the control connections open, in all and per uid, and decides whether a
/// new one is served. A refused connection is answered 503 at once and lingers only
/// briefly (so its client reads the answer rather than a reset); connections
/// refused while ``lingeringAllowance`` already linger are closed without an answer.
/// Every refused connection therefore holds a file descriptor for a bounded time,
/// and at most `maxConnections + lingeringAllowance` are open at once.
final class ConnectionLimiter: Sendable {
    enum Admission: Equatable {
        case admitted
        /// Over a cap: answer 503 with this explanation, then linger.
        case refused(String)
        /// Over a cap while too many refused connections linger: close at once.
        case dropped
    }

    private struct Counts {
        var open = 0
        var perUser: [UInt32: Int] = [:]
        var lingering = 0
    }

    let limits: ConnectionLimits
    /// Refused connections answered at once: as many as may be served, and at least 64.
    let lingeringAllowance: Int
    private let counts = Mutex(Counts())

    init(_ limits: ConnectionLimits) {
        self.limits = limits
        self.lingeringAllowance = max(limits.maxConnections, 64)
    }

    /// Decides for a new connection of `uid`; an admitted one is counted until ``release(_:)``,
    /// a refused one until ``endLingering()``.
    func admit(_ uid: UInt32) -> Admission {
        counts.withLock { c in
            let mine = c.perUser[uid, default: 0]
            let reason: String
            if mine >= limits.maxConnectionsPerUser {
                reason = "uid \(uid) already has \(mine) connections open to custodyd (at most \(limits.maxConnectionsPerUser) per user)"
            } else if c.open >= limits.maxConnections {
                reason = "custodyd already serves \(c.open) connections (at most \(limits.maxConnections))"
            } else {
                c.open += 1
                c.perUser[uid] = mine + 1
                return .admitted
            }
            guard c.lingering < lingeringAllowance else { return .dropped }
            c.lingering += 1
            return .refused(reason)
        }
    }

    /// An admitted connection of `uid` closed.
    func release(_ uid: UInt32) {
        counts.withLock { c in
            c.open -= 1
            let mine = c.perUser[uid, default: 1] - 1
            c.perUser[uid] = mine > 0 ? mine : nil
        }
    }

    /// A refused connection closed.
    func endLingering() {
        counts.withLock { $0.lingering -= 1 }
    }

    /// Connections served now, and refused ones still lingering (for tests).
    var snapshot: (open: Int, lingering: Int) {
        counts.withLock { ($0.open, $0.lingering) }
    }
}
