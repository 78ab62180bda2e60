/// `GET /v1/ledger`: the station's ledger at a glance.
public struct LedgerDTO: Sendable, Codable, Equatable {
    /// The station's name in its checkpoints.
    public var origin: String
    /// The C2SP verifier key: `origin+keyhash+base64(0x01 ‖ Ed25519 public key)`.
    public var verifierKey: String
    /// Entries in the ledger (= custody events).
    public var treeSize: Int
    /// The latest signed checkpoint (a C2SP signed note); null before the first.
    public var latestCheckpoint: String?

    public init(origin: String, verifierKey: String, treeSize: Int, latestCheckpoint: String?) {
        self.origin = origin; self.verifierKey = verifierKey; self.treeSize = treeSize; self.latestCheckpoint = latestCheckpoint
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(origin, forKey: .origin)
        try c.encode(verifierKey, forKey: .verifierKey)
        try c.encode(treeSize, forKey: .treeSize)
        try c.encode(latestCheckpoint, forKey: .latestCheckpoint)
    }
}

/// One signed checkpoint.
public struct CheckpointDTO: Sendable, Codable, Equatable {
    public var treeSize: Int
    /// Base64 of the 32-byte root hash.
    public var rootHash: String
    /// The C2SP signed note.
    public var note: String
    public var madeAt: String
    public init(treeSize: Int, rootHash: String, note: String, madeAt: String) {
        self.treeSize = treeSize; self.rootHash = rootHash; self.note = note; self.madeAt = madeAt
    }
}

/// `GET /v1/checkpoints`.
public struct CheckpointListDTO: Sendable, Codable, Equatable {
    public var checkpoints: [CheckpointDTO]
    public init(checkpoints: [CheckpointDTO]) { self.checkpoints = checkpoints }
}

/// `POST /v1/verify` body.
public struct VerifyRequestDTO: Sendable, Codable, Equatable {
    /// Also re-hash every stored file against its items.
    public var full: Bool
    public init(full: Bool) { self.full = full }
}

/// `POST /v1/verify` answer.
public struct VerificationDTO: Sendable, Codable, Equatable {
    public var ok: Bool
    public var treeSize: Int
    public var checkpointsChecked: Int
    public var blobsChecked: Int
    public var problems: [VerificationProblemDTO]
    public init(ok: Bool, treeSize: Int, checkpointsChecked: Int, blobsChecked: Int, problems: [VerificationProblemDTO]) {
        self.ok = ok; self.treeSize = treeSize; self.checkpointsChecked = checkpointsChecked; self.blobsChecked = blobsChecked
        self.problems = problems
    }
}

/// One problem verification found.
public struct VerificationProblemDTO: Sendable, Codable, Equatable {
    public var kind: String
    public var subject: String
    public var expected: String?
    public var found: String?
    public var message: String
    public init(kind: String, subject: String, expected: String?, found: String?, message: String) {
        self.kind = kind; self.subject = subject; self.expected = expected; self.found = found; self.message = message
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(kind, forKey: .kind)
        try c.encode(subject, forKey: .subject)
        try c.encode(expected, forKey: .expected)
        try c.encode(found, forKey: .found)
        try c.encode(message, forKey: .message)
    }
}

/// The inclusion proof of one custody event.
public struct InclusionProofDTO: Sendable, Codable, Equatable {
    public var seq: Int64
    /// Position of the event's leaf in the tree (0-based).
    public var leafIndex: Int
    /// The event's canonical bytes (RFC 8785 JSON), as hashed.
    public var entry: String
    /// Base64 of SHA-256(0x00 ‖ entry).
    public var leafHash: String
    /// Base64 hashes of the RFC 9162 audit path, leaf to root.
    public var auditPath: [String]
    public init(seq: Int64, leafIndex: Int, entry: String, leafHash: String, auditPath: [String]) {
        self.seq = seq; self.leafIndex = leafIndex; self.entry = entry; self.leafHash = leafHash; self.auditPath = auditPath
    }
}

/// `GET /v1/proofs?item=ID`: an item's events, each proven against one checkpoint.
public struct ItemProofsDTO: Sendable, Codable, Equatable {
    public var item: Int64
    public var checkpoint: CheckpointDTO
    public var proofs: [InclusionProofDTO]
    public init(item: Int64, checkpoint: CheckpointDTO, proofs: [InclusionProofDTO]) {
        self.item = item; self.checkpoint = checkpoint; self.proofs = proofs
    }
}

/// `GET /v1/proofs?from=OLD&to=NEW`: the consistency proof between two checkpoints.
public struct ConsistencyProofDTO: Sendable, Codable, Equatable {
    public var from: CheckpointDTO
    public var to: CheckpointDTO
    /// Base64 hashes of the RFC 9162 consistency proof.
    public var proof: [String]
    public init(from: CheckpointDTO, to: CheckpointDTO, proof: [String]) { self.from = from; self.to = to; self.proof = proof }
}
