#if canImport(Glibc)
import Glibc
#endif
import CLinuxSystem
import CustodyCore
import CustodyStore

/// Verification that reads what the store's device holds, not the page cache the copy
/// just filled: a staged copy is made durable first, its cached pages are dropped
/// (`POSIX_FADV_DONTNEED`, which drops clean pages only, hence durable first), and it is
/// read back and hashed again.
enum DeviceVerification {
    /// Called with a copy's descriptor and size just before it is re-read (tests observe
    /// the page cache there).
    typealias Observer = @Sendable (Int32, Int64) -> Void

    /// A copy that did not read back as written.
    struct Mismatch: Error, CustomStringConvertible {
        var path: String
        var expected: String
        var found: String
        var description: String { "verification failed for \(path): copied \(expected), the store's disk gives \(found)" }
    }

    /// Drops the cached pages of `fd` (already durable) and hashes it from the device.
    static func rehash(fd: Int32, path: String, size: Int64, buffer: UnsafeMutableRawBufferPointer,
                       observer: Observer?) throws(SystemCallError) -> String {
        try systemCall("posix_fadvise", path) { custody_drop_cached_pages(fd) }
        observer?(fd, size)
        return try StreamingSHA256.hash(fd: fd, subject: path, buffer: buffer)
    }

    /// Small files, verified as a group: one `syncfs` makes every copy of the group
    /// durable at once, then each is dropped and re-read from the device.
    /// - Throws: ``Mismatch`` for the first copy that reads back otherwise, or the
    ///   ``SystemCallError`` of a failed flush or read.
    static func verifyGroup(_ staged: [(TemporaryBlob, sha256: String)], sizes: [Int64], observer: Observer? = nil) throws {
        guard let first = staged.first else { return }
        let anchor = try systemCall("open", first.0.path) { open(first.0.path, O_RDONLY | O_CLOEXEC) }
        defer { close(anchor) }
        try systemCall("syncfs", first.0.path) { custody_syncfs(anchor) }
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 1 << 20, alignment: 4096)
        defer { buffer.deallocate() }
        for ((blob, sha), size) in zip(staged, sizes) {
            let fd = try systemCall("open", blob.path) { open(blob.path, O_RDONLY | O_CLOEXEC) }
            defer { close(fd) }
            let found = try rehash(fd: fd, path: blob.path, size: size, buffer: buffer, observer: observer)
            guard found == sha else { throw Mismatch(path: blob.path, expected: sha, found: found) }
        }
    }
}
