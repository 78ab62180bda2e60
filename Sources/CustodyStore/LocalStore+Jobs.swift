import CustodyCore
import CustodyModel
import CustodyTagging
import Foundation
import GRDB

extension LocalStore {
    public func createJob(_ plan: JobPlan, caller: Caller) throws -> JobContext {
        // The job's root and paths are kept in index text columns: none may hold a NUL.
        try EventTextError.check(plan.root, field: "root", action: "job.create")
        for file in plan.files { try EventTextError.check(file.path, field: "path", action: "job.create") }
        return try db.write { db in
            let key = plan.sourceKey ?? plan.deviceSerial.map { "device:\($0):\(plan.root)" } ?? "path:\(plan.root)"
            try db.execute(sql: """
                INSERT INTO sources (kind, key, root, device_serial, created_at) VALUES (?, ?, ?, ?, ?)
                ON CONFLICT(key) DO NOTHING
                """, arguments: [plan.deviceSerial == nil ? "path" : "device", key, plan.root, plan.deviceSerial, now])
            let sourceID = try Int64.fetchOne(db, sql: "SELECT id FROM sources WHERE key = ?", arguments: [key])!
            try db.execute(sql: """
                INSERT INTO jobs (source_id, root, device_serial, state, requested_uid, requested_name, requested_roles, created_at, total_files,
                                  medium, root_device, root_inode, driver, location)
                VALUES (?, ?, ?, 'queued', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """, arguments: [sourceID, plan.root, plan.deviceSerial, Int64(caller.uid), caller.name,
                                 caller.roles.sorted().map(\.rawValue).joined(separator: ","), now, plan.files.count, plan.medium,
                                 plan.rootIdentity.map { Int64(bitPattern: $0.device) }, plan.rootIdentity.map { Int64(bitPattern: $0.inode) },
                                 plan.address?.driver, plan.address?.location])
            let jobID = db.lastInsertedRowID
            var detail: [String: JSONValue] = ["root": .string(plan.root), "files": .number(Double(plan.files.count)),
                                               "device": plan.deviceSerial.map { .string($0) } ?? .null]
            if !plan.notes.isEmpty { detail["source"] = .object(plan.notes) }
            try insertEvent(db, EventInput(actor: caller, action: "job.create", subject: "job:\(jobID)", detail: detail))
            let insert = try db.makeStatement(sql: """
                INSERT OR IGNORE INTO job_files (job_id, path, size, modified_at, state, message) VALUES (?, ?, ?, ?, ?, ?)
                """)
            var failedAtScan: Int64 = 0
            for f in plan.files {
                // Entries that cannot be read at all (a symbolic link, an unreadable
                // directory) fail here, with their reason, and are never copied.
                try insert.execute(arguments: [jobID, f.path, f.size, f.modifiedAt.map(RFC3339.format),
                                               f.failure == nil ? "pending" : "failed", f.failure])
                if let failure = f.failure {
                    failedAtScan += 1
                    try insertEvent(db, EventInput(actor: caller, action: "file.fail", subject: "job:\(jobID)", outcome: "error",
                                                   detail: ["path": .string(f.path), "message": .string(failure)]))
                }
            }
            try db.execute(sql: "UPDATE jobs SET failed = ? WHERE id = ?", arguments: [failedAtScan, jobID])
            return JobContext(jobID: jobID, sourceID: sourceID, root: plan.root, deviceSerial: plan.deviceSerial, requester: caller,
                              medium: plan.medium, rootIdentity: plan.rootIdentity, address: plan.address)
        }
    }

    public func jobContext(_ id: Int64) throws -> JobContext? {
        try db.read { db in
            guard let row = try Row.fetchOne(db, sql: """
                SELECT source_id, root, device_serial, requested_uid, requested_name, medium, root_device, root_inode, driver, location
                FROM jobs WHERE id = ?
                """, arguments: [id]) else { return nil }
            let uid = UInt32(row["requested_uid"] as Int64)
            var identity: FileIdentity?
            if let device = row["root_device"] as Int64?, let inode = row["root_inode"] as Int64? {
                identity = FileIdentity(device: UInt64(bitPattern: device), inode: UInt64(bitPattern: inode))
            }
            var address: SourceAddress?
            if let driver = row["driver"] as String?, let location = row["location"] as String? {
                address = SourceAddress(driver: driver, location: location)
            }
            return JobContext(jobID: id, sourceID: row["source_id"], root: row["root"], deviceSerial: row["device_serial"],
                              requester: Caller(uid: uid, gid: 0, name: row["requested_name"], roles: []), medium: row["medium"],
                              rootIdentity: identity, address: address)
        }
    }

    public func relocateJob(_ id: Int64, root: String, location: String?, actor: Caller) throws {
        try db.write { db in
            guard let before = try String.fetchOne(db, sql: "SELECT root FROM jobs WHERE id = ?", arguments: [id]) else {
                throw StoreError(.notFound, "no job \(id)")
            }
            guard before != root else { return }
            try db.execute(sql: "UPDATE jobs SET root = ?, location = coalesce(?, location) WHERE id = ?", arguments: [root, location, id])
            try insertEvent(db, EventInput(actor: actor, action: "job.relocate", subject: "job:\(id)",
                                           detail: ["from": .string(before), "to": .string(root)]))
        }
    }

