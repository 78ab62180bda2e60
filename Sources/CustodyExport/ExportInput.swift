import CustodyProtocol

/// Everything an export bundle says, gathered by the daemon at export time.
public struct ExportInput: Sendable {
    /// The sequence number of the `export.create` event.
    public var exportID: Int64
    public var createdAt: String
    /// What was asked for, in words.
    public var selection: String
    public var reason: String?
    /// Who asked for the export.
    public var actor: ActorDTO
    /// The station's name (the checkpoint origin) and its C2SP verifier key.
    public var station: String
    public var verifierKey: String
    /// Base64 of the station's 32-byte Ed25519 public key.
    public var publicKey: String
    public var toolVersion: String
    /// The checkpoint signed for this export; every proof is against it.
    public var checkpoint: CheckpointDTO
    public var items: [ExportedItem]
    /// The `export.create` event itself, proven against the same checkpoint.
    public var exportEvent: ExportedEvent

    public init(exportID: Int64, createdAt: String, selection: String, reason: String?, actor: ActorDTO, station: String,
                verifierKey: String, publicKey: String, toolVersion: String, checkpoint: CheckpointDTO, items: [ExportedItem],
                exportEvent: ExportedEvent) {
        self.exportID = exportID; self.createdAt = createdAt; self.selection = selection; self.reason = reason; self.actor = actor
        self.station = station; self.verifierKey = verifierKey; self.publicKey = publicKey; self.toolVersion = toolVersion
        self.checkpoint = checkpoint; self.items = items; self.exportEvent = exportEvent
    }
}

/// One item of an export with its custody events.
public struct ExportedItem: Sendable {
    public var item: ItemDTO
    public var events: [ExportedEvent]
    public init(item: ItemDTO, events: [ExportedEvent]) { self.item = item; self.events = events }
}

/// A custody event and its inclusion proof.
public struct ExportedEvent: Sendable {
    public var event: EventDTO
    public var proof: InclusionProofDTO
    public init(event: EventDTO, proof: InclusionProofDTO) { self.event = event; self.proof = proof }
}
