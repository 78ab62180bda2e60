import CustodyCore
import CustodyExport
import CustodyLedger
import CustodyModel
import CustodyProtocol
import CustodyStore
import Foundation

/// Makes an export for court: records it, signs a checkpoint that covers it, proves
/// every event of every item against that checkpoint, and lays out the bundle.
struct ExportMaker {
    let store: any EvidenceStore & LedgerStore & ExportStore
    let signer: CheckpointSigner
    /// Most items one export may hold.
    static let maxItems = 10_000

    func make(_ request: ExportRequestDTO, caller: Caller) throws -> ExportPlan {
        let (items, selection) = try select(request)
        let exportID = try store.recordExport(actor: caller, selection: selection, reason: request.reason,
                                              items: items.map { ($0.id, $0.sha256) })
        let checkpoint = try signer.checkpoint(actor: caller)
        let (seqs, leaves) = try store.ledgerEntries()
        let tree = MerkleTreeIndex(leaves: Array(leaves[..<checkpoint.treeSize]))
        func proven(_ event: CustodyEvent) throws -> ExportedEvent {
            guard let index = LeafIndex.of(seq: event.seq, in: seqs), index < checkpoint.treeSize else {
                throw ProblemDTO.internalError("event \(event.seq) is not in checkpoint \(checkpoint.treeSize)")
            }
            return ExportedEvent(event: event, proof: tree.proof(of: event, leafIndex: index, size: checkpoint.treeSize))
        }
        var exported: [ExportedItem] = []
        let lastCovered = seqs[checkpoint.treeSize - 1]
        for item in items {
            exported.append(ExportedItem(item: item, events: try allEvents(of: item.id, through: lastCovered).map(proven)))
        }
        var q = EventQuery()
        q.afterSeq = exportID - 1
        q.limit = 1
        guard let exportEvent = try store.events(q).first else { throw ProblemDTO.internalError("export event \(exportID) vanished") }
        let input = ExportInput(
            exportID: exportID, createdAt: exportEvent.time, selection: selection, reason: request.reason,
            actor: Author(uid: caller.uid, name: caller.name), station: signer.key.name, verifierKey: signer.key.verifierKey,
            publicKey: signer.key.rawPublicKey.base64EncodedString(), toolVersion: CustodyVersion.string,
            checkpoint: checkpoint, items: exported, exportEvent: try proven(exportEvent))
        return try ExportBundle.plan(input)
    }

    /// Every event of an item (its own and its job's, without the job's other files'
    /// failures) up to `lastSeq`, read a page at a time: an item's record is never cut short.
    private func allEvents(of item: Int64, through lastSeq: Int64) throws -> [CustodyEvent] {
        var q = EventQuery()
        q.itemID = item
        q.limit = Self.eventPage
        var events: [CustodyEvent] = []
        while true {
            let page = try store.events(q)
            events += page.lazy.filter { $0.seq <= lastSeq }
            guard page.count == q.limit, let last = page.last, last.seq < lastSeq else { return events }
            q.afterSeq = last.seq
        }
    }

    /// Events read per query while gathering an item's record.
    static let eventPage = 5_000

    /// The items asked for, and the selection in words.
    private func select(_ request: ExportRequestDTO) throws -> ([Item], String) {
        let given = [request.case != nil, request.hearing != nil, request.items != nil].filter { $0 }.count
        guard given == 1 else {
            throw ProblemDTO.badRequest("give exactly one of \"case\", \"hearing\" or \"items\" (an export is of a case, a hearing, or listed items)")
        }
        if let ids = request.items {
            guard !ids.isEmpty, ids.count <= Self.maxItems else { throw ProblemDTO.badRequest("\"items\" must list 1 to \(Self.maxItems) item ids") }
            var seen = Set<Int64>(), items: [Item] = [], missing: [Int64] = []
            for id in ids where seen.insert(id).inserted {
                if let item = try store.item(id) { items.append(item) } else { missing.append(id) }
            }
            guard missing.isEmpty else {
                throw ProblemDTO.notFound("no item \(missing.map(String.init).joined(separator: ", ")); nothing was exported")
            }
            // Retention deleted these files: their records and events stay, the bytes do not.
            let gone = items.filter { $0.deletedAt != nil }
            guard gone.isEmpty else {
                throw ProblemDTO.notFound(gone.map { "item \($0.id)'s stored file was deleted by retention on \($0.deletedAt!)" }
                    .joined(separator: "; ") + "; nothing was exported (custodyctl audit --item ID shows why)")
            }
            return (items, "items " + items.map { String($0.id) }.joined(separator: ", "))
        }
        var q = ItemQuery()
        q.caseNumber = request.case
        q.hearing = request.hearing
        q.limit = Self.maxItems + 1
        let selection = request.case.map { "case \($0)" } ?? "hearing \(request.hearing ?? "")"
        let all = try store.items(q).items
        // Items whose files retention deleted cannot be exported; the selection says so.
        let found = all.filter { $0.deletedAt == nil }
        let gone = all.filter { $0.deletedAt != nil }.map { String($0.id) }
        let described = gone.isEmpty ? selection
            : "\(selection) (without items \(gone.joined(separator: ", ")), whose stored files retention deleted)"
        guard gone.isEmpty || !found.isEmpty else {
            throw ProblemDTO.notFound("retention deleted the stored files of every item of \(selection) (\(gone.joined(separator: ", "))); nothing was exported")
        }
        guard !found.isEmpty else { throw ProblemDTO.notFound("no items are tagged to \(selection); nothing was exported") }
        guard found.count <= Self.maxItems else {
            throw ProblemDTO.badRequest("\(selection) has more than \(Self.maxItems) items; export it in parts with \"items\"")
        }
        return (found.sorted { $0.id < $1.id }, described)
    }
}
