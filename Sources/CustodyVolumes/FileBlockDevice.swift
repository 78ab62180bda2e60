#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// A device node (`/dev/sdb`) or an image file, opened read-only
/// (`open(O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK)`) and read with `pread`,
/// which retries `EINTR`. Only a block device or a regular file is accepted: the type
/// is checked with `fstat` on the open descriptor before any read, and the open never
/// waits (a FIFO in its place is refused at once instead of blocking for a writer).
///
/// The size comes from `fstat` for a regular file and from `lseek(fd, 0, SEEK_END)`
/// for a block device (`BLKGETSIZE64` is not used: it fails under umockdev); the
/// sector size from `ioctl(BLKSSZGET)`, 512 when that is unavailable.
public final class FileBlockDevice: BlockDevice {
    /// The path opened.
    public let path: String
    public let name: String
    public let size: UInt64
    public let sectorSize: Int
    /// Whether the path is a block device (as opposed to an image file).
    public let isBlockDevice: Bool
    /// `st_dev` and `st_ino` of what was opened.
    public let identity: (device: UInt64, inode: UInt64)
    private let fd: Int32

    /// `BLKSSZGET` from `<linux/fs.h>`: `_IO(0x12, 104)`.
    private static let blkSSZGet: UInt = 0x1268

    /// Opens `path` read-only. Its last component must not be a symbolic link.
    /// - Throws: ``VolumeError`` `device-open` naming the path and the reason.
    public convenience init(path: String) throws(VolumeError) {
        var descriptor: Int32 = -1
        repeat {
            // O_NOFOLLOW: a link put where the node was is not followed; O_NONBLOCK: a FIFO
            // there opens at once (and is refused below) instead of waiting for a writer.
            descriptor = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK)
        } while descriptor < 0 && errno == EINTR
        if descriptor < 0 {
            let code = errno
            // An empty card-reader slot refuses to open: not an error of the device, a medium to wait for.
            if code == ENOMEDIUM { throw VolumeError(.deviceNoMedium, "no medium in \(path): \(Self.reason(code))") }
            let why = code == ELOOP ? "it is a symbolic link, which is not followed" : Self.reason(code)
            throw VolumeError(.deviceOpen, "cannot open \(path) read-only: \(why)")
        }
        try self.init(adopting: descriptor, path: path)
    }

    /// Takes over `descriptor`, opened read-only by the caller (e.g. beneath a checked
    /// root, without following links), and checks what it is. It is closed on failure.
    /// - Throws: ``VolumeError`` `device-open` when it is neither a block device nor a
    ///   regular file, or its size cannot be found.
    public init(adopting descriptor: Int32, path: String) throws(VolumeError) {
        self.path = path
        self.name = path
        var status = stat()
        if fstat(descriptor, &status) != 0 {
            let code = errno
            close(descriptor)
            throw VolumeError(.deviceOpen, "cannot fstat \(path): \(Self.reason(code))")
        }
        let kind = status.st_mode & S_IFMT
        guard kind == S_IFBLK || kind == S_IFREG else {
            close(descriptor)
            throw VolumeError(.deviceOpen, "\(path) is neither a block device nor a regular file (it is \(Self.kindName(kind))); it is not read")
        }
        // Reads block as usual once the type is known (O_NONBLOCK only guarded the open).
        let flags = fcntl(descriptor, F_GETFL)
        if flags >= 0 { _ = fcntl(descriptor, F_SETFL, flags & ~O_NONBLOCK) }
        self.identity = (UInt64(status.st_dev), UInt64(status.st_ino))
        if kind == S_IFBLK {
            let end = lseek(descriptor, 0, SEEK_END)
            if end < 0 {
                let code = errno
                close(descriptor)
                throw VolumeError(.deviceOpen, "cannot find the size of block device \(path) (lseek SEEK_END): \(Self.reason(code))")
            }
            var logical: CInt = 0
            let answer = ioctl(descriptor, Self.blkSSZGet, &logical)
            let plausible = logical >= 512 && logical <= 65536 && logical & (logical - 1) == 0
            self.sectorSize = answer == 0 && plausible ? Int(logical) : 512
            self.size = UInt64(end)
            self.isBlockDevice = true
        } else {
            self.size = status.st_size >= 0 ? UInt64(status.st_size) : 0
            self.sectorSize = 512
            self.isBlockDevice = false
        }
        self.fd = descriptor
    }

    private static func kindName(_ kind: mode_t) -> String {
        switch kind {
        case S_IFIFO: "a FIFO"
        case S_IFSOCK: "a socket"
        case S_IFCHR: "a character device"
        case S_IFDIR: "a directory"
        case S_IFLNK: "a symbolic link"
        default: "of type 0o\(String(kind, radix: 8))"
        }
    }

    deinit { close(fd) }

    /// Why what was opened can no longer be read, or nil while it is still there as it
    /// was: its node removed (the device unplugged), or its size changed (a card taken
    /// out of a reader leaves the node with no medium, size 0). Costs an `access` and an
    /// `lseek` (or `fstat`); reads nothing.
    public func mediumGone() -> String? {
        if access(path, F_OK) != 0 {
            return "\(path) is gone: \(Self.reason(errno))"
        }
        let now: Int64
        if isBlockDevice {
            now = Int64(lseek(fd, 0, SEEK_END))
        } else {
            var status = stat()
            now = fstat(fd, &status) == 0 ? Int64(status.st_size) : -1
        }
        guard now >= 0 else { return "\(path) cannot be measured any more: \(Self.reason(errno))" }
        guard UInt64(now) == size else {
            return now == 0 ? "the medium was taken out of \(path)" : "the medium in \(path) changed: \(now) bytes now, \(size) when opened"
        }
        return nil
    }

    public func read(into buffer: UnsafeMutableRawBufferPointer, at offset: UInt64) throws(VolumeError) {
        try checkRange(offset: offset, count: buffer.count)
        guard let base = buffer.baseAddress else { return }
        var done = 0
        while done < buffer.count {
            // In range: offset + count <= size <= Int64.max (checked above, size came from off_t).
            let position = off_t(offset + UInt64(done))
            let n = pread(fd, base + done, buffer.count - done, position)
            if n < 0 {
                let code = errno
                if code == EINTR { continue }
                throw VolumeError(.deviceIO, "\(name): I/O error reading \(buffer.count - done) bytes at byte offset \(offset + UInt64(done)): \(Self.reason(code))")
            }
            if n == 0 {
                throw VolumeError(.deviceShortRead, "\(name): the device ended at byte offset \(offset + UInt64(done)) while reading \(buffer.count) bytes at byte offset \(offset)")
            }
            done += n
        }
    }

    private static func reason(_ code: Int32) -> String {
        "\(String(cString: strerror(code))) (errno \(code))"
    }
}
