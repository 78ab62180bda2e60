import CustodyCore
import CustodyIngest
import CustodyModel
import CustodyServer
import CustodyStore
import Dispatch
import Foundation
import Logging
import ServiceLifecycle

/// Pings the systemd watchdog while the daemon answers (see ``Watchdog``).
struct WatchdogService: Service {
    let watchdog: Watchdog

    func run() async throws {
        await cancelWhenGracefulShutdown { await watchdog.run() }
    }

    /// The daemon's probe: the control server's event loops run a task, and the
    /// index answers a query through the store's door, as every request's store work
    /// does (so a stuck database, or a door all of whose threads are stuck, stalls the
    /// probe, and with it the pings).
    static func probe(server: ControlServer, store: LocalStore) -> @Sendable () async -> Bool {
        {
            guard await server.eventLoopsAnswer() else { return false }
            return await BlockingDoor.store.run { (try? store.ping()) != nil }
        }
    }
}

/// Measures the store's free space at an interval, and turns the free-space
/// gate's changes into log records, custody events and the systemd status line.
struct SpaceService: Service {
    let gate: FreeSpaceGate
    let store: LocalStore
    let interval: Duration
    let notifier: SystemdNotifier
    let logger: Logger

    func run() async throws {
        await cancelWhenGracefulShutdown {
            await withDiscardingTaskGroup { group in
                group.addTask {
                    // Each change is a custody event: recorded through the store's door.
                    for await change in gate.changes { await BlockingDoor.store.run { record(change) } }
                }
                while !Task.isCancelled {
                    do { try gate.refresh() } catch { logger.warning("cannot measure free space on \(gate.path): \(error)") }
                    try? await Task.sleep(for: interval)
                }
                group.cancelAll()
            }
        }
    }

    func record(_ change: FreeSpaceGate.Transition) {
        let free = change.sample.freeBytes
        let limits = gate.limits
        var detail: [String: JSONValue] = ["freeBytes": .number(Double(free)), "totalBytes": .number(Double(change.sample.totalBytes))]
        let action: String
        switch (change.from, change.to) {
        case (_, .paused):
            action = "ingest.pause"
            detail["pauseBelowBytes"] = .number(Double(limits.pauseBelowBytes))
            detail["resumeAboveBytes"] = .number(Double(limits.resumeAboveBytes))
            if let needed = change.needed { detail["neededBytes"] = .number(Double(needed)) }
            logger.warning("ingest paused: \(free) bytes free on \(gate.path), below \(limits.pauseBelowBytes) (resumes above \(limits.resumeAboveBytes))",
                           metadata: ["free_bytes": "\(free)"])
            notifier.status("ingest paused: \(free) bytes free on \(gate.path)")
        case (.paused, _):
            action = "ingest.resume"
            logger.notice("ingest resumed: \(free) bytes free on \(gate.path)", metadata: ["free_bytes": "\(free)"])
            notifier.status("serving; \(free) bytes free")
        case (_, .low):
            action = "store.space.low"
            detail["warnBelowBytes"] = .number(Double(limits.warnBelowBytes))
            logger.warning("free space low: \(free) bytes free on \(gate.path), below \(limits.warnBelowBytes)", metadata: ["free_bytes": "\(free)"])
            notifier.status("serving; free space low: \(free) bytes free")
        default:
            action = "store.space.ok"
            logger.notice("free space back: \(free) bytes free on \(gate.path)", metadata: ["free_bytes": "\(free)"])
            notifier.status("serving; \(free) bytes free")
        }
        do {
            try store.record(EventInput(actor: .daemon, action: action, subject: "store", detail: detail))
        } catch {
            logger.error("cannot record \(action): \(error)")
        }
    }
}
