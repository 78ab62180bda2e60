import CustodyCore
import Foundation
import GRDB
import Synchronization

/// What serialises a blob's life: installing blobs and committing the items that
/// name them is one step, and retention's check-then-unlink of a deleted blob is
/// another; the two never interleave. Otherwise a file ingested again while
/// retention deletes the same bytes could find the blob still there (its install a
/// no-op), commit its item, and then lose the blob to the unlink: a verified item
/// with no stored file.
final class BlobLifecycle: Sendable {
    private let lock = Mutex(())
    /// A seam for tests: called after retention has committed a deletion to the
    /// index and before it takes the lock to unlink the blobs (with their hashes).
    let beforeRemoval = Mutex<(@Sendable ([String]) -> Void)?>(nil)

    func exclusively(_ body: () throws -> Void) throws {
        try lock.withLock { (_: inout Void) throws in try body() }
    }
}

extension LocalStore {
    /// Sets (or clears) the seam called between retention's index commit and its
    /// removal of the blobs: tests use it to land an ingest in that window.
    public func setBeforeBlobRemoval(_ hook: (@Sendable ([String]) -> Void)?) {
        blobLifecycle.beforeRemoval.withLock { $0 = hook }
    }

    /// Installs a group's verified blobs and commits its outcomes as one step with
    /// respect to retention's removal of blobs (``BlobLifecycle``).
    public func installAndCommit(_ staged: [(TemporaryBlob, sha256: String)], _ outcomes: [FileOutcome], job: JobContext) throws {
        try blobLifecycle.exclusively {
            _ = try installBlobs(staged)
            try commit(outcomes, job: job)
        }
    }

    /// Unlinks blobs the index marks deleted, then makes the removal durable. Each is
    /// checked again under the lifecycle lock: a blob that the same bytes, ingested
    /// again meanwhile, brought back (or that a live item names) stays.
    func removeDeletedBlobs(_ shas: [String]) throws {
        guard !shas.isEmpty else { return }
        if let hook = blobLifecycle.beforeRemoval.withLock({ $0 }) { hook(shas) }
        try blobLifecycle.exclusively {
            let still = try db.read { db in
                try shas.filter { sha in
                    try Bool.fetchOne(db, sql: """
                        SELECT 1 FROM blobs WHERE sha256 = ?1 AND deleted_at IS NOT NULL
                        AND NOT EXISTS (SELECT 1 FROM items WHERE sha256 = ?1 AND deleted_at IS NULL)
                        """, arguments: [sha]) == true
                }
            }
            guard !still.isEmpty else { return }
            for sha in still { try blobStore.remove(sha) }
            try blobStore.syncAll()
        }
    }
}
