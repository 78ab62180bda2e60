#if canImport(Glibc)
import Glibc
#endif
import Foundation

/// Where `custodyd`'s log records go.
public enum LogDestination: Sendable, Equatable {
    /// Readable lines on standard error (a terminal, a file).
    case lines
    /// Standard error is connected to the journal (`JOURNAL_STREAM` names it):
    /// one line per record with a syslog priority prefix `<N>`.
    case journalStream
    /// The journal's native protocol: one datagram per record with its fields,
    /// to `socketPath` (`/run/systemd/journal/socket`).
    case journalNative(socketPath: String)

    /// The journal's socket for native messages.
    public static let journalSocket = "/run/systemd/journal/socket"

    /// The destination for this process: the native journal protocol when standard
    /// error is the journal stream systemd gave it and the journal's socket exists;
    /// priority-prefixed lines on that stream otherwise; plain lines when not run
    /// by systemd.
    public static func detect(environment: [String: String] = ProcessInfo.processInfo.environment,
                              journalSocket: String = journalSocket) -> LogDestination {
        guard let stream = environment["JOURNAL_STREAM"], isJournalStream(stream, fd: 2) else { return .lines }
        var info = stat()
        if stat(journalSocket, &info) == 0, info.st_mode & S_IFMT == S_IFSOCK { return .journalNative(socketPath: journalSocket) }
        return .journalStream
    }

    /// `JOURNAL_STREAM` is `device:inode` of the stream; it only counts when `fd`
    /// is still that stream (a child whose standard error was redirected is not
    /// talking to the journal any more).
    static func isJournalStream(_ value: String, fd: Int32) -> Bool {
        let parts = value.split(separator: ":")
        guard parts.count == 2, let dev = UInt64(parts[0]), let ino = UInt64(parts[1]) else { return false }
        var info = stat()
        guard fstat(fd, &info) == 0 else { return false }
        return UInt64(info.st_dev) == dev && UInt64(info.st_ino) == ino
    }
}
