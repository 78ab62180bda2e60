import Glibc

/// An open file descriptor of a segment, with the few system calls the writer
/// and the repair need: each retries `EINTR` and throws a ``BWFError`` naming
/// the call and the path.
final class SegmentFile {
    let path: String
    private(set) var descriptor: Int32

    /// `open(2)` with `O_CLOEXEC` added.
    init(path: String, flags: Int32, mode: mode_t = 0o640) throws(BWFError) {
        self.path = path
        descriptor = -1
        descriptor = try retrying("open") { Glibc.open(path, flags | O_CLOEXEC, mode) }
    }

    deinit { close() }

    /// Creates a new file; fails if it exists (`O_EXCL`): a segment never overwrites.
    static func create(path: String) throws(BWFError) -> SegmentFile {
        try SegmentFile(path: path, flags: O_WRONLY | O_CREAT | O_EXCL)
    }

    /// `write(2)` until every byte is written.
    func write(_ bytes: UnsafeRawBufferPointer) throws(BWFError) {
        var done = 0
        while done < bytes.count {
            let fd = descriptor
            let written = try retrying("write") { Glibc.write(fd, bytes.baseAddress! + done, bytes.count - done) }
            done += written
        }
    }

    /// `write(2)` of every byte of an array.
    func write(_ bytes: [UInt8]) throws(BWFError) {
        var done = 0
        while done < bytes.count {
            let fd = descriptor
            let from = done
            done += try retrying("write") {
                bytes.withUnsafeBytes { raw in Glibc.write(fd, raw.baseAddress! + from, raw.count - from) }
            }
        }
    }

    /// `pwrite(2)` of every byte at `offset`.
    func write(_ bytes: [UInt8], at offset: UInt64) throws(BWFError) {
        var done = 0
        while done < bytes.count {
            let fd = descriptor
            let from = done
            done += try retrying("pwrite") {
                bytes.withUnsafeBytes { raw in pwrite(fd, raw.baseAddress! + from, raw.count - from, off_t(offset) + off_t(from)) }
            }
        }
    }

    /// `pread(2)` of up to `count` bytes at `offset` (fewer at the end of the file).
    func read(count: Int, at offset: UInt64) throws(BWFError) -> [UInt8] {
        var bytes = [UInt8](repeating: 0, count: count)
        var done = 0
        while done < count {
            let fd = descriptor
            let from = done
            let got = try retrying("pread") {
                bytes.withUnsafeMutableBytes { raw in pread(fd, raw.baseAddress! + from, raw.count - from, off_t(offset) + off_t(from)) }
            }
            if got == 0 { break }
            done += got
        }
        return Array(bytes.prefix(done))
    }

    /// The file's size (`fstat(2)`).
    func size() throws(BWFError) -> UInt64 {
        var info = stat()
        let fd = descriptor
        try retrying("fstat") { fstat(fd, &info) }
        return UInt64(info.st_size)
    }

    /// `fdatasync(2)`: the data and the size reach the disk.
    func synchronize() throws(BWFError) {
        let fd = descriptor
        try retrying("fdatasync") { fdatasync(fd) }
    }

    /// `ftruncate(2)`.
    func truncate(to size: UInt64) throws(BWFError) {
        let fd = descriptor
        try retrying("ftruncate") { ftruncate(fd, off_t(size)) }
    }

    /// `close(2)`. Idempotent.
    func close() {
        if descriptor >= 0 { _ = Glibc.close(descriptor) }
        descriptor = -1
    }

    /// `fsync(2)` of the directory holding `path`, so a new file's entry is durable.
    static func synchronizeDirectory(of path: String) throws(BWFError) {
        let directory = path.lastIndex(of: "/").map { String(path[..<$0]) }.flatMap { $0.isEmpty ? "/" : $0 } ?? "."
        let handle = try SegmentFile(path: directory, flags: O_RDONLY | O_DIRECTORY)
        let fd = handle.descriptor
        try handle.retrying("fsync") { fsync(fd) }
    }

    @discardableResult
    private func retrying<T: BinaryInteger>(_ call: String, _ body: () -> T) throws(BWFError) -> T {
        while true {
            let result = body()
            if result >= 0 { return result }
            let code = errno
            if code == EINTR { continue }
            throw BWFError.systemCall(call, path: path, errno: code)
        }
    }
}