    public func pendingFiles(job: Int64) throws -> [PlannedFile] {
        try db.read { db in
            try Row.fetchAll(db, sql: "SELECT path, size, modified_at FROM job_files WHERE job_id = ? AND state = 'pending' ORDER BY path",
                             arguments: [job]).map { row in
                PlannedFile(path: row["path"], size: row["size"], modifiedAt: (row["modified_at"] as String?).flatMap(RFC3339.parse))
            }
        }
    }

    /// The source's files already stored, by path: items whose blob retention deleted
    /// are not known (the same file taken in again is stored again, as a new item).
    public func knownFiles(sourceID: Int64) throws -> [String: KnownFile] {
        try db.read { db in
            var known: [String: KnownFile] = [:]
            let rows = try Row.fetchCursor(db, sql: """
                SELECT id, sha256, size, file_modified_at, source_path FROM items WHERE source_id = ? AND deleted_at IS NULL ORDER BY id
                """, arguments: [sourceID])
            while let row = try rows.next() {
                known[row["source_path"]] = KnownFile(itemID: row["id"], sha256: row["sha256"], size: row["size"],
                                                      modifiedAt: row["file_modified_at"])
            }
            return known
        }
    }

    public func commit(_ outcomes: [FileOutcome], job: JobContext) throws {
        guard !outcomes.isEmpty else { return }
        try db.write { db in
            let ingestedInstant = clock.now()
            let ingestedAt = RFC3339.format(ingestedInstant)
            let encoder = IndexJSON.encoder()
            // Prepared once per connection and reused: a batch is thousands of statements.
            func run(_ sql: String, _ arguments: StatementArguments) throws {
                try db.cachedStatement(sql: sql).execute(arguments: arguments)
            }
            func event(_ e: EventInput) throws { try insertEvent(db, e, encoder: encoder, time: ingestedAt) }
            func markFile(_ o: FileOutcome, state: String, itemID: Int64?, sha: String?, message: String?) throws {
                // A file found during the run (not in the manifest) is added; a known one is updated.
                try run("""
                    INSERT INTO job_files (job_id, path, size, state, item_id, sha256, message) VALUES (?, ?, ?, ?, ?, ?, ?)
                    ON CONFLICT(job_id, path) DO UPDATE SET state = excluded.state, item_id = excluded.item_id,
                        sha256 = excluded.sha256, message = excluded.message
                    """, [job.jobID, o.path, o.size, state, itemID, sha, message])
            }
            var stored: Int64 = 0, duplicates: Int64 = 0, failed: Int64 = 0, bytes: Int64 = 0
            let clockOffset = try self.clockOffset(db, job: job)
            // Tagged from the recording's own time, corrected by the device's clock
            // offset, as the index holds it (to the millisecond).
            func correctedText(_ f: StoredFileFacts) -> String {
                RFC3339.format(Tagger.correctedTime(f.recordedAt, clockOffsetSeconds: clockOffset))
            }
            let times = outcomes.compactMap { o -> Date? in
                if case .stored(let f) = o.result { LocalStore.storedTime(correctedText(f)) } else { nil }
            }
            let registry = try registryView(db, devices: Set(job.deviceSerial.map { [$0] } ?? []), at: times)
            for o in outcomes {
                // The path is kept in index text columns beside the event: it may hold no NUL.
                try EventTextError.check(o.path, field: "path", action: "item.store")
                switch o.result {
                case .stored(let f):
                    // A blob retention had deleted is stored again: it exists once more.
                    try run("""
                        INSERT INTO blobs (sha256, size, stored_at) VALUES (?, ?, ?) ON CONFLICT(sha256) DO UPDATE SET deleted_at = NULL
                        WHERE deleted_at IS NOT NULL
                        """, [f.sha256, f.size, ingestedAt])
                    if let existing = try Int64.fetchOne(db.cachedStatement(sql: """
                        SELECT id FROM items WHERE source_id = ? AND source_path = ? AND sha256 = ? AND deleted_at IS NULL
                        """), arguments: [job.sourceID, o.path, f.sha256]) {
                        // Same file, same source, same bytes (its mtime changed): not a new item.
                        try markFile(o, state: "duplicate", itemID: existing, sha: f.sha256, message: nil)
                        try event(EventInput(actor: job.requester, action: "item.duplicate", subject: "item:\(existing)",
                                                       detail: ["job": .number(Double(job.jobID)), "path": .string(o.path)]))
                        duplicates += 1
                        continue
                    }
                    let problems = String(decoding: try encoder.encode(f.metadataProblems), as: UTF8.self)
                    let correctedAt = correctedText(f)
                    let tagging = tagger.tags(of: RecordingFacts(device: job.deviceSerial, time: LocalStore.storedTime(correctedAt)), in: registry)
                    let tags = tagging.tags
                    try run("""
                        INSERT INTO items (sha256, size, media_type, container, recorded_at, recorded_at_source, utc_offset_seconds,
                                           duration_seconds, metadata_problems, ingested_at, source_id, source_path, file_modified_at, job_id,
                                           device_serial, officer, courtroom, hearing, case_number, category, clock_offset_seconds, corrected_at)
                        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                        """, [f.sha256, f.size, f.mediaType, f.container, RFC3339.format(f.recordedAt), f.recordedAtSource,
                                         f.utcOffsetSeconds, f.durationSeconds, problems, ingestedAt, job.sourceID, o.path,
                                         f.fileModifiedAt.map(RFC3339.format), job.jobID, job.deviceSerial, tags.officer,
                                         tags.courtroom, tags.hearing, tags.case, tags.category, clockOffset, correctedAt])
                    let itemID = db.lastInsertedRowID
                    try markFile(o, state: "stored", itemID: itemID, sha: f.sha256, message: nil)
                    var detail: [String: JSONValue] = [
                        "job": .number(Double(job.jobID)), "path": .string(o.path), "root": .string(job.root),
                        "sha256": .string(f.sha256), "size": .number(Double(f.size)), "verified": .bool(true),
                    ]
                    if let serial = job.deviceSerial { detail["device"] = .string(serial) }
                    if !f.sourceNotes.isEmpty { detail["source"] = .object(f.sourceNotes) }
                    // A recording time the device's clock cannot have been right about is noted in the record.
                    if let why = RecordingTimePlausibility.problem(recorded: f.recordedAt, ingested: ingestedInstant) {
                        detail["recordedAtImplausible"] = .string(why)
                    }
                    detail.merge(Self.tagDetail(tagging, offset: clockOffset)) { mine, _ in mine }
                    try event(EventInput(actor: job.requester, action: "item.store", subject: "item:\(itemID)", detail: detail))
                    stored += 1
                    bytes += f.size
                case .duplicate(let itemID, let sha):
                    // Retention deleted the earlier copy after this job listed it: nothing of
                    // these bytes is kept, so the file is not a duplicate; it fails, saying why.
                    if let deleted = try String.fetchOne(db.cachedStatement(sql: "SELECT deleted_at FROM items WHERE id = ?"),
                                                         arguments: [itemID]) {
                        let message = "its earlier copy, item \(itemID), was deleted by retention at \(deleted) while this job ran; ingest it again to store it"
                        try markFile(o, state: "failed", itemID: nil, sha: nil, message: message)
                        try event(EventInput(actor: job.requester, action: "file.fail", subject: "job:\(job.jobID)", outcome: "error",
                                             detail: ["path": .string(o.path), "message": .string(message)]))
                        failed += 1
                        continue
                    }
                    try markFile(o, state: "duplicate", itemID: itemID, sha: sha, message: nil)
                    try event(EventInput(actor: job.requester, action: "item.duplicate", subject: "item:\(itemID)",
                                                   detail: ["job": .number(Double(job.jobID)), "path": .string(o.path)]))
                    duplicates += 1
                case .failed(let message):
                    try markFile(o, state: "failed", itemID: nil, sha: nil, message: message)
                    try event(EventInput(actor: job.requester, action: "file.fail", subject: "job:\(job.jobID)", outcome: "error",
                                                   detail: ["path": .string(o.path), "message": .string(message)]))
                    failed += 1
                }
            }
            try run("""
                UPDATE jobs SET stored = stored + ?, duplicates = duplicates + ?, failed = failed + ?, bytes_stored = bytes_stored + ?
                WHERE id = ?
                """, [stored, duplicates, failed, bytes, job.jobID])
        }
    }

