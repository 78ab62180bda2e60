import Dispatch

/// Runs blocking file work (reads, writes, fsync, SQLite) off Swift's cooperative
/// threads, so that the control server stays responsive while files are copied
/// (drivers probing a medium use it too).
public enum BlockingWork {
    private static let queue = DispatchQueue(label: "custody.ingest.blocking", qos: .userInitiated, attributes: .concurrent)

    public static func run<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            queue.async { continuation.resume(with: Result { try body() }) }
        }
    }
}
