#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A failed system call: which call, on what, and the `errno` it gave.
public struct SystemCallError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The C function that failed, e.g. `"open"`.
    public var call: String
    /// What it was called on (a path, a descriptor), for the message.
    public var subject: String
    /// The `errno` value.
    public var errno: Int32

    public init(call: String, subject: String, errno: Int32) {
        self.call = call
        self.subject = subject
        self.errno = errno
    }

    /// `strerror` text for the error number.
    public var reason: String { String(cString: strerror(errno)) }

    public var description: String { "\(call)(\(subject)): \(reason) (errno \(errno))" }
}

/// Runs every system call of Custody: retries `EINTR`, turns a `-1` into a
/// ``SystemCallError`` that names the call and its subject.
@inlinable
@discardableResult
public func systemCall<T: BinaryInteger>(
    _ name: @autoclosure () -> String,
    _ subject: @autoclosure () -> String,
    _ body: () -> T
) throws(SystemCallError) -> T {
    while true {
        let result = body()
        if result == -1 {
            let code = errno
            if code == EINTR { continue }
            throw SystemCallError(call: name(), subject: subject(), errno: code)
        }
        return result
    }
}

/// File-descriptor helpers built on ``systemCall(_:_:_:)``.
public enum POSIXFile {
    /// `pread` until `count` bytes or end of file; returns bytes read.
    public static func readFully(fd: Int32, into buffer: UnsafeMutableRawBufferPointer, at offset: UInt64, subject: String) throws(SystemCallError) -> Int {
        var done = 0
        while done < buffer.count {
            let n = try systemCall("pread", subject) {
                pread(fd, buffer.baseAddress! + done, buffer.count - done, off_t(offset) + off_t(done))
            }
            if n == 0 { break }
            done += n
        }
        return done
    }

    /// `write` until all of `buffer` is written.
    public static func writeFully(fd: Int32, _ buffer: UnsafeRawBufferPointer, subject: String) throws(SystemCallError) {
        var done = 0
        while done < buffer.count {
            let n = try systemCall("write", subject) {
                write(fd, buffer.baseAddress! + done, buffer.count - done)
            }
            done += n
        }
    }

    /// `fsync` of a directory, so that renames and new entries in it are durable.
    public static func syncDirectory(_ path: String) throws(SystemCallError) {
        let fd = try systemCall("open", path) { open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC) }
        defer { close(fd) }
        try systemCall("fsync", path) { fsync(fd) }
    }

    /// `mkdir -p` with the given mode for the directories it creates.
    public static func makeDirectories(_ path: String, mode: mode_t = 0o750) throws(SystemCallError) {
        var current = path.hasPrefix("/") ? "" : "."
        for part in path.split(separator: "/") {
            current += "/" + part
            if mkdir(current, mode) == -1 {
                let code = errno
                if code == EEXIST { continue }
                throw SystemCallError(call: "mkdir", subject: current, errno: code)
            }
        }
    }
}