    public func setJobState(_ id: Int64, _ state: JobState, message: String?, actor: Caller) throws {
        try db.write { db in
            let final: Bool = [.completed, .completedWithErrors, .failed, .interrupted].contains(state)
            try db.execute(sql: "UPDATE jobs SET state = ?, message = ?, finished_at = ? WHERE id = ?",
                           arguments: [state.rawValue, message, final ? now : nil, id])
            let counts = try Row.fetchOne(db, sql: "SELECT total_files, stored, duplicates, failed FROM jobs WHERE id = ?", arguments: [id])
            var detail: [String: JSONValue] = ["state": .string(state.rawValue)]
            if let message { detail["message"] = .string(message) }
            if let counts {
                for key in ["total_files", "stored", "duplicates", "failed"] { detail[key] = .number(Double(counts[key] as Int64)) }
            }
            let action = switch state {
            case .running: "job.start"
            case .interrupted: "job.interrupt"
            case .queued: "job.queue"
            default: "job.finish"
            }
            let outcome = (state == .completed || state == .running || state == .queued) ? "ok" : "error"
            try insertEvent(db, EventInput(actor: actor, action: action, subject: "job:\(id)", outcome: outcome, detail: detail))
        }
    }

    public func jobIDs(in states: [JobState]) throws -> [Int64] {
        try db.read { db in
            let marks = states.map { _ in "?" }.joined(separator: ",")
            return try Int64.fetchAll(db, sql: "SELECT id FROM jobs WHERE state IN (\(marks)) ORDER BY id",
                                      arguments: StatementArguments(states.map(\.rawValue)))
        }
    }
}
