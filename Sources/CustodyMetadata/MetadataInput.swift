// The bytes a metadata reader examines: a random-access, read-only view.
import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Random-access reads of the bytes being examined (the ingest passes the stored copy).
///
/// Implementations must be safe to call from any thread and must not change the
/// underlying bytes: evidence is only ever read.
public protocol MetadataInput: Sendable {
    /// The number of bytes in the input.
    var size: UInt64 { get }
    /// Returns up to `count` bytes at `offset` (fewer only at end of input). Throws on I/O error.
    func read(at offset: UInt64, count: Int) throws -> [UInt8]
}

/// An I/O failure while reading a ``MetadataInput``.
public struct MetadataInputError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What failed, e.g. "pread at offset 4096 failed: Input/output error (errno 5)".
    public var message: String
    /// The `errno` value when the failure came from a system call.
    public var errno: Int32?

    public init(message: String, errno: Int32? = nil) {
        self.message = message
        self.errno = errno
    }

    public var description: String { message }
}

/// `pread`-based input over an open file descriptor (not owned, not closed).
///
/// Reads never move the descriptor's file offset, so one descriptor may be shared
/// with other readers (for example a hasher) while metadata is extracted.
public struct FileDescriptorInput: MetadataInput {
    /// The descriptor read from. The caller keeps ownership and closes it.
    public let fd: Int32
    public let size: UInt64

    public init(fd: Int32, size: UInt64) {
        self.fd = fd
        self.size = size
    }

    public func read(at offset: UInt64, count: Int) throws -> [UInt8] {
        guard count > 0, offset < size else { return [] }
        let wanted = Int(min(UInt64(count), size - offset))
        guard offset <= UInt64(Int64.max) - UInt64(wanted) else {
            throw MetadataInputError(message: "read offset \(offset) is beyond what pread can address")
        }
        var buffer = [UInt8](repeating: 0, count: wanted)
        var filled = 0
        while filled < wanted {
            let position = Int64(offset) + Int64(filled)
            let got = buffer.withUnsafeMutableBytes { raw -> Int in
                guard let base = raw.baseAddress else { return 0 }
                return pread(fd, base + filled, wanted - filled, off_t(position))
            }
            if got < 0 {
                let code = errno
                if code == EINTR { continue }
                throw MetadataInputError(
                    message: "pread of \(wanted - filled) bytes at offset \(position) failed: \(String(cString: strerror(code))) (errno \(code))",
                    errno: code)
            }
            if got == 0 { break }  // end of file came before the stated size
            filled += got
        }
        if filled < wanted { buffer.removeSubrange(filled...) }
        return buffer
    }
}

/// In-memory input for tests and small buffers.
public struct BytesInput: MetadataInput {
    public let bytes: [UInt8]

    public init(_ bytes: [UInt8]) {
        self.bytes = bytes
    }

    public var size: UInt64 { UInt64(bytes.count) }

    public func read(at offset: UInt64, count: Int) throws -> [UInt8] {
        guard count > 0, offset < UInt64(bytes.count) else { return [] }
        let start = Int(offset)
        let end = start + min(count, bytes.count - start)
        return Array(bytes[start..<end])
    }
}
