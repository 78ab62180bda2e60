/// `POST /v1/exports` body: which items go into an export for court. Exactly one of
/// `case`, `hearing` or `items` is given.
public struct ExportRequestDTO: Sendable, Codable, Equatable {
    public var `case`: String?
    public var hearing: String?
    public var items: [Int64]?
    /// Why the export is made (e.g. "disclosure to the defence"), kept in its custody event.
    public var reason: String?
    public init(case: String? = nil, hearing: String? = nil, items: [Int64]? = nil, reason: String? = nil) {
        self.case = `case`; self.hearing = hearing; self.items = items; self.reason = reason
    }
}

/// `POST /v1/exports` answer: the bundle to write. The daemon has recorded the export,
/// signed a checkpoint covering it and proven every event; the client writes
/// `documents` as given and fetches each of `files` from `GET /v1/blobs/{sha256}?export=ID`.
public struct ExportPlanDTO: Sendable, Codable, Equatable {
    /// The export's id: the sequence number of its `export.create` custody event.
    public var exportId: Int64
    public var createdAt: String
    /// What was asked for, in words (e.g. "case K-2026-114").
    public var selection: String
    public var checkpoint: CheckpointDTO
    public var files: [ExportFileDTO]
    public var documents: [ExportDocumentDTO]
    public init(exportId: Int64, createdAt: String, selection: String, checkpoint: CheckpointDTO, files: [ExportFileDTO], documents: [ExportDocumentDTO]) {
        self.exportId = exportId; self.createdAt = createdAt; self.selection = selection; self.checkpoint = checkpoint
        self.files = files; self.documents = documents
    }
}

/// One evidence file of an export.
public struct ExportFileDTO: Sendable, Codable, Equatable {
    public var item: Int64
    /// Its path in the bundle, e.g. `evidence/12/FILE0001.MP4` (the original name).
    public var path: String
    public var sha256: String
    public var size: Int64
    public init(item: Int64, path: String, sha256: String, size: Int64) {
        self.item = item; self.path = path; self.sha256 = sha256; self.size = size
    }
}

/// One document of an export (manifest, proofs, key, README…), written as given.
public struct ExportDocumentDTO: Sendable, Codable, Equatable {
    public var path: String
    public var content: String
    public init(path: String, content: String) { self.path = path; self.content = content }
}

/// `POST /v1/exports/{id}/abandon` body: why the export's bundle was not written.
public struct ExportAbandonRequestDTO: Sendable, Codable, Equatable {
    /// What went wrong (kept in the `export.abandon` event), e.g. "cannot write /mnt/usb: no space left".
    public var reason: String
    public init(reason: String) { self.reason = reason }
}

/// `POST /v1/exports/{id}/abandon` answer: the export's `export.abandon` event.
public struct ExportAbandonDTO: Sendable, Codable, Equatable {
    public var exportId: Int64
    /// The `export.abandon` event: recorded now, or the one recorded before (the first record stands).
    public var event: EventDTO
    /// True when the export had been recorded abandoned before this request.
    public var alreadyAbandoned: Bool
    public init(exportId: Int64, event: EventDTO, alreadyAbandoned: Bool) {
        self.exportId = exportId; self.event = event; self.alreadyAbandoned = alreadyAbandoned
    }
}
