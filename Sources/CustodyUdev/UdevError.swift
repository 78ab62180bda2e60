#if canImport(Glibc)
import Glibc
#endif

/// A failed libudev call: which call, on what, and the `errno` it left.
public struct UdevError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Stable codes, as the API and the journal show them.
    public enum Code: String, Sendable {
        /// `udev_new` failed (out of memory).
        case context = "udev-context"
        /// The monitor could not be made, filtered or enabled (no netlink socket: not Linux, or a sandbox forbids it).
        case monitor = "udev-monitor"
        /// Enumerating the present devices failed (sysfs unreadable).
        case enumerate = "udev-enumerate"
    }

    public var code: Code
    /// The libudev function that failed, e.g. `"udev_monitor_enable_receiving"`.
    public var call: String
    /// What it was called on, e.g. `"block/disk"`.
    public var subject: String
    /// The positive `errno` value (libudev returns `-errno` or sets `errno`), 0 when unknown.
    public var errno: Int32

    public init(_ code: Code, call: String, subject: String, errno: Int32) {
        self.code = code; self.call = call; self.subject = subject; self.errno = errno
    }

    public var description: String {
        let reason = errno == 0 ? "failed" : "\(String(cString: strerror(errno))) (errno \(errno))"
        return "\(call)(\(subject)): \(reason) [\(code.rawValue)]"
    }

    /// Throws a ``UdevError`` naming `call` when `result` is negative (libudev's `-errno`).
    static func check(_ result: Int32, _ code: Code, call: String, subject: String) throws(UdevError) {
        guard result < 0 else { return }
        throw UdevError(code, call: call, subject: subject, errno: -result)
    }
}
