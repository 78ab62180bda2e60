import CustodyCore
import Foundation
import Synchronization

/// A clock that tests set by hand.
public final class FakeWallClock: WallClock, Sendable {
    private let current: Mutex<Date>
    public init(_ start: Date = Date(timeIntervalSince1970: 1_790_000_000)) { current = Mutex(start) }
    public func now() -> Date { current.withLock { $0 } }
    public func advance(by seconds: TimeInterval) { current.withLock { $0 += seconds } }
}

/// A fresh directory under the system's temporary directory, removed on `remove()`.
public struct TemporaryDirectory: Sendable {
    public let path: String
    public init(_ label: String = "custody-test") throws {
        path = NSTemporaryDirectory() + "\(label)-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }
    /// Writes a file (creating directories), optionally with a modification time.
    @discardableResult
    public func write(_ relative: String, _ data: Data, modified: Date? = nil) throws -> String {
        let full = path + "/" + relative
        try FileManager.default.createDirectory(atPath: (full as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try data.write(to: URL(fileURLWithPath: full))
        if let modified { try FileManager.default.setAttributes([.modificationDate: modified], ofItemAtPath: full) }
        return full
    }
    public func remove() { try? FileManager.default.removeItem(atPath: path) }
}

/// Open descriptors of this process that point below `directory` (read from
/// /proc/self/fd), so a test can check for leaks while other tests run in parallel.
public func openDescriptors(under directory: String) -> Int {
    let fds = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd")) ?? []
    return fds.filter { fd in
        guard let target = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/fd/\(fd)") else { return false }
        return target.hasPrefix(directory + "/")
    }.count
}
