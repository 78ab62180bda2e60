// An export for court: the bundle's files and documents, laid out by the daemon.

/// An export's bundle, to be written: the export is recorded, a checkpoint covering it
/// signed, and every event proven; `documents` are written as given and each of
/// `files` is a stored file's bytes.
public struct ExportPlan: Sendable, Equatable {
    /// The export's id: the sequence number of its `export.create` custody event.
    public var exportId: Int64
    public var createdAt: String
    /// What was asked for, in words (e.g. "case K-2026-114").
    public var selection: String
    public var checkpoint: SignedCheckpoint
    public var files: [ExportFile]
    public var documents: [ExportDocument]
    public init(exportId: Int64, createdAt: String, selection: String, checkpoint: SignedCheckpoint, files: [ExportFile],
                documents: [ExportDocument]) {
        self.exportId = exportId; self.createdAt = createdAt; self.selection = selection; self.checkpoint = checkpoint
        self.files = files; self.documents = documents
    }
}

/// One evidence file of an export.
public struct ExportFile: Sendable, Equatable {
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
public struct ExportDocument: Sendable, Equatable {
    public var path: String
    public var content: String
    public init(path: String, content: String) { self.path = path; self.content = content }
}
