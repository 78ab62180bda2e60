// The custody ledger's signed checkpoints and proofs, as records.

/// A signed checkpoint of the custody ledger, as kept.
public struct SignedCheckpoint: Sendable, Equatable {
    /// Leaves (custody events) the checkpoint covers.
    public var treeSize: Int
    /// The RFC 9162 root hash of those leaves (32 bytes).
    public var rootHash: [UInt8]
    /// The C2SP signed note.
    public var note: String
    public var madeAt: String
    public init(treeSize: Int, rootHash: [UInt8], note: String, madeAt: String) {
        self.treeSize = treeSize; self.rootHash = rootHash; self.note = note; self.madeAt = madeAt
    }
}

/// The inclusion proof of one custody event against a checkpoint.
public struct InclusionProof: Sendable, Equatable {
    public var seq: Int64
    /// Position of the event's leaf in the tree (0-based).
    public var leafIndex: Int
    /// The event's canonical bytes (RFC 8785 JSON), as hashed.
    public var entry: String
    /// SHA-256(0x00 ‖ entry).
    public var leafHash: [UInt8]
    /// The RFC 9162 audit path, leaf to root.
    public var auditPath: [[UInt8]]
    public init(seq: Int64, leafIndex: Int, entry: String, leafHash: [UInt8], auditPath: [[UInt8]]) {
        self.seq = seq; self.leafIndex = leafIndex; self.entry = entry; self.leafHash = leafHash; self.auditPath = auditPath
    }
}
