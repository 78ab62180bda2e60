import CustodyCore
import Synchronization

/// Runs recording's blocking work (SQLite commits, which wait for fsync; file removal)
/// through the store's door (``BlockingDoor/store``), off Swift's cooperative threads,
/// so that sessions' events and the control server never wait behind the disk. One at a
/// time, in the order it is asked for, as a session's events are recorded: each piece
/// waits for the one before it as a suspended task, holding no thread of the door.
enum Offload {
    /// The last piece of work asked for: the next one starts when it has ended.
    private static let tail = Mutex<Task<Void, Never>?>(nil)

    /// Runs `body` on the store's door, after any recording work asked for before it, and returns its result.
    static func run<T: Sendable>(_ body: @escaping @Sendable () -> T) async -> T {
        await withCheckedContinuation { continuation in
            tail.withLock { last in
                let previous = last
                last = Task {
                    await previous?.value
                    continuation.resume(returning: await BlockingDoor.store.run(body))
                }
            }
        }
    }
}
