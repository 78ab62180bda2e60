#if canImport(Glibc)
import Glibc
#endif
import CLinuxSystem
import CustodyCore
import Crypto
import Dispatch
import Synchronization
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

    /// Drops the cached pages of the copy at `path` (open as `fd`, already durable) and
    /// hashes it from the device: read with `O_DIRECT` (straight from the device into
    /// `buffer`, which must be page-aligned, around the page cache), or, where the file
    /// system has no direct I/O (tmpfs), through `fd` once its pages are dropped.
    static func rehash(fd: Int32, path: String, size: Int64, buffer: UnsafeMutableRawBufferPointer,
                       observer: Observer?) throws(SystemCallError) -> String {
        try systemCall("posix_fadvise", path) { custody_drop_cached_pages(fd) }
        observer?(fd, size)
        // Whole 4 KiB blocks are asked for (direct I/O's alignment); the last read ends short.
        let block = buffer.count & ~4095
        let direct = block > 0 ? open(path, O_RDONLY | O_CLOEXEC | custody_o_direct()) : -1
        guard direct >= 0 else { return try StreamingSHA256.hash(fd: fd, subject: path, buffer: buffer) }
        defer { close(direct) }
        var hasher = SHA256()
        var offset: Int64 = 0
        while offset < size {
            let n: Int
            do {
                n = try systemCall("pread", path) { pread(direct, buffer.baseAddress!, block, off_t(offset)) }
            } catch where error.errno == EINVAL && offset == 0 {
                // This file system refuses direct reads after all: read through the dropped cache.
                return try StreamingSHA256.hash(fd: fd, subject: path, buffer: buffer)
            }
            if n == 0 { break }
            hasher.update(bufferPointer: UnsafeRawBufferPointer(rebasing: buffer[0..<n]))
            offset += Int64(n)
        }
        return hasher.finalize().hexString
    }

    /// Small files, verified as a group: one `syncfs` makes every copy of the group
    /// durable at once, then each is dropped and re-read from the device, several at a
    /// time (reading many small files is bound by the device's latency, not the CPU).
    /// - Throws: ``Mismatch`` for a copy that reads back otherwise, or the
    ///   ``SystemCallError`` of a failed flush or read.
    static func verifyGroup(_ staged: [(TemporaryBlob, sha256: String)], sizes: [Int64], observer: Observer? = nil) throws {
        guard let first = staged.first else { return }
        let anchor = try systemCall("open", first.0.path) { open(first.0.path, O_RDONLY | O_CLOEXEC) }
        defer { close(anchor) }
        try systemCall("syncfs", first.0.path) { custody_syncfs(anchor) }
        let work = Array(zip(staged.map { ($0.0.path, $0.sha256) }, sizes))
        let lanes = min(readsInFlight, work.count)
        let failure = Mutex<(any Error)?>(nil)
        let verifyLane: @Sendable (Int) -> Void = { lane in
            let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 1 << 20, alignment: 4096)
            defer { buffer.deallocate() }
            for index in stride(from: lane, to: work.count, by: lanes) where failure.withLock({ $0 == nil }) {
                let ((path, sha), size) = work[index]
                do {
                    let fd = try systemCall("open", path) { open(path, O_RDONLY | O_CLOEXEC) }
                    defer { close(fd) }
                    let found = try rehash(fd: fd, path: path, size: size, buffer: buffer, observer: observer)
                    if found != sha { throw Mismatch(path: path, expected: sha, found: found) }
                } catch {
                    failure.withLock { if $0 == nil { $0 = error } }
                }
            }
        }
        // One copy is read on the calling thread; more, in parallel lanes.
        if lanes == 1 { verifyLane(0) } else { DispatchQueue.concurrentPerform(iterations: lanes, execute: verifyLane) }
        if let error = failure.withLock({ $0 }) { throw error }
    }

    /// Copies of a group re-read at once.
    static let readsInFlight = 4
}
