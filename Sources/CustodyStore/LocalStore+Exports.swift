import CustodyCore
import CustodyModel
import GRDB

extension LocalStore: ExportStore {
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

extension LocalStore {
    /// The longest reason kept in an `export.abandon` event (a client's error text can be long).
    public static let maxAbandonReason = 2000

    /// Records that export `id`'s bundle was not written, once: an `export.abandon` event
    /// naming the export and why (the client gave up, the destination failed, a stored file
    /// was missing). The `export.create` event is written before the bundle; this one says
    /// the bundle never came to be. A second report of the same export returns the first.
    /// Nil when `id` is not an export.
    public func recordExportAbandon(_ id: Int64, actor: Caller, reason: String) throws -> ExportAbandonment? {
        let reason = reason.count > Self.maxAbandonReason ? String(reason.prefix(Self.maxAbandonReason)) + "…" : reason
        let seq: (Int64, Bool)? = try db.write { db in
            guard try String.fetchOne(db, sql: "SELECT action FROM events WHERE seq = ?", arguments: [id]) == "export.create" else { return nil }
            if let earlier = try Int64.fetchOne(db, sql: """
                SELECT seq FROM events WHERE subject = 'export' AND action = 'export.abandon' AND json_extract(detail, '$.export') = ?
                ORDER BY seq LIMIT 1
                """, arguments: [id]) {
                return (earlier, false)
            }
            let seq = try insertEvent(db, EventInput(actor: actor, action: "export.abandon", subject: "export", outcome: "error",
                                                     detail: ["export": .number(Double(id)), "reason": .string(reason)]))
            return (seq, true)
        }
        guard let (seq, isNew) = seq else { return nil }
        var q = EventQuery()
        q.afterSeq = seq - 1
        q.limit = 1
        guard let event = try events(q).first else { return nil }
        return ExportAbandonment(event: event, isNew: isNew)
    }
}
