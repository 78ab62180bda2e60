import Foundation

/// The one door for blocking work: SQLite (which, at `synchronous=FULL`, waits for
/// fsync on every commit), reads from evidence media, file removal.
///
/// Why it exists: Swift's cooperative pool has one thread per core, and every task of
/// the daemon (the control server's requests, the device manager, ingest, recording)
/// shares it. A task that blocks in the store holds one of those few threads until the
/// disk answers; a handful of such tasks and nothing else runs, not even a request that
/// needs no disk. So blocking work is handed to threads of this door's own, and the
/// caller's task is suspended (holding no thread) until the work is done.
///
/// Bounded: a door starts its threads once and never more; work beyond them waits in
/// its queue, in the order it came, so a flood of requests cannot start unbounded
/// threads. Work run here must not wait for other work of the same door (it would wait
/// for a thread it may be holding).
public final class BlockingDoor: @unchecked Sendable {
    /// The index and everything that waits for it: the control server's handlers, the
    /// device manager's records, ingest's commits, recording's events.
    public static let store = BlockingDoor(name: "custody-store", threads: max(4, 2 * ProcessInfo.processInfo.activeProcessorCount))
    /// Reads from evidence media and the files copied from them: a dying device can hold
    /// a read for minutes, so these have threads of their own and never hold the store's.
    public static let media = BlockingDoor(name: "custody-media", threads: max(8, 4 * ProcessInfo.processInfo.activeProcessorCount))

    /// The threads' name (`custody-store-1`, …), as `top -H` and a debugger show them.
    public let name: String
    /// How many threads run this door's work: never more.
    public let threads: Int
    /// Guards `pending` and `started`; its condition wakes an idle thread.
    private let condition = NSCondition()
    private var pending: [@Sendable () -> Void] = []
    private var next = 0
    private var started = false
    /// Which door, if any, runs the current thread (for ``runsCurrentThread``).
    private static let threadKey = "custody.blocking-door"

    public init(name: String, threads: Int) {
        precondition(threads > 0, "a door needs a thread")
        self.name = name
        self.threads = threads
    }

    /// Runs `body` on one of the door's threads and returns its result (or throws its
    /// error) to the caller, whose task waits suspended, holding no thread.
    public func run<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            enqueue { continuation.resume(with: Result { try body() }) }
        }
    }

    /// Runs `body` on one of the door's threads and returns its result.
    public func run<T: Sendable>(_ body: @escaping @Sendable () -> T) async -> T {
        await withCheckedContinuation { continuation in
            enqueue { continuation.resume(returning: body()) }
        }
    }

    /// Whether the current thread is one of this door's.
    public var runsCurrentThread: Bool {
        (Thread.current.threadDictionary[Self.threadKey] as? String) == name
    }

    private func enqueue(_ work: @escaping @Sendable () -> Void) {
        condition.lock()
        // The threads start with the first work, never in `init` (a door no one uses costs nothing).
        if !started {
            started = true
            for index in 1...threads { startThread(index) }
        }
        pending.append(work)
        condition.signal()
        condition.unlock()
    }

    private func startThread(_ index: Int) {
        let thread = Thread { [self] in
            // Named for `top -H` and debuggers (best effort: the door knows its threads by `threadKey`).
            Thread.current.name = "\(name)-\(index)"
            Thread.current.threadDictionary[Self.threadKey] = name
            while true { take()() }
        }
        thread.start()
    }

    /// The oldest work waiting, once there is some.
    private func take() -> @Sendable () -> Void {
        condition.lock()
        defer { condition.unlock() }
        while next == pending.count { condition.wait() }
        let work = pending[next]
        next += 1
        // The queue's taken head is dropped once it is half of it: amortised O(1).
        if next * 2 >= pending.count {
            pending.removeFirst(next)
            next = 0
        }
        return work
    }
}
