import CustodyModel
import Foundation

// Exports, checkpoints and proofs: hashes go on the wire in base64.

extension ExportPlanDTO {
    public init(_ p: ExportPlan) {
        self.init(exportId: p.exportId, createdAt: p.createdAt, selection: p.selection, checkpoint: CheckpointDTO(p.checkpoint),
                  files: p.files.map(ExportFileDTO.init), documents: p.documents.map(ExportDocumentDTO.init))
    }
}

extension ExportFileDTO {
    public init(_ f: ExportFile) { self.init(item: f.item, path: f.path, sha256: f.sha256, size: f.size) }
}

extension ExportDocumentDTO {
    public init(_ d: ExportDocument) { self.init(path: d.path, content: d.content) }
}

extension CheckpointDTO {
    public init(_ c: SignedCheckpoint) {
        self.init(treeSize: c.treeSize, rootHash: Data(c.rootHash).base64EncodedString(), note: c.note, madeAt: c.madeAt)
    }
}

extension InclusionProofDTO {
    public init(_ p: InclusionProof) {
        self.init(seq: p.seq, leafIndex: p.leafIndex, entry: p.entry, leafHash: Data(p.leafHash).base64EncodedString(),
                  auditPath: p.auditPath.map { Data($0).base64EncodedString() })
    }
}
