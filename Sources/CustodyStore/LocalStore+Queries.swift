import CustodyCore
import CustodyModel
import Foundation
import GRDB

extension LocalStore {
    public func totals() throws -> StoreTotals {
        try db.read { db in
            let items = try Int64.fetchOne(db, sql: "SELECT count(*) FROM items") ?? 0
            let row = try Row.fetchOne(db, sql: "SELECT count(*) AS n, coalesce(sum(size), 0) AS bytes FROM blobs")!
            return StoreTotals(items: items, blobs: row["n"], bytesStored: row["bytes"])
        }
    }

    // MARK: Jobs

    public func job(_ id: Int64, withFiles: Bool) throws -> Job? {
        try db.read { db in
            guard let row = try Row.fetchOne(db, sql: "SELECT * FROM jobs WHERE id = ?", arguments: [id]) else { return nil }
            return try jobRecord(db, row, withFiles: withFiles)
        }
    }

    public func jobs(limit: Int) throws -> [Job] {
        try db.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM jobs ORDER BY id DESC LIMIT ?", arguments: [limit]).map {
                try jobRecord(db, $0, withFiles: false)
            }
        }
    }

    private func jobRecord(_ db: Database, _ row: Row, withFiles: Bool) throws -> Job {
        let id: Int64 = row["id"]
        let errors = try Row.fetchAll(db, sql: "SELECT path, message FROM job_files WHERE job_id = ? AND state = 'failed' ORDER BY path",
                                      arguments: [id]).map { FailedFile(path: $0["path"], message: $0["message"] ?? "") }
        let total: Int64 = row["total_files"], stored: Int64 = row["stored"], dups: Int64 = row["duplicates"], failed: Int64 = row["failed"]
        let pending = try Int64.fetchOne(db, sql: "SELECT count(*) FROM job_files WHERE job_id = ? AND state = 'pending'", arguments: [id]) ?? 0
        var files: [JobFile]?
        if withFiles {
            files = try Row.fetchAll(db, sql: "SELECT * FROM job_files WHERE job_id = ? ORDER BY path", arguments: [id]).map {
                JobFile(path: $0["path"], size: $0["size"], state: JobFileState(rawValue: $0["state"]) ?? .pending,
                           itemId: $0["item_id"], sha256: $0["sha256"], message: $0["message"])
            }
        }
        return Job(id: id, state: JobState(rawValue: row["state"]) ?? .failed, root: row["root"], device: row["device_serial"],
                      requestedBy: Requester(uid: UInt32(row["requested_uid"] as Int64), name: row["requested_name"],
                                             roles: (row["requested_roles"] as String).split(separator: ",").map(String.init)),
                      createdAt: row["created_at"], finishedAt: row["finished_at"], totalFiles: max(total, stored + dups + failed + pending),
                      stored: stored, duplicates: dups, failed: failed, pending: pending, bytesStored: row["bytes_stored"],
                      errors: errors, files: files, message: row["message"])
    }

    // MARK: Items

    public func item(_ id: Int64) throws -> Item? {
        try db.read { db in
            try Row.fetchOne(db, sql: "\(Self.itemSelect) WHERE items.id = ?", arguments: [id]).map(itemRecord)
        }
    }

    public func items(_ q: ItemQuery) throws -> ItemPage {
        var clauses: [String] = []
        var args: [any DatabaseValueConvertible] = []
        func equal(_ column: String, _ value: String?) {
            if let value { clauses.append("items.\(column) = ?"); args.append(value) }
        }
        equal("officer", q.officer)
        equal("hearing", q.hearing)
        equal("case_number", q.caseNumber)
        equal("category", q.category)
        equal("device_serial", q.device)
        equal("courtroom", q.courtroom)
        equal("sha256", q.sha256)
        if let job = q.jobID { clauses.append("items.job_id = ?"); args.append(job) }
        if let from = q.from { clauses.append("items.recorded_at >= ?"); args.append(RFC3339.format(from)) }
        if let to = q.to { clauses.append("items.recorded_at < ?"); args.append(RFC3339.format(to)) }
        // The full-text condition on its own, when there is one: counted in the index alone.
        var fullText: (condition: String, args: [any DatabaseValueConvertible])?
        if let text = q.text?.trimmingCharacters(in: .whitespaces), !text.isEmpty {
            if text.count >= 3 {
                // Trigram full-text search: any substring of path, tags, officer's name or notes, case-insensitive.
                fullText = ("items_fts MATCH ?", ["\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""])
            } else {
                // Too short for trigrams: the same columns, by LIKE.
                let like = "%" + text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "%", with: "\\%")
                    .replacingOccurrences(of: "_", with: "\\_") + "%"
                fullText = (Self.textColumns.map { "items_fts.\($0) LIKE ? ESCAPE '\\'" }.joined(separator: " OR "),
                            Array(repeating: like, count: Self.textColumns.count))
            }
            clauses.append("items.id IN (SELECT rowid FROM items_fts WHERE \(fullText!.condition))")
            args += fullText!.args
        }
        let whereSQL = clauses.isEmpty ? "" : " WHERE " + clauses.joined(separator: " AND ")
        // items_fts has one row per item (its rowid is the item's id): text alone is counted there.
        let countSQL = if let fullText, clauses.count == 1 {
            "SELECT count(*) FROM items_fts WHERE \(fullText.condition)"
        } else {
            "SELECT count(*) FROM items\(whereSQL)"
        }
        return try db.read { db in
            let total = try Int64.fetchOne(db, sql: countSQL, arguments: StatementArguments(args)) ?? 0
            let rows = try Row.fetchAll(db, sql: "\(Self.itemSelect)\(whereSQL) ORDER BY items.recorded_at, items.id LIMIT ? OFFSET ?",
                                        arguments: StatementArguments(args + [q.limit, q.offset]))
            return ItemPage(items: rows.map(itemRecord), total: total, limit: q.limit, offset: q.offset)
        }
    }

    /// The columns `--text` searches (those items_fts holds).
    static let textColumns = ["source_path", "media_type", "officer", "officer_name", "hearing", "case_number", "category",
                              "courtroom", "device", "notes"]

    /// The columns ``itemRecord(_:)`` reads, in its order: it reads them by position (a
    /// page is up to thousands of rows, and a name lookup per column per row adds up).
    static let itemSelect = """
        SELECT items.id, items.sha256, items.size, items.media_type, items.container, items.recorded_at,
               items.recorded_at_source, items.utc_offset_seconds, items.duration_seconds, items.ingested_at,
               sources.device_serial, items.source_path, sources.root, items.officer, items.hearing, items.case_number,
               items.category, items.courtroom, items.job_id, items.metadata_problems, items.file_modified_at,
               items.clock_offset_seconds, items.corrected_at, items.notes, items.deleted_at
        FROM items JOIN sources ON sources.id = items.source_id
        """

    /// A JSON array of strings as stored in a text column (`[]` for none, the common case).
    static func strings(_ json: String?) -> [String]? {
        guard let json else { return nil }
        if json == "[]" { return [] }
        guard case .array(let values)? = try? JSONValue.parse(json) else { return nil }
        return values.compactMap(\.stringValue)
    }

    /// A row of ``itemSelect`` as the protocol shows it.
    private func itemRecord(_ row: Row) -> Item {
        let clockOffset: Int? = row[21]
        return Item(id: row[0], sha256: row[1], size: row[2], mediaType: row[3], container: row[4], recordedAt: row[5],
                       recordedAtSource: row[6], utcOffsetSeconds: row[7], durationSeconds: row[8], ingestedAt: row[9],
                       source: ItemSource(device: row[10], path: row[11], root: row[12]),
                       tags: ItemTags(officer: row[13], hearing: row[14], case: row[15], category: row[16], courtroom: row[17]),
                       jobId: row[18], metadataProblems: Self.strings(row[19]) ?? [], fileModifiedAt: row[20],
                       clockOffsetSeconds: clockOffset, correctedRecordedAt: clockOffset == nil ? nil : row[22],
                       notes: Self.strings(row[23]), deletedAt: row[24],
                       recordedAtImplausible: RecordingTimePlausibility.problem(storedRecorded: row[5], ingested: row[9]))
    }

    // MARK: Events

    public func events(_ q: EventQuery) throws -> [CustodyEvent] {
        var clauses = ["seq > ?"]
        var args: [any DatabaseValueConvertible] = [q.afterSeq]
        if let subject = q.subject { clauses.append("subject = ?"); args.append(subject) }
        if let item = q.itemID {
            // The item's own events and its job's (creation, start, finish), but not the
            // failures of the job's other files: a `file.fail` names its file's path, and
            // only one naming this item's path is part of its record.
            clauses.append("""
                (subject = ? OR (subject = (SELECT 'job:' || job_id FROM items WHERE id = ?)
                                 AND (action <> 'file.fail' OR json_extract(detail, '$.path') = (SELECT source_path FROM items WHERE id = ?))))
                """)
            args += ["item:\(item)", item, item]
        }
        let sql = "SELECT \(Self.eventColumns) FROM events WHERE \(clauses.joined(separator: " AND ")) ORDER BY seq LIMIT ?"
        return try db.read { db in
            try Row.fetchAll(db, sql: sql, arguments: StatementArguments(args + [q.limit])).map { Self.eventRecord(positional: $0) }
        }
    }

    /// The columns ``eventRecord(positional:)`` reads, in its order.
    static let eventColumns = "seq, time, actor_uid, actor_name, action, subject, outcome, detail"

    /// An events row selected as ``eventColumns``, read by position (verification reads millions).
    static func eventRecord(positional row: Row) -> CustodyEvent {
        var detail: [String: JSONValue] = [:]
        if case .object(let members)? = try? JSONValue.parse(row[7] as String) { detail = members }
        return CustodyEvent(seq: row[0], time: row[1], actor: Author(uid: UInt32(row[2] as Int64), name: row[3]),
                        action: row[4], subject: row[5], outcome: row[6], detail: detail)
    }

    /// An events row as the protocol shows it.
    static func eventRecord(_ row: Row) -> CustodyEvent {
        var detail: [String: JSONValue] = [:]
        if case .object(let members)? = try? JSONValue.parse(row["detail"] as String) { detail = members }
        return CustodyEvent(seq: row["seq"], time: row["time"], actor: Author(uid: UInt32(row["actor_uid"] as Int64), name: row["actor_name"]),
                        action: row["action"], subject: row["subject"], outcome: row["outcome"], detail: detail)
    }
}
