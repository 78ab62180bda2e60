#if canImport(Glibc)
import Glibc
#endif
import Crypto
import CLinuxSystem
import CustodyCore
import CustodyMetadata
import CustodyStore
import Foundation

/// Ingests one file: one pass over the source computes SHA-256 while writing a
/// temporary blob; the blob is then re-read and its hash compared before the
/// file counts as stored. The source is opened read-only and never changed.
struct FileIngester: Sendable {
    let store: any EvidenceStore
    let chunkBytes: Int
    let syncLargeFilesBytes: Int64
    /// Files of this source already stored, by path (read once per job).
    let known: [String: KnownFile]
    var metrics: IngestMetrics? = nil

    /// What became of one file.
    enum Result: Sendable {
        /// A final outcome; `staged` is the verified temporary blob to install before committing.
        case done(FileOutcome, staged: TemporaryBlob?)
        /// Stopped by shutdown; the file stays pending.
        case cancelled
        /// The store cannot take more (I/O error): the job must stop; the file stays pending.
        case storeFailure(String)
        /// The store's disk is full (`ENOSPC`): the file stays pending until space returns.
        case noSpace(String)
    }

    func ingest(_ file: PlannedFile, base: String, job: JobContext, cancel: CancellationFlag) -> Result {
        let fullPath = base + "/" + file.path
        func failed(_ message: String) -> Result {
            .done(FileOutcome(path: file.path, size: file.size, result: .failed(message)), staged: nil)
        }
        // O_NOATIME keeps even the access time of evidence unchanged where we may set it.
        var fd = open(fullPath, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | custody_o_noatime())
        if fd == -1 && errno == EPERM { fd = open(fullPath, O_RDONLY | O_NOFOLLOW | O_CLOEXEC) }
        guard fd != -1 else {
            let code = errno
            let why = code == ELOOP ? "is a symbolic link; not followed" : String(cString: strerror(code))
            return failed(code == ENOENT ? "vanished before it could be read" : "cannot open: \(why)")
        }
        defer { close(fd) }
        var before = stat()
        guard fstat(fd, &before) == 0 else { return failed("cannot stat: \(String(cString: strerror(errno)))") }
        guard before.st_mode & S_IFMT == S_IFREG else { return failed("not a regular file; not read") }
        _ = posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL)
        let size = Int64(before.st_size)
        let modifiedAt = SourceScanner.modificationDate(before)

        // Re-docked or re-ingested: the same path, size and mtime as a stored item.
        // Hash the source (no copy) to confirm the bytes are the same.
        if let known = known[file.path], known.matches(size: size, modifiedAt: modifiedAt) {
            switch hashOnly(fd: fd, path: fullPath, cancel: cancel) {
            case .success(let sha) where sha == known.sha256:
                return .done(FileOutcome(path: file.path, size: size, result: .duplicate(itemID: known.itemID, sha256: sha)), staged: nil)
            case .success: break // changed content under the same mtime: a new item
            case .failure(let error):
                if error is CancellationError { return .cancelled }
                return failed("cannot read: \(error)")
            }
        }

        let staged: TemporaryBlob
        do { staged = try store.stageBlob() } catch {
            if let e = error as? SystemCallError, e.errno == ENOSPC { return .noSpace("the store is full: \(e)") }
            return .storeFailure("cannot create a temporary blob: \(error)")
        }
        var keep = false
        defer { if !keep { staged.discard() } }

        let bufferSize = Int(min(Int64(chunkBytes), max(size + 1, 64 << 10)))
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: bufferSize, alignment: 4096)
        defer { buffer.deallocate() }
        var hasher = SHA256()
        var hashing = Duration.zero
        var offset: UInt64 = 0
        while true {
            if cancel.isCancelled { return .cancelled }
            let n: Int
            do { n = try POSIXFile.readFully(fd: fd, into: buffer, at: offset, subject: fullPath) } catch {
                // A read failing because the device was pulled is not the file's fault: it stays pending.
                if cancel.isCancelled { return .cancelled }
                return failed("read error at byte \(offset): \(error.reason)")
            }
            if n == 0 { break }
            let chunk = UnsafeRawBufferPointer(rebasing: buffer[0..<n])
            let started = ContinuousClock.now
            hasher.update(bufferPointer: chunk)
            hashing += ContinuousClock.now - started
            do { try POSIXFile.writeFully(fd: staged.fd, chunk, subject: staged.path) } catch {
                if error.errno == ENOSPC { return .noSpace("the store is full after \(offset + UInt64(n)) bytes of \(file.path)") }
                return .storeFailure("writing to the store failed: \(error.reason)")
            }
            metrics?.copied(bytes: n)
            // Large files: the disk starts writing this chunk while the next is hashed.
            if size >= syncLargeFilesBytes { _ = custody_start_writeback(staged.fd, Int64(offset), Int64(n)) }
            offset += UInt64(n)
        }
        let sha = hasher.finalize().hexString
        metrics?.hashed(bytes: Int64(offset), seconds: hashing)

        var after = stat()
        if fstat(fd, &after) == 0, after.st_size != before.st_size || after.st_mtim.tv_sec != before.st_mtim.tv_sec
            || after.st_mtim.tv_nsec != before.st_mtim.tv_nsec {
            return failed("changed while being read (size \(before.st_size) → \(after.st_size)); not stored, read it again")
        }
        guard Int64(offset) == size else {
            return failed("read \(offset) bytes but the file is \(size) bytes long")
        }
        // Verification: read back what the store holds and compare.
        let readBack: String
        do { readBack = try StreamingSHA256.hash(fd: staged.fd, subject: staged.path, buffer: buffer) } catch {
            return .storeFailure("re-reading the stored copy failed: \(error.reason)")
        }
        guard readBack == sha else {
            metrics?.verificationFailed()
            return .storeFailure("verification failed for \(file.path): copied \(sha), stored copy reads \(readBack)")
        }
        // Large files are made durable here, in parallel across workers (after the
        // verification, which overlapped with the writeback); small ones together,
        // with one syncfs per commit group.
        if size >= syncLargeFilesBytes {
            do { try systemCall("fdatasync", staged.path) { fdatasync(staged.fd) } } catch {
                if error.errno == ENOSPC { return .noSpace("the store is full: \(error)") }
                return .storeFailure("flushing to the store failed: \(error.reason)")
            }
        }

        let meta = MetadataReader.read(FileDescriptorInput(fd: staged.fd, size: UInt64(size)))
        let recordedAt = meta.recordedAt ?? modifiedAt
        let facts = StoredFileFacts(
            sha256: sha, size: size, mediaType: meta.mediaType, container: meta.container, recordedAt: recordedAt,
            recordedAtSource: meta.recordedAt == nil ? "file.mtime" : (meta.recordedAtSource ?? "metadata"),
            utcOffsetSeconds: meta.utcOffsetSeconds, durationSeconds: meta.durationSeconds,
            metadataProblems: meta.problems, fileModifiedAt: modifiedAt)
        keep = true
        return .done(FileOutcome(path: file.path, size: size, result: .stored(facts)), staged: staged.sealed())
    }

    private func hashOnly(fd: Int32, path: String, cancel: CancellationFlag) -> Swift.Result<String, any Error> {
        if cancel.isCancelled { return .failure(CancellationError()) }
        return Swift.Result { try StreamingSHA256.hash(fd: fd, subject: path, chunkBytes: chunkBytes) }
    }
}
