#if canImport(Glibc)
import Glibc
#endif
import CLinuxSystem
import CustodyCore
import CustodyProtocol
import CustodyStore
import Foundation

/// Files under a directory (or one file), opened read-only, never following a link.
struct DirectorySource: IngestSource {
    /// The directory the planned paths are relative to.
    let base: String

    func open(_ file: PlannedFile) -> SourceOpening {
        let fullPath = base + "/" + file.path
        // O_NOATIME keeps even the access time of evidence unchanged where we may set it.
        var fd = Glibc.open(fullPath, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | custody_o_noatime())
        if fd == -1 && errno == EPERM { fd = Glibc.open(fullPath, O_RDONLY | O_NOFOLLOW | O_CLOEXEC) }
        guard fd != -1 else {
            let code = errno
            let why = code == ELOOP ? "is a symbolic link; not followed" : String(cString: strerror(code))
            return .failed(code == ENOENT ? "vanished before it could be read" : "cannot open: \(why)")
        }
        var before = stat()
        guard fstat(fd, &before) == 0 else {
            let why = String(cString: strerror(errno))
            Glibc.close(fd)
            return .failed("cannot stat: \(why)")
        }
        guard before.st_mode & S_IFMT == S_IFREG else {
            Glibc.close(fd)
            return .failed("not a regular file; not read")
        }
        _ = posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL)
        return .opened(DirectoryFile(fd: fd, path: fullPath, before: before))
    }
}

/// A regular file, read with positioned reads.
struct DirectoryFile: SourceFile {
    let fd: Int32
    let path: String
    let before: stat
    var offset: UInt64 = 0

    var size: Int64 { Int64(before.st_size) }
    var modifiedAt: Date? { SourceScanner.modificationDate(before) }
    var notes: [String: JSONValue] { [:] }

    mutating func read(into buffer: UnsafeMutableRawBufferPointer) throws(SourceReadError) -> Int {
        do {
            let n = try POSIXFile.readFully(fd: fd, into: buffer, at: offset, subject: path)
            offset += UInt64(n)
            return n
        } catch {
            throw SourceReadError(offset: offset, reason: error.reason)
        }
    }

    func changedWhileRead() -> String? {
        var after = stat()
        guard fstat(fd, &after) == 0 else { return nil }
        if after.st_size != before.st_size || after.st_mtim.tv_sec != before.st_mtim.tv_sec || after.st_mtim.tv_nsec != before.st_mtim.tv_nsec {
            return "changed while being read (size \(before.st_size) → \(after.st_size)); not stored, read it again"
        }
        return nil
    }

    func close() { Glibc.close(fd) }
}
