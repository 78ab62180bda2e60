#if canImport(Glibc)
import Glibc
#endif
import Foundation

/// `sd_notify(3)` without libsystemd: a datagram to `$NOTIFY_SOCKET` (a path, or
/// an abstract name starting with `@`). Does nothing when the variable is unset.
public struct SystemdNotifier: Sendable {
    let socketPath: String?

    public init(environment: [String: String] = ProcessInfo.processInfo.environment) {
        socketPath = environment["NOTIFY_SOCKET"].flatMap { $0.isEmpty ? nil : $0 }
    }

    public func ready(status: String) { send("READY=1\nSTATUS=\(status)") }
    public func status(_ text: String) { send("STATUS=\(text)") }
    public func stopping() { send("STOPPING=1\nSTATUS=stopping") }
    /// `WATCHDOG=1`: the service is alive (sd_notify(3)).
    public func watchdog() { send("WATCHDOG=1") }

    /// The watchdog timeout systemd asked for (`WATCHDOG_USEC`, for this process
    /// when `WATCHDOG_PID` is set), or nil when there is no watchdog; as
    /// `sd_watchdog_enabled(3)`.
    public static func watchdogTimeout(environment: [String: String] = ProcessInfo.processInfo.environment,
                                       pid: Int32 = getpid()) -> Duration? {
        guard let usec = environment["WATCHDOG_USEC"].flatMap(UInt64.init), usec > 0 else { return nil }
        if let owner = environment["WATCHDOG_PID"], Int32(owner) != pid { return nil }
        return .microseconds(usec)
    }

    /// Sends one notification; failures are ignored, as `sd_notify` does.
    public func send(_ message: String) {
        guard let socketPath else { return }
        let fd = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { return }
        defer { close(fd) }
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        var pathBytes = Array(socketPath.utf8)
        if pathBytes.first == UInt8(ascii: "@") { pathBytes[0] = 0 }
        guard pathBytes.count < MemoryLayout.size(ofValue: address.sun_path) else { return }
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            raw.copyBytes(from: pathBytes)
        }
        let length = socklen_t(MemoryLayout<sa_family_t>.size + pathBytes.count)
        _ = message.withCString { text in
            withUnsafePointer(to: &address) { pointer in
                pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { sa in
                    sendto(fd, text, strlen(text), Int32(MSG_NOSIGNAL), sa, length)
                }
            }
        }
    }
}

/// Sockets passed by systemd socket activation (`LISTEN_PID`, `LISTEN_FDS`), as
/// `sd_listen_fds(3)`: descriptors from 3 on, meant for this process only.
public enum SocketActivation {
    /// The first descriptor passed (3) when the variables are meant for this process
    /// and it is a socket; nil otherwise. The variables are removed from the
    /// environment (`unset`), so that no child takes the socket for its own, and the
    /// descriptor is made close-on-exec.
    public static func listeningDescriptor(environment: [String: String] = ProcessInfo.processInfo.environment,
                                           pid: Int32 = getpid(), unset: Bool = true) -> Int32? {
        defer {
            if unset { for name in ["LISTEN_PID", "LISTEN_FDS", "LISTEN_FDNAMES"] { unsetenv(name) } }
        }
        guard let owner = environment["LISTEN_PID"].flatMap(Int32.init), owner == pid,
              let count = environment["LISTEN_FDS"].flatMap(Int.init), count >= 1 else { return nil }
        let fd: Int32 = 3
        var info = stat()
        guard fstat(fd, &info) == 0, info.st_mode & S_IFMT == S_IFSOCK else { return nil }
        _ = fcntl(fd, F_SETFD, FD_CLOEXEC)
        return fd
    }
}
