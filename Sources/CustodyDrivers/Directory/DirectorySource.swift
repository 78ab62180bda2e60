#if canImport(Glibc)
import Glibc
#endif
import CLinuxSystem
import CustodyCore
import CustodyIngest
import CustodyModel
import CustodyStore
import Foundation

/// Files under a directory (or one file), listed and opened read-only beneath the job's
/// root descriptor: never through a symbolic link, never outside the root, never
/// blocking on a FIFO, and only when what opened is a regular file. A file's key is its
/// path relative to the root (a single file: its name).
struct DirectorySource: EvidenceSource {
    /// The job's root directory, or a single file's directory.
    let root: ConfinedDirectory
    /// A single-file job: which file it was when the job was checked (nil for a tree).
    let singleFile: FileIdentity?
    /// The job's root (the directory, or the single file) as its path and the file it is.
    let location: String
    let rootIdentity: FileIdentity?
    /// A single file as it was listed when opened for a new job (nil: a tree, listed by walking it).
    let singleEntry: PlannedFile?
    /// custodyd's state directory: never listed.
    let protected: FileIdentity?

    init(root: ConfinedDirectory, singleFile: FileIdentity?, location: String? = nil, rootIdentity: FileIdentity? = nil,
         singleEntry: PlannedFile? = nil, protected: FileIdentity? = nil) {
        self.root = root; self.singleFile = singleFile; self.location = location ?? root.path
        self.rootIdentity = rootIdentity; self.singleEntry = singleEntry; self.protected = protected
    }

    var descriptor: SourceDescriptor {
        SourceDescriptor(driver: .directory, location: location, root: location, rootIdentity: rootIdentity)
    }

    func files(include: (String) -> Bool) -> [PlannedFile] {
        if let singleEntry { return include(singleEntry.path) ? [singleEntry] : [] }
        return SourceScanner.walk(root, protected: protected).filter { include($0.path) }
    }

    func open(_ file: PlannedFile) -> SourceOpening {
        // O_NONBLOCK: a FIFO swapped in for a listed file opens at once (and is refused
        // below) instead of holding the job until someone writes to it.
        let flags = O_RDONLY | O_NONBLOCK
        var fd: Int32
        do {
            // O_NOATIME keeps even the access time of evidence unchanged where we may set it.
            do { fd = try root.open(file.path, flags: flags | custody_o_noatime()) } catch where error.errno == EPERM {
                fd = try root.open(file.path, flags: flags)
            }
        } catch {
            return .failed(error.errno == ENOENT ? "vanished before it could be read" : "cannot open: \(SourceScanner.reason(error))")
        }
        var before = stat()
        guard fstat(fd, &before) == 0 else {
            let why = String(cString: strerror(errno))
            Glibc.close(fd)
            return .failed("cannot stat: \(why)")
        }
        guard before.st_mode & S_IFMT == S_IFREG else {
            Glibc.close(fd)
            return .failed("not a regular file (a FIFO, device or socket is there now); not read")
        }
        if let singleFile, FileIdentity(before) != singleFile {
            Glibc.close(fd)
            return .failed("was replaced since the job was checked (it was \(singleFile), it is now \(FileIdentity(before))); not read")
        }
        _ = posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL)
        return .opened(DirectoryFile(fd: fd, path: root.path + "/" + file.path, before: before))
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
