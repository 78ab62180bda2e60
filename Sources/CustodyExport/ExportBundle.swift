import CustodyModel
import Foundation

/// The documents of an export bundle, made from an ``ExportInput``: the manifest (JSON
/// and `sha256sum -c` form), each item's custody events with their inclusion proofs,
/// the signed checkpoint, the station's key, a CASE/UCO JSON-LD description and a README.
public enum ExportBundle {
    public static func plan(_ input: ExportInput) throws -> ExportPlan {
        let files = input.items.map {
            ExportFile(item: $0.item.id, path: BundleLayout.evidence(item: $0.item.id, sourcePath: $0.item.source.path),
                          sha256: $0.item.sha256, size: $0.item.size)
        }
        var documents = [
            ExportDocument(path: BundleLayout.manifest, content: try manifest(input, files: files)),
            ExportDocument(path: BundleLayout.checksums, content: files.map { "\($0.sha256)  \($0.path)\n" }.joined()),
            ExportDocument(path: BundleLayout.checkpoint, content: input.checkpoint.note),
            ExportDocument(path: BundleLayout.stationKey, content: input.verifierKey + "\n"),
            ExportDocument(path: BundleLayout.exportProof, content: try json(ProvenEvent(input.exportEvent))),
        ]
        for item in input.items {
            documents.append(ExportDocument(path: BundleLayout.custody(item: item.item.id),
                                               content: try json(ItemCustody(item: BundleItem(item.item), events: item.events.map(ProvenEvent.init)))))
        }
        documents.append(ExportDocument(path: BundleLayout.caseDocument, content: try CASEDocument.make(input, files: files)))
        documents.append(ExportDocument(path: BundleLayout.readme, content: ExportReadme.text(input, files: files)))
        return ExportPlan(exportId: input.exportID, createdAt: input.createdAt, selection: input.selection,
                             checkpoint: input.checkpoint, files: files, documents: documents)
    }

    static func manifest(_ input: ExportInput, files: [ExportFile]) throws -> String {
        let byID = Dictionary(uniqueKeysWithValues: input.items.map { ($0.item.id, $0.item) })
        let entries = files.map { file in
            let item = byID[file.item]!
            return ManifestFile(item: file.item, path: file.path, sha256: file.sha256, size: file.size, originalPath: item.source.path,
                                device: item.source.device, recordedAt: item.recordedAt, mediaType: item.mediaType, tags: BundleTags(item.tags),
                                custody: BundleLayout.custody(item: file.item))
        }
        return try json(Manifest(format: BundleLayout.format, exportId: input.exportID, createdAt: input.createdAt,
                                 selection: input.selection, reason: input.reason, exportedBy: BundleAuthor(input.actor), station: input.station,
                                 verifierKey: input.verifierKey, publicKey: input.publicKey, tool: "Custody \(input.toolVersion)",
                                 checkpoint: ManifestCheckpoint(treeSize: input.checkpoint.treeSize, rootHash: base64(input.checkpoint.rootHash),
                                                                file: BundleLayout.checkpoint),
                                 files: entries))
    }

    /// A document's JSON: pretty, keys sorted, slashes unescaped, ending in a newline.
    static func json(_ value: some Encodable) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes, .prettyPrinted]
        return String(decoding: try encoder.encode(value), as: UTF8.self) + "\n"
    }
}

/// `manifest.json`.
struct Manifest: Encodable {
    var format: String
    var exportId: Int64
    var createdAt: String
    var selection: String
    var reason: String?
    var exportedBy: BundleAuthor
    var station: String
    var verifierKey: String
    var publicKey: String
    var tool: String
    var checkpoint: ManifestCheckpoint
    var files: [ManifestFile]
}

struct ManifestCheckpoint: Encodable {
    var treeSize: Int
    var rootHash: String
    var file: String
}

struct ManifestFile: Encodable {
    var item: Int64
    var path: String
    var sha256: String
    var size: Int64
    var originalPath: String
    var device: String?
    var recordedAt: String
    var mediaType: String
    var tags: BundleTags
    var custody: String

    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(item, forKey: .item); try c.encode(path, forKey: .path); try c.encode(sha256, forKey: .sha256)
        try c.encode(size, forKey: .size); try c.encode(originalPath, forKey: .originalPath); try c.encode(device, forKey: .device)
        try c.encode(recordedAt, forKey: .recordedAt); try c.encode(mediaType, forKey: .mediaType); try c.encode(tags, forKey: .tags)
        try c.encode(custody, forKey: .custody)
    }
    enum CodingKeys: String, CodingKey { case item, path, sha256, size, originalPath, device, recordedAt, mediaType, tags, custody }
}

/// `custody/item-ID.json`.
struct ItemCustody: Encodable {
    var item: BundleItem
    var events: [ProvenEvent]
}

/// An event as recorded, with its leaf and audit path: `entry` is the exact byte
/// string hashed (RFC 8785 JSON), so a verifier needs no canonicalisation of its own.
struct ProvenEvent: Encodable {
    var seq: Int64
    var action: String
    var time: String
    var leafIndex: Int
    var entry: String
    var leafHash: String
    var auditPath: [String]
    init(_ e: ExportedEvent) {
        seq = e.event.seq; action = e.event.action; time = e.event.time
        leafIndex = e.proof.leafIndex; entry = e.proof.entry; leafHash = base64(e.proof.leafHash); auditPath = e.proof.auditPath.map(base64)
    }
}

/// A hash as the bundle's documents write it: base64.
func base64(_ bytes: [UInt8]) -> String { Data(bytes).base64EncodedString() }
