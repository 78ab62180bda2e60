#if canImport(Glibc)
import Glibc
#endif
import CustodyCore
import Foundation

/// Where an export bundle is written: a folder, or a ZIP file. Either is built under a
/// temporary name beside its destination and renamed into place only when complete,
/// so a failed export never leaves something that looks whole.
protocol BundleWriter {
    /// Adds the file at `path` (relative, `/`-separated) of `size` bytes, whose bytes
    /// `produce` hands to the sink it is given.
    mutating func add(path: String, size: Int64, produce: ((UnsafeRawBufferPointer) throws -> Void) throws -> Void) throws
    /// Makes everything durable and moves the bundle to its destination.
    mutating func finish() throws
    /// Removes what was written (after a failure).
    func discard()
}

extension BundleWriter {
    mutating func add(path: String, text: String) throws {
        let bytes = Array(text.utf8)
        try add(path: path, size: Int64(bytes.count)) { sink in try bytes.withUnsafeBytes { try sink($0) } }
    }
}

/// A bundle as a folder.
struct DirectoryBundleWriter: BundleWriter {
    let destination: String
    let staging: String

    init(destination: String) throws {
        guard !FileManager.default.fileExists(atPath: destination) else {
            throw CommandFailure("\(destination) already exists; an export is written to a new folder")
        }
        self.destination = destination
        let parent = (destination as NSString).deletingLastPathComponent
        self.staging = (parent.isEmpty ? "." : parent) + "/." + (destination as NSString).lastPathComponent + ".partial-\(getpid())"
        // Evidence and its proofs are the exporter's: folders 0700, files 0600, whatever the umask.
        try POSIXFile.makeDirectories(staging, mode: 0o700)
    }

    mutating func add(path: String, size: Int64, produce: ((UnsafeRawBufferPointer) throws -> Void) throws -> Void) throws {
        let full = staging + "/" + path
        try POSIXFile.makeDirectories((full as NSString).deletingLastPathComponent, mode: 0o700)
        // 0600: a copy of the evidence is readable by the exporter only.
        let fd = try systemCall("open", full) { open(full, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600) }
        defer { close(fd) }
        var written: Int64 = 0
        try produce { bytes in
            try POSIXFile.writeFully(fd: fd, bytes, subject: full)
            written += Int64(bytes.count)
        }
        guard written == size else { throw CommandFailure("\(path): received \(written) bytes, expected \(size)") }
        try systemCall("fsync", full) { fsync(fd) }
    }

    mutating func finish() throws {
        // Every folder made durable, then the whole bundle appears at once.
        let folders = (FileManager.default.enumerator(atPath: staging)?.allObjects as? [String] ?? [])
            .map { staging + "/" + $0 }.filter { var s = stat(); return stat($0, &s) == 0 && s.st_mode & S_IFMT == S_IFDIR }
        for folder in folders + [staging] { try POSIXFile.syncDirectory(folder) }
        try systemCall("rename", destination) { rename(staging, destination) }
        try POSIXFile.syncDirectory((destination as NSString).deletingLastPathComponent.isEmpty ? "." : (destination as NSString).deletingLastPathComponent)
    }

    func discard() { try? FileManager.default.removeItem(atPath: staging) }
}
