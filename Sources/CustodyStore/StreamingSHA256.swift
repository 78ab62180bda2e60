#if canImport(Glibc)
import Glibc
#endif
import Crypto
import CustodyCore

/// SHA-256 over a file descriptor, read in large chunks.
public enum StreamingSHA256 {
    public static func hash(fd: Int32, subject: String, chunkBytes: Int = 4 << 20) throws(SystemCallError) -> String {
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: chunkBytes, alignment: 4096)
        defer { buffer.deallocate() }
        return try hash(fd: fd, subject: subject, buffer: buffer)
    }

    /// The same, reading through the caller's buffer (no allocation per file).
    public static func hash(fd: Int32, subject: String, buffer: UnsafeMutableRawBufferPointer) throws(SystemCallError) -> String {
        let chunkBytes = buffer.count
        var hasher = SHA256()
        var offset: UInt64 = 0
        while true {
            let n = try POSIXFile.readFully(fd: fd, into: buffer, at: offset, subject: subject)
            if n == 0 { break }
            hasher.update(bufferPointer: UnsafeRawBufferPointer(rebasing: buffer[0..<n]))
            offset += UInt64(n)
            if n < chunkBytes { break }
        }
        return hasher.finalize().hexString
    }
}

extension SHA256.Digest {
    /// Lower-case hexadecimal.
    public var hexString: String {
        var s = ""
        s.reserveCapacity(64)
        for byte in self {
            s.append(hexDigits[Int(byte >> 4)])
            s.append(hexDigits[Int(byte & 0x0f)])
        }
        return s
    }
}

private let hexDigits: [Character] = Array("0123456789abcdef")
