import CustodyModel

/// Everything an export bundle says, gathered by the daemon at export time.
public struct ExportInput: Sendable {
    /// The sequence number of the `export.create` event.
    public var exportID: Int64
    public var createdAt: String
    /// What was asked for, in words.
    public var selection: String
    public var reason: String?
    /// Who asked for the export.
    public var actor: Author
    /// The station's name (the checkpoint origin) and its C2SP verifier key.
    public var station: String
    public var verifierKey: String
    /// Base64 of the station's 32-byte Ed25519 public key.
    public var publicKey: String
    public var toolVersion: String
    /// The checkpoint signed for this export; every proof is against it.
    public var checkpoint: SignedCheckpoint
    public var items: [ExportedItem]
    /// The `export.create` event itself, proven against the same checkpoint.
    public var exportEvent: ExportedEvent

    public init(exportID: Int64, createdAt: String, selection: String, reason: String?, actor: Author, station: String,
                verifierKey: String, publicKey: String, toolVersion: String, checkpoint: SignedCheckpoint, items: [ExportedItem],
                exportEvent: ExportedEvent) {
        self.exportID = exportID; self.createdAt = createdAt; self.selection = selection; self.reason = reason; self.actor = actor
        self.station = station; self.verifierKey = verifierKey; self.publicKey = publicKey; self.toolVersion = toolVersion
        self.checkpoint = checkpoint; self.items = items; self.exportEvent = exportEvent
    }
}

/// One item of an export with its custody events.
public struct ExportedItem: Sendable {
    public var item: Item
    public var events: [ExportedEvent]
    public init(item: Item, events: [ExportedEvent]) { self.item = item; self.events = events }
}

/// A custody event and its inclusion proof.
public struct ExportedEvent: Sendable {
    public var event: CustodyEvent
    public var proof: InclusionProof
    public init(event: CustodyEvent, proof: InclusionProof) { self.event = event; self.proof = proof }
}
