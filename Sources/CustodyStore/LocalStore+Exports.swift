import CustodyCore
import CustodyProtocol
import GRDB

/// A recorded export: who made it and which stored files it hands out.
public struct ExportRecord: Sendable, Equatable {
    public var id: Int64
    public var actorUID: UInt32
    public var sha256s: Set<String>
}

extension LocalStore {
    /// Records an export as one `export.create` event (its id is the event's sequence
    /// number) and an `item.export` event per item, in one durable transaction.
    public func recordExport(actor: Caller, selection: String, reason: String?, items: [(id: Int64, sha256: String)]) throws -> Int64 {
        try db.write { db in
            var detail: [String: JSONValue] = [
                "selection": .string(selection),
                "items": .array(items.map { .number(Double($0.id)) }),
                "sha256s": .array(items.map { .string($0.sha256) }),
            ]
            if let reason { detail["reason"] = .string(reason) }
            let exportID = try insertEvent(db, EventInput(actor: actor, action: "export.create", subject: "export", detail: detail))
            for item in items {
                try insertEvent(db, EventInput(actor: actor, action: "item.export", subject: "item:\(item.id)",
                                               detail: ["export": .number(Double(exportID)), "sha256": .string(item.sha256)]))
            }
            return exportID
        }
    }

    /// The export recorded by event `id`, or nil when that event is not an export.
    public func export(_ id: Int64) throws -> ExportRecord? {
        var q = EventQuery()
        q.afterSeq = id - 1
        q.limit = 1
        guard let event = try events(q).first, event.seq == id, event.action == "export.create" else { return nil }
        guard case .array(let hashes)? = event.detail["sha256s"] else { return nil }
        return ExportRecord(id: id, actorUID: event.actor.uid, sha256s: Set(hashes.compactMap(\.stringValue)))
    }
}
