import Foundation
import Logging

/// The systemd watchdog (`WatchdogSec=`): pings `WATCHDOG=1` at half the timeout,
/// from the daemon's own async loop, and only after a probe of the parts that
/// can wedge (the control server's event loops, the index) has answered. A wedged
/// loop or probe means no pings, and systemd restarts the service.
public struct Watchdog: Sendable {
    /// The timeout systemd enforces (`WATCHDOG_USEC`).
    public let timeout: Duration
    /// Sends one ping.
    public let ping: @Sendable () -> Void
    /// True when everything answered; may take as long as it must (no ping meanwhile).
    public let probe: @Sendable () async -> Bool
    public let logger: Logger

    public init(timeout: Duration, logger: Logger, ping: @escaping @Sendable () -> Void,
                probe: @escaping @Sendable () async -> Bool) {
        self.timeout = timeout
        self.ping = ping
        self.probe = probe
        self.logger = logger
    }

    /// How often it pings: half the timeout, as sd_watchdog_enabled(3) advises.
    public var period: Duration { timeout / 2 }

    /// Pings until cancelled.
    public func run() async {
        var failing = false
        while !Task.isCancelled {
            let started = ContinuousClock.now
            let healthy = await probe()
            if Task.isCancelled { return }
            if healthy {
                ping()
                if failing { logger.notice("watchdog: the daemon answers again; pinging") }
                failing = false
            } else if !failing {
                logger.critical("watchdog: the daemon does not answer; no more pings, systemd will restart it")
                failing = true
            }
            try? await Task.sleep(until: started + period, clock: .continuous)
        }
    }
}
