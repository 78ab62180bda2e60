#if canImport(Glibc)
import Glibc
#endif
import CLinuxSystem
import CustodyCore
import Foundation

/// Content-addressed blob files: `blobs/sha256/ab/cd/<hash>`, each written to a
/// temporary file first, made durable, then linked into place and made read-only.
///
/// Durability works in batches: ``syncAll()`` (one `syncfs`) flushes every
/// temporary file of a batch at once, ``install(_:sha256:)`` links them into place,
/// and a second ``syncAll()`` makes the new directory entries durable. Only then
/// does the index commit the items that name them.
public final class BlobStore: Sendable {
    /// Root of the state directory.
    public let root: String
    public let blobsRoot: String
    public let temporaryRoot: String
    /// A descriptor on the state directory, for `syncfs`.
    private let rootFD: Int32

    public init(root: String) throws(SystemCallError) {
        self.root = root
        self.blobsRoot = root + "/blobs/sha256"
        self.temporaryRoot = root + "/tmp"
        try POSIXFile.makeDirectories(blobsRoot)
        try POSIXFile.makeDirectories(temporaryRoot)
        rootFD = try systemCall("open", root) { open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC) }
    }

    deinit { close(rootFD) }

    /// The final path of the blob with this hash.
    public func path(for sha256: String) -> String {
        let a = sha256.prefix(2), b = sha256.dropFirst(2).prefix(2)
        return "\(blobsRoot)/\(a)/\(b)/\(sha256)"
    }

    /// True when the blob is already stored.
    public func contains(_ sha256: String) -> Bool {
        access(path(for: sha256), F_OK) == 0
    }

    /// Creates a new, empty temporary file (mode 0600) for a blob being written.
    public func makeTemporary() throws(SystemCallError) -> TemporaryBlob {
        var template = Array("\(temporaryRoot)/incoming-XXXXXX".utf8CString)
        let fd = try template.withUnsafeMutableBufferPointer { buffer throws(SystemCallError) in
            try systemCall("mkostemp", temporaryRoot) { custody_mkostemp(buffer.baseAddress!, O_CLOEXEC) }
        }
        let path = template.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
        return TemporaryBlob(fd: fd, path: path)
    }

    /// Flushes everything written to the store's file system (`syncfs`).
    public func syncAll() throws(SystemCallError) {
        try systemCall("syncfs", root) { custody_syncfs(rootFD) }
    }

    /// Moves a verified temporary blob into place under its hash. Returns `true`
    /// when this created the blob, `false` when the same bytes were already stored
    /// (the temporary file is then removed). The blob is made read-only.
    @discardableResult
    public func install(_ blob: TemporaryBlob, sha256: String) throws(SystemCallError) -> Bool {
        let final = path(for: sha256)
        let blob = blob.sealed()
        // link() never replaces an existing name, so two jobs storing the same bytes
        // at once cannot race each other into replacing a blob.
        var result = link(blob.path, final)
        if result == -1 && errno == ENOENT {
            // First blob under this ab/cd prefix: make the two levels, then link.
            let dir = String(final[..<final.lastIndex(of: "/")!])
            for level in [String(dir[..<dir.lastIndex(of: "/")!]), dir] where mkdir(level, 0o750) == -1 && errno != EEXIST {
                throw SystemCallError(call: "mkdir", subject: level, errno: errno)
            }
            result = link(blob.path, final)
        }
        if result == -1 {
            let code = errno
            guard code == EEXIST else { throw SystemCallError(call: "link", subject: final, errno: code) }
            unlink(blob.path)
            return false
        }
        unlink(blob.path)
        return true
    }

    /// Removes every leftover temporary file (from a crash); returns how many.
    @discardableResult
    public func removeLeftovers() -> Int {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: temporaryRoot)) ?? []
        var removed = 0
        for name in names where unlink("\(temporaryRoot)/\(name)") == 0 { removed += 1 }
        return removed
    }

    /// Re-reads a stored blob and returns its SHA-256 (hex).
    public func hashOfStoredBlob(_ sha256: String) throws -> String {
        let p = path(for: sha256)
        let fd = try systemCall("open", p) { open(p, O_RDONLY | O_CLOEXEC) }
        defer { close(fd) }
        return try StreamingSHA256.hash(fd: fd, subject: p)
    }
}

/// A blob being written: an open descriptor (or -1 once sealed) and its temporary path.
public struct TemporaryBlob: Sendable {
    public let fd: Int32
    public let path: String

    public init(fd: Int32, path: String) {
        self.fd = fd
        self.path = path
    }

    /// Makes the verified file read-only and closes it: a blob waiting for its group
    /// commit holds no descriptor, however many wait.
    public func sealed() -> TemporaryBlob {
        guard fd >= 0 else { return self }
        _ = fchmod(fd, 0o440)
        close(fd)
        return TemporaryBlob(fd: -1, path: path)
    }

    /// Closes (if open) and removes the temporary file (after a failure).
    public func discard() {
        if fd >= 0 { close(fd) }
        unlink(path)
    }
}
