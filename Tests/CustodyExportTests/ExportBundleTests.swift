import CustodyModel
import Foundation
import Testing
@testable import CustodyExport

@Suite("Export bundle layout and documents")
struct ExportBundleTests {
    static func item(_ id: Int64, path: String, sha: String, device: String? = "BC-1") -> Item {
        Item(id: id, sha256: sha, size: 1000 + id, mediaType: "video/mp4", container: "mp4", recordedAt: "2026-11-20T10:00:00.000Z",
                recordedAtSource: "mp4.mvhd", utcOffsetSeconds: nil, durationSeconds: 3, ingestedAt: "2026-11-21T08:00:00.000Z",
                source: ItemSource(device: device, path: path, root: "/media/card"),
                tags: ItemTags(officer: "4471", hearing: nil, case: "K-1", category: "unclassified"), jobId: 1, metadataProblems: [], fileModifiedAt: nil)
    }

    static func proven(_ seq: Int64, _ action: String, subject: String, detail: [String: JSONValue] = [:]) -> ExportedEvent {
        let event = CustodyEvent(seq: seq, time: "2026-11-21T08:00:0\(seq % 10).000Z", actor: Author(uid: 1001, name: "ana"), action: action,
                             subject: subject, outcome: "ok", detail: detail)
        return ExportedEvent(event: event, proof: InclusionProof(seq: seq, leafIndex: Int(seq - 1), entry: "{}", leafHash: [0x00], auditPath: [[0x04]]))
    }

    static let input = ExportInput(
        exportID: 9, createdAt: "2026-11-22T09:00:00.000Z", selection: "case K-1", reason: "disclosure", actor: Author(uid: 1002, name: "clerk"),
        station: "custody.example/station-1", verifierKey: "custody.example/station-1+01020304+AQID", publicKey: "AQID", toolVersion: "0.1.0",
        checkpoint: SignedCheckpoint(treeSize: 12, rootHash: Array("root".utf8), note: "custody.example/station-1\n12\ncm9vdA==\n\n— sig\n", madeAt: "now"),
        items: [
            ExportedItem(item: item(3, path: "DCIM/100MEDIA/FILE0001.MP4", sha: String(repeating: "a", count: 64)),
                         events: [proven(4, "item.store", subject: "item:3", detail: ["sha256": .string(String(repeating: "a", count: 64))])]),
            ExportedItem(item: item(5, path: "other/FILE0001.MP4", sha: String(repeating: "b", count: 64), device: nil),
                         events: [proven(6, "item.store", subject: "item:5")]),
        ],
        exportEvent: proven(9, "export.create", subject: "export"))

    @Test("files keep their original names under their item ids, so equal names never collide")
    func layout() throws {
        let plan = try ExportBundle.plan(Self.input)
        #expect(plan.files.map(\.path) == ["evidence/3/FILE0001.MP4", "evidence/5/FILE0001.MP4"])
        #expect(BundleLayout.safeName("a/Доказ 1.mp4", item: 1) == "Доказ 1.mp4")
        #expect(BundleLayout.safeName("x/..", item: 7) == "item-7")
        #expect(BundleLayout.safeName("bad\nname\\x", item: 7) == "bad_name_x")
        #expect(BundleLayout.safeName(String(repeating: "й", count: 300) + ".mp4", item: 7).utf8.count <= 200)
        #expect(BundleLayout.safeName(String(repeating: "й", count: 300) + ".mp4", item: 7).hasSuffix(".mp4"))
    }

    @Test("SHA256SUMS has one `hash  path` line per file; the manifest names every file, its hash and its custody file")
    func manifest() throws {
        let plan = try ExportBundle.plan(Self.input)
        let docs = Dictionary(uniqueKeysWithValues: plan.documents.map { ($0.path, $0.content) })
        #expect(docs["SHA256SUMS"] == "\(String(repeating: "a", count: 64))  evidence/3/FILE0001.MP4\n\(String(repeating: "b", count: 64))  evidence/5/FILE0001.MP4\n")
        let manifest = try JSONSerialization.jsonObject(with: Data(docs["manifest.json"]!.utf8)) as! [String: Any]
        #expect(manifest["format"] as? String == "custody-export/1")
        #expect((manifest["checkpoint"] as? [String: Any])?["treeSize"] as? Int == 12)
        #expect((manifest["checkpoint"] as? [String: Any])?["rootHash"] as? String == "cm9vdA==", "the root hash is written base64")
        let custody = try JSONSerialization.jsonObject(with: Data(docs["custody/item-3.json"]!.utf8)) as! [String: Any]
        let proof = (custody["events"] as? [[String: Any]])?.first ?? [:]
        #expect(proof["leafHash"] as? String == "AA==" && proof["auditPath"] as? [String] == ["BA=="], "proof hashes are written base64")
        let files = manifest["files"] as! [[String: Any]]
        #expect(files.map { $0["custody"] as? String } == ["custody/item-3.json", "custody/item-5.json"])
        #expect(files[1]["device"] is NSNull)
        #expect(Set(docs.keys) == ["manifest.json", "SHA256SUMS", "checkpoint.txt", "station-key.txt", "custody/export.json",
                                   "custody/item-3.json", "custody/item-5.json", "case-uco.jsonld", "README.txt"])
        #expect(docs["checkpoint.txt"] == Self.input.checkpoint.note)
        #expect(docs["README.txt"]!.contains(Self.input.verifierKey))
    }

    @Test("the CASE document has a file with its SHA-256 per item and an action per event, with UUID-ending ids")
    func caseDocument() throws {
        let plan = try ExportBundle.plan(Self.input)
        let text = plan.documents.first { $0.path == "case-uco.jsonld" }!.content
        let doc = try JSONSerialization.jsonObject(with: Data(text.utf8)) as! [String: Any]
        let graph = doc["@graph"] as! [[String: Any]]
        let files = graph.filter { $0["@type"] as? String == "uco-observable:File" }
        let actions = graph.filter { $0["@type"] as? String == "case-investigation:InvestigativeAction" }
        #expect(files.count == 2)
        #expect(actions.map { $0["uco-core:name"] as? String } == ["item.store", "item.store", "export.create"])
        #expect(text.contains("\"@value\" : \"\(String(repeating: "a", count: 64))\""))
        let uuidTail = #/[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/#
        for node in graph { #expect((node["@id"] as! String).contains(uuidTail)) }
        // The same export described twice names its nodes the same way.
        #expect(try ExportBundle.plan(Self.input).documents == plan.documents)
    }
}
