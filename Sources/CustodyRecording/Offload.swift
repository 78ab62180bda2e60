import Dispatch

/// Runs blocking work (SQLite commits, which wait for fsync; file removal) off
/// Swift's cooperative threads, so that sessions' events and the control server
/// never wait behind the disk.
enum Offload {
    private static let queue = DispatchQueue(label: "custody.recording.blocking", qos: .userInitiated)

    /// Runs `body` on the recording's serial queue and returns its result.
    static func run<T: Sendable>(_ body: @escaping @Sendable () -> T) async -> T {
        await withCheckedContinuation { continuation in
            queue.async { continuation.resume(returning: body()) }
        }
    }
}
