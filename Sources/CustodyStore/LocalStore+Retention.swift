import CustodyCore
import CustodyModel
import Foundation
import GRDB

extension LocalStore {
    // MARK: Holds

    public func holds(activeOnly: Bool) throws -> [Hold] {
        try db.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM holds \(activeOnly ? "WHERE released_at IS NULL" : "") ORDER BY id").map(Self.holdRecord)
        }
    }

    static func holdRecord(_ row: Row) -> Hold {
        let releasedBy = (row["released_uid"] as Int64?).map { Author(uid: UInt32($0), name: row["released_name"] ?? "") }
        return Hold(id: row["id"], item: row["item_id"], case: row["case_number"], reason: row["reason"], placedAt: row["placed_at"],
                       placedBy: Author(uid: UInt32(row["placed_uid"] as Int64), name: row["placed_name"]),
                       active: row["released_at"] == nil, releasedAt: row["released_at"], releasedBy: releasedBy,
                       releaseReason: row["release_reason"])
    }

    public func placeHold(item: Int64?, caseNumber: String?, reason: String, actor: Caller) throws -> Hold {
        let reason = reason.trimmingCharacters(in: .whitespacesAndNewlines)
        guard (item == nil) != (caseNumber == nil) else { throw RegistryError(.badRequest, "a hold is on one item or one case: give item or case") }
        guard !reason.isEmpty else { throw RegistryError(.badRequest, "a hold needs a reason (an order, a request, a case reference)") }
        return try db.write { db in
            let subject: String
            if let item {
                guard try Bool.fetchOne(db, sql: "SELECT 1 FROM items WHERE id = ?", arguments: [item]) == true else {
                    throw RegistryError(.notFound, "no item \(item)")
                }
                subject = "item:\(item)"
            } else {
                let number = caseNumber!
                // Counted in Unicode scalars, as the API document's maxLength counts.
                guard !number.isEmpty, number.unicodeScalars.count <= 100 else { throw RegistryError(.badRequest, "a case number is 1 to 100 characters") }
                try ensureCase(db, number, actor: actor)
                subject = "case:\(number)"
            }
            let time = now
            try db.execute(sql: """
                INSERT INTO holds (item_id, case_number, reason, placed_at, placed_uid, placed_name) VALUES (?, ?, ?, ?, ?, ?)
                """, arguments: [item, caseNumber, reason, time, Int64(actor.uid), actor.name])
            let id = db.lastInsertedRowID
            try insertEvent(db, EventInput(actor: actor, action: "hold.place", subject: subject,
                                           detail: ["hold": .number(Double(id)), "reason": .string(reason)]))
            return try Row.fetchOne(db, sql: "SELECT * FROM holds WHERE id = ?", arguments: [id]).map(Self.holdRecord)!
        }
    }

    public func releaseHold(_ id: Int64, reason: String, actor: Caller) throws -> Hold {
        let reason = reason.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !reason.isEmpty else { throw RegistryError(.badRequest, "releasing a hold needs a reason") }
        return try db.write { db in
            guard let hold = try Row.fetchOne(db, sql: "SELECT * FROM holds WHERE id = ?", arguments: [id]).map(Self.holdRecord) else {
                throw RegistryError(.notFound, "no hold \(id)")
            }
            guard hold.active else {
                throw RegistryError(.conflict, "hold \(id) was already released on \(hold.releasedAt!) by \(hold.releasedBy?.name ?? "?")")
            }
            let time = now
            try db.execute(sql: "UPDATE holds SET released_at = ?, released_uid = ?, released_name = ?, release_reason = ? WHERE id = ?",
                           arguments: [time, Int64(actor.uid), actor.name, reason, id])
            try insertEvent(db, EventInput(actor: actor, action: "hold.release", subject: hold.item.map { "item:\($0)" } ?? "case:\(hold.case!)",
                                           detail: ["hold": .number(Double(id)), "reason": .string(reason)]))
            return try Row.fetchOne(db, sql: "SELECT * FROM holds WHERE id = ?", arguments: [id]).map(Self.holdRecord)!
        }
    }

    // MARK: Retention

    /// The station's calendar day of an instant (its local time zone), `YYYY-MM-DD`.
    func stationDay(_ date: Date) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = .current
        let c = calendar.dateComponents([.year, .month, .day], from: date)
        return String(format: "%04d-%02d-%02d", c.year!, c.month!, c.day!)
    }

    /// Why an item is kept by holds, or nil when none is in force.
    private func holdReason(_ db: Database, item: Int64, caseNumber: String?) throws -> String? {
        let holds = try Row.fetchAll(db.cachedStatement(sql: """
            SELECT * FROM holds WHERE released_at IS NULL AND (item_id = ? OR (case_number IS NOT NULL AND case_number = ?)) ORDER BY id
            """), arguments: [item, caseNumber]).map(Self.holdRecord)
        guard !holds.isEmpty else { return nil }
        return "on hold: " + holds.map { h in
            "hold \(h.id) on \(h.item.map { _ in "the item" } ?? "case \(h.case!)") (\(h.reason), by \(h.placedBy.name) \(h.placedAt))"
        }.joined(separator: "; ")
    }

    /// Items past their category's period, each expired or held, at `now`.
    ///
    /// A period runs from the later of the item's recording time and its ingest time:
    /// a device whose clock was reset (a recording "made" in 1999, or in year 1) does
    /// not make today's evidence expire at once; a recording ingested long after it was
    /// made is kept its full period from the ingest.
    private func retentionCandidates(_ db: Database, periods: [String: Int], at now: Date) throws -> [(RetentionEntry, held: Bool)] {
        var out: [(RetentionEntry, held: Bool)] = []
        for (category, days) in periods.sorted(by: { $0.key < $1.key }) where days > 0 {
            // Periods come from the configuration, bounded there; bounded again here so the arithmetic cannot overflow.
            let span = Double(min(days, 1_000_000)) * 86_400
            let cutoff = now.addingTimeInterval(-span)
            // Times are RFC 3339 text in one form (four-digit years, UTC, milliseconds), so text order is time order.
            let rows = try Row.fetchAll(db, sql: """
                SELECT id, sha256, size, recorded_at, ingested_at, case_number, max(recorded_at, ingested_at) AS counted_from FROM items
                WHERE category = ? AND max(recorded_at, ingested_at) < ? AND deleted_at IS NULL ORDER BY counted_from, id
                """, arguments: [category, RFC3339.format(cutoff)])
            for row in rows {
                let recorded: String = row["recorded_at"], ingested: String = row["ingested_at"]
                let from = Self.countedFrom(recorded: recorded, ingested: ingested)
                let expires = RFC3339.format(from.date.addingTimeInterval(span))
                let counted = " (counted from its \(from.isIngest ? "ingest" : "recording time"), the later of the two)"
                var entry = RetentionEntry(item: row["id"], sha256: row["sha256"], size: row["size"], category: category,
                                              recordedAt: recorded, expiresAt: expires,
                                              reason: "category \(category) keeps recordings \(days) days; expired \(expires)\(counted)")
                if let held = try holdReason(db, item: row["id"], caseNumber: row["case_number"]) {
                    entry.reason = "expired \(expires) but \(held)"
                    out.append((entry, true))
                } else {
                    out.append((entry, false))
                }
            }
        }
        return out
    }

    /// Where an item's retention period starts: the later of its recording and ingest
    /// times. A stored time that does not parse (an index written before times were
    /// bounded) counts as the earliest instant, never as a crash.
    static func countedFrom(recorded: String, ingested: String) -> (date: Date, isIngest: Bool) {
        let earliest = Date(timeIntervalSince1970: Double(RFC3339.earliestSeconds))
        let r = RFC3339.parse(recorded) ?? earliest, i = RFC3339.parse(ingested) ?? earliest
        return r >= i ? (r, false) : (i, true)
    }

    public func makeRetentionPlan(periods: [String: Int], actor: Caller) throws -> RetentionPlan {
        let id: Int64 = try db.write { db in
            let time = clock.now()
            let candidates = try retentionCandidates(db, periods: periods, at: time)
            let policy = String(decoding: try IndexJSON.encoder().encode(periods), as: UTF8.self)
            try db.execute(sql: "INSERT INTO retention_plans (made_at, day, made_uid, made_name, policy) VALUES (?, ?, ?, ?, ?)",
                           arguments: [RFC3339.format(time), stationDay(time), Int64(actor.uid), actor.name, policy])
            let id = db.lastInsertedRowID
            for (entry, held) in candidates {
                try db.cachedStatement(sql: """
                    INSERT INTO retention_plan_items (plan_id, item_id, state, category, expires_at, reason) VALUES (?, ?, ?, ?, ?, ?)
                    """).execute(arguments: [id, entry.item, held ? "held" : "expired", entry.category, entry.expiresAt, entry.reason])
            }
            let expired = candidates.filter { !$0.held }
            try insertEvent(db, EventInput(actor: actor, action: "retention.plan", subject: "retention:\(id)", detail: [
                "expired": .number(Double(expired.count)), "held": .number(Double(candidates.count - expired.count)),
                "bytes": .number(Double(expired.reduce(0) { $0 + $1.0.size })),
            ]))
            return id
        }
        return try retentionPlan(id)!
    }

    public func retentionPlans(limit: Int) throws -> [RetentionPlanSummary] {
        try db.read { db in
            try Row.fetchAll(db, sql: """
                SELECT p.*, (SELECT count(*) FROM retention_plan_items WHERE plan_id = p.id AND state = 'expired') AS expired,
                            (SELECT count(*) FROM retention_plan_items WHERE plan_id = p.id AND state = 'held') AS held
                FROM retention_plans p ORDER BY p.id DESC LIMIT ?
                """, arguments: [limit]).map {
                RetentionPlanSummary(id: $0["id"], madeAt: $0["made_at"], madeBy: Author(uid: UInt32($0["made_uid"] as Int64), name: $0["made_name"]),
                                        day: $0["day"], appliedAt: $0["applied_at"], expired: $0["expired"], held: $0["held"])
            }
        }
    }

    public func retentionPlan(_ id: Int64) throws -> RetentionPlan? {
        try db.read { db in
            guard let plan = try Row.fetchOne(db, sql: "SELECT * FROM retention_plans WHERE id = ?", arguments: [id]) else { return nil }
            let periods = (try? IndexJSON.decoder.decode([String: Int].self, from: Data((plan["policy"] as String).utf8))) ?? [:]
            var expired: [RetentionEntry] = [], held: [RetentionEntry] = []
            for row in try Row.fetchAll(db, sql: """
                SELECT r.*, i.sha256, i.size, i.recorded_at FROM retention_plan_items r JOIN items i ON i.id = r.item_id
                WHERE r.plan_id = ? ORDER BY i.recorded_at, i.id
                """, arguments: [id]) {
                let entry = RetentionEntry(item: row["item_id"], sha256: row["sha256"], size: row["size"], category: row["category"],
                                              recordedAt: row["recorded_at"], expiresAt: row["expires_at"], reason: row["reason"])
                if (row["state"] as String) == "held" { held.append(entry) } else { expired.append(entry) }
            }
            // Bytes freed: each blob once, and only if no kept item shares it.
            let bytes = try Int64.fetchOne(db, sql: """
                SELECT coalesce(sum(size), 0) FROM blobs WHERE sha256 IN (
                    SELECT i.sha256 FROM retention_plan_items r JOIN items i ON i.id = r.item_id WHERE r.plan_id = ?1 AND r.state = 'expired')
                AND NOT EXISTS (SELECT 1 FROM items k WHERE k.sha256 = blobs.sha256 AND k.deleted_at IS NULL
                                AND k.id NOT IN (SELECT item_id FROM retention_plan_items WHERE plan_id = ?1 AND state = 'expired'))
                """, arguments: [id]) ?? 0
            return RetentionPlan(id: id, madeAt: plan["made_at"], madeBy: Author(uid: UInt32(plan["made_uid"] as Int64), name: plan["made_name"]),
                                    day: plan["day"], appliedAt: plan["applied_at"], periods: periods, expired: expired, held: held, bytes: bytes)
        }
    }

    public func applyRetentionPlan(_ id: Int64, periods: [String: Int], actor: Caller) throws -> RetentionResult {
        let (result, doomed): (RetentionResult, [String]) = try db.write { db in
            guard let plan = try Row.fetchOne(db, sql: "SELECT * FROM retention_plans WHERE id = ?", arguments: [id]) else {
                throw RegistryError(.notFound, "no retention plan \(id) (custodyctl retention plan makes one)")
            }
            if let applied = plan["applied_at"] as String? {
                throw RegistryError(.conflict, "retention plan \(id) was already applied at \(applied); make a new plan")
            }
            let time = clock.now()
            let today = stationDay(time)
            guard (plan["day"] as String) == today else {
                throw RegistryError(.conflict, "retention plan \(id) was made on \(plan["day"] as String); deletion needs a plan made today (\(today)): run custodyctl retention plan")
            }
            // Still expired and still not held, now: the plan may be hours old.
            let current = Dictionary(try retentionCandidates(db, periods: periods, at: time).map { ($0.0.item, $0) }) { a, _ in a }
            var deleted: [Int64] = [], kept: [RetentionEntry] = []
            var shas = Set<String>()
            for row in try Row.fetchAll(db, sql: """
                SELECT r.item_id, r.category, r.expires_at, r.reason, i.sha256, i.size, i.recorded_at, i.category AS now_category, i.deleted_at
                FROM retention_plan_items r JOIN items i ON i.id = r.item_id WHERE r.plan_id = ? AND r.state = 'expired' ORDER BY r.item_id
                """, arguments: [id]) {
                let itemID: Int64 = row["item_id"]
                var entry = RetentionEntry(item: itemID, sha256: row["sha256"], size: row["size"], category: row["category"],
                                              recordedAt: row["recorded_at"], expiresAt: row["expires_at"], reason: row["reason"])
                if row["deleted_at"] as String? != nil { continue }
                guard let now = current[itemID], !now.held else {
                    let nowCategory: String = row["now_category"]
                    entry.reason = current[itemID]?.0.reason
                        ?? (nowCategory != entry.category ? "kept: its category is now \(nowCategory)" : "kept: no longer expired under the periods in force")
                    kept.append(entry)
                    continue
                }
                try db.execute(sql: "UPDATE items SET deleted_at = ? WHERE id = ?", arguments: [RFC3339.format(time), itemID])
                // The tombstone: the item's record and hashes stay, this says its bytes are gone and why.
                try insertEvent(db, EventInput(actor: actor, action: "item.delete", subject: "item:\(itemID)", detail: [
                    "plan": .number(Double(id)), "sha256": .string(entry.sha256), "size": .number(Double(entry.size)),
                    "category": .string(entry.category), "reason": .string(now.0.reason),
                ]))
                deleted.append(itemID)
                shas.insert(entry.sha256)
            }
            // A blob goes only when every item naming it is deleted (the same bytes may be another, kept item).
            var doomed: [String] = []
            var freed: Int64 = 0
            for sha in shas.sorted() where try Bool.fetchOne(db, sql: "SELECT 1 FROM items WHERE sha256 = ? AND deleted_at IS NULL LIMIT 1",
                                                               arguments: [sha]) != true {
                try db.execute(sql: "UPDATE blobs SET deleted_at = ? WHERE sha256 = ?", arguments: [RFC3339.format(time), sha])
                freed += try Int64.fetchOne(db, sql: "SELECT size FROM blobs WHERE sha256 = ?", arguments: [sha]) ?? 0
                doomed.append(sha)
            }
            try db.execute(sql: "UPDATE retention_plans SET applied_at = ? WHERE id = ?", arguments: [RFC3339.format(time), id])
            try insertEvent(db, EventInput(actor: actor, action: "retention.apply", subject: "retention:\(id)", detail: [
                "deleted": .number(Double(deleted.count)), "kept": .number(Double(kept.count)),
                "blobsDeleted": .number(Double(doomed.count)), "bytesFreed": .number(Double(freed)),
            ]))
            return (RetentionResult(plan: id, deleted: deleted, kept: kept, blobsDeleted: doomed.count, bytesFreed: freed), doomed)
        }
        // The index says they are gone before the files go: a crash in between leaves
        // files recovery removes, never an item pointing at a missing blob.
        try removeDeletedBlobs(doomed)
        return result
    }

    /// Blobs marked deleted whose files are still there (a crash after the index
    /// committed a retention apply): removed at start.
    func removeLeftoverDeletedBlobs() throws -> Int {
        let shas = try db.read { db in try String.fetchAll(db, sql: "SELECT sha256 FROM blobs WHERE deleted_at IS NOT NULL") }
        let present = shas.filter { blobStore.contains($0) }
        try removeDeletedBlobs(present)
        return present.count
    }
}
