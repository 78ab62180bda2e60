import CustodyCore
import CustodyLedger
import CustodyModel
import Synchronization

/// Makes signed checkpoints of the ledger with the station key, one at a time.
public final class CheckpointSigner: Sendable {
    public let key: StationKey
    /// The ledger it signs, and where its checkpoint and verification events go.
    public let store: any LedgerStore & EvidenceStore
    /// Told of every verification's report (the daemon counts failed ones in its metrics).
    let onVerified: (@Sendable (VerificationReport) -> Void)?
    private let lock = Mutex(())

    public init(key: StationKey, store: any LedgerStore & EvidenceStore, onVerified: (@Sendable (VerificationReport) -> Void)? = nil) {
        self.key = key
        self.store = store
        self.onVerified = onVerified
    }

    /// Signs and keeps a checkpoint of the whole ledger now (a ledger.checkpoint event follows it).
    @discardableResult
    public func checkpoint(actor: Caller = .daemon) throws -> SignedCheckpoint {
        try lock.withLock { _ in
            let leaves = try store.leafHashes()
            let checkpoint = Checkpoint(origin: key.name, treeSize: leaves.count, rootHash: MerkleTree.root(leaves))
            let kept = try store.recordCheckpoint(checkpoint, note: try checkpoint.signed(by: key))
            try store.record(EventInput(actor: actor, action: "ledger.checkpoint", subject: "ledger",
                                        detail: ["treeSize": .number(Double(checkpoint.treeSize))]))
            return kept
        }
    }

    /// A checkpoint when entries arrived since the last one (the checkpoint event itself
    /// does not count as growth), else nil.
    public func checkpointIfGrown() throws -> SignedCheckpoint? {
        let size = try store.ledgerSize()
        let last = try store.latestCheckpoint()?.treeSize ?? -1
        guard size > last + 1 else { return nil }
        return try checkpoint()
    }

    /// Verifies the ledger (and with `full` every stored file) and records the result
    /// as a `ledger.verify` custody event by `actor`.
    public func verifyAndRecord(full: Bool, actor: Caller) throws -> VerificationReport {
        let report = try store.verify(stationName: key.name, publicKey: key.publicKey, full: full)
        try store.record(EventInput(actor: actor, action: "ledger.verify", subject: "ledger", outcome: report.ok ? "ok" : "error",
                                    detail: ["full": .bool(full), "treeSize": .number(Double(report.treeSize)),
                                             "problems": .number(Double(report.problems.count))]))
        onVerified?(report)
        return report
    }
}
