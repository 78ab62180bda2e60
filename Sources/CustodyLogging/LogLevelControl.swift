import Logging
import Synchronization

/// The daemon's one log level, shared by every logger it makes: set from
/// `[log] level` at start and by `custodyctl log-level` (PUT /v1/log-level)
/// while it runs.
public final class LogLevelControl: Sendable {
    private let raw: Atomic<UInt8>

    public init(_ level: Logger.Level = .info) {
        raw = Atomic(Self.index(level))
    }

    public var level: Logger.Level {
        get { Logger.Level.allCases[Int(raw.load(ordering: .relaxed))] }
        set { raw.store(Self.index(newValue), ordering: .relaxed) }
    }

    /// Sets the level; returns the one it replaced.
    @discardableResult
    public func exchange(_ level: Logger.Level) -> Logger.Level {
        Logger.Level.allCases[Int(raw.exchange(Self.index(level), ordering: .relaxed))]
    }

    private static func index(_ level: Logger.Level) -> UInt8 {
        UInt8(Logger.Level.allCases.firstIndex(of: level)!)
    }
}
