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
/// temporary blob; the blob is then made durable, its cached pages are dropped, and it
/// is re-read from the store's device and its hash compared before the file counts as
/// stored (files under `syncLargeFilesBytes`: with their commit group). The source is
/// opened read-only and never changed.
struct FileIngester: Sendable {
    let store: any EvidenceStore
    let chunkBytes: Int
    let syncLargeFilesBytes: Int64
    /// Files of this source already stored, by path (read once per job).
    let known: [String: KnownFile]
    var metrics: IngestMetrics? = nil
    /// Called with a large file's staged copy just before it is re-read for verification
    /// (tests observe the page cache there).
    var beforeVerifying: DeviceVerification.Observer? = nil

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
        /// The source as a whole is gone (its medium taken out): the file stays pending,
        /// the job stops and is resumed when the medium is back.
        case sourceGone(String)
    }

    func ingest(_ file: PlannedFile, from source: any EvidenceSource, job: JobContext, cancel: CancellationFlag) -> Result {
        func failed(_ message: String) -> Result {
            // A file that fails because its whole medium went away is not the file's fault.
            if cancel.isCancelled { return .cancelled }
            if let gone = source.unavailable() { return .sourceGone(gone) }
            return .done(FileOutcome(path: file.path, size: file.size, result: .failed(message)), staged: nil)
        }
        var reader: any SourceFile
        switch source.open(file) {
        case .failed(let message): return failed(message)
        case .opened(let opened): reader = opened
        }
        defer { reader.close() }
        let size = reader.size
        let modifiedAt = reader.modifiedAt

        // Re-docked or re-ingested: the same path, size and mtime as a stored item.
        // Hash the source (no copy) to confirm the bytes are the same.
        if let known = known[file.path], known.matches(size: size, modifiedAt: modifiedAt) {
            switch hashOnly(&reader, cancel: cancel) {
            case .success(let sha) where sha == known.sha256:
                return .done(FileOutcome(path: file.path, size: size, result: .duplicate(itemID: known.itemID, sha256: sha)), staged: nil)
            case .success:
                // Changed content under the same mtime: a new item, read again from the start.
                reader.close()
                switch source.open(file) {
                case .failed(let message): return failed(message)
                case .opened(let opened): reader = opened
                }
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
        var previousChunk: (offset: Int64, count: Int64)?
        while true {
            if cancel.isCancelled { return .cancelled }
            let n: Int
            do { n = try reader.read(into: buffer) } catch {
                // A read failing because the device was pulled is not the file's fault: it stays pending (failed(_:) asks).
                return failed(error.description)
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
            // Large files: the disk starts writing this chunk while the next is hashed; the
            // chunk before, written by now, leaves the page cache (it is re-read from the
            // device anyway), so a large copy does not push everything else out of memory.
            if size >= syncLargeFilesBytes {
                _ = custody_start_writeback(staged.fd, Int64(offset), Int64(n))
                if let previous = previousChunk {
                    _ = custody_write_out_and_wait(staged.fd, previous.offset, previous.count)
                    _ = custody_drop_cached_range(staged.fd, previous.offset, previous.count)
                }
                previousChunk = (Int64(offset), Int64(n))
            }
            offset += UInt64(n)
        }
        let sha = hasher.finalize().hexString
        metrics?.hashed(bytes: Int64(offset), seconds: hashing)

        if let change = reader.changedWhileRead() { return failed(change) }
        guard Int64(offset) == size else {
            return failed("read \(offset) bytes but the file is \(size) bytes long")
        }
        // Verification reads what the store's device holds, not the page cache. Large
        // files are made durable here (fdatasync, in parallel across workers, after the
        // writeback the copy loop started), dropped and re-read; small ones are verified
        // with their commit group, after one syncfs made the whole group durable
        // (IngestEngine.commit, DeviceVerification.verifyGroup).
        if size >= syncLargeFilesBytes {
            do { try systemCall("fdatasync", staged.path) { fdatasync(staged.fd) } } catch {
                if error.errno == ENOSPC { return .noSpace("the store is full: \(error)") }
                return .storeFailure("flushing to the store failed: \(error.reason)")
            }
            let readBack: String
            do {
                readBack = try DeviceVerification.rehash(fd: staged.fd, path: staged.path, size: size, buffer: buffer,
                                                         observer: beforeVerifying)
            } catch {
                return .storeFailure("re-reading the stored copy failed: \(error.reason)")
            }
            guard readBack == sha else {
                metrics?.verificationFailed()
                return .storeFailure("verification failed for \(file.path): copied \(sha), stored copy reads \(readBack)")
            }
        }

        let meta = MetadataReader.read(FileDescriptorInput(fd: staged.fd, size: UInt64(size)))
        let recordedAt = meta.recordedAt ?? modifiedAt ?? Date()
        let facts = StoredFileFacts(
            sha256: sha, size: size, mediaType: meta.mediaType, container: meta.container, recordedAt: recordedAt,
            recordedAtSource: meta.recordedAt != nil ? (meta.recordedAtSource ?? "metadata") : modifiedAt != nil ? "file.mtime" : "ingest.time",
            utcOffsetSeconds: meta.utcOffsetSeconds, durationSeconds: meta.durationSeconds,
            metadataProblems: reader.problems + meta.problems, fileModifiedAt: modifiedAt, sourceNotes: reader.notes)
        keep = true
        return .done(FileOutcome(path: file.path, size: size, result: .stored(facts)), staged: staged.sealed())
    }

    private func hashOnly(_ reader: inout any SourceFile, cancel: CancellationFlag) -> Swift.Result<String, any Error> {
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: chunkBytes, alignment: 4096)
        defer { buffer.deallocate() }
        var hasher = SHA256()
        while true {
            if cancel.isCancelled { return .failure(CancellationError()) }
            let n: Int
            do { n = try reader.read(into: buffer) } catch { return .failure(error) }
            if n == 0 { return .success(hasher.finalize().hexString) }
            hasher.update(bufferPointer: UnsafeRawBufferPointer(rebasing: buffer[0..<n]))
        }
    }
}
