import CustodyCore
import Synchronization

/// Runs recording's blocking work (SQLite commits, which wait for fsync; file removal)
/// through the store's door (``BlockingDoor/store``), off Swift's cooperative threads,
/// so that sessions' events and the control server never wait behind the disk. One at a
/// time, in the order each session sends them, as a session's events are recorded.
enum Offload {
    /// Held while a piece of recording's work runs: never two at once.
    private static let serial = Mutex(())

    /// Runs `body` on the store's door, after any other recording work, and returns its result.
    static func run<T: Sendable>(_ body: @escaping @Sendable () -> T) async -> T {
        await BlockingDoor.store.run { serial.withLock { _ in body() } }
    }
}
