import CustodyCore
import CustodyModel
import Foundation
import GRDB

/// The tags the registry gives a recording made by `device` at a (corrected) time.
struct AutoTags: Sendable, Equatable {
    var officer: String?
    var assignment: Int64?
    var courtroom: String?
    var hearing: String?
    var caseNumber: String?

    /// The item columns these tags fill, by the name a person's tag uses.
    var byField: [String: String?] {
        ["officer": officer, "courtroom": courtroom, "hearing": hearing, "case": caseNumber]
    }
}

/// Tag fields and their item columns.
let tagColumns: [String: String] = ["officer": "officer", "courtroom": "courtroom", "hearing": "hearing", "case": "case_number",
                                    "category": "category"]

extension LocalStore {
    /// How long before its job a clock check still applies to a device's recordings.
    static let clockCheckValidity: TimeInterval = 24 * 3600

    /// The tags of a recording by `device` at `time` (RFC 3339 UTC): the officer the
    /// device was assigned to then; for a recorder installed in a courtroom, that
    /// courtroom and the hearing in session there, with its case.
    func autoTags(_ db: Database, device: String?, at time: String) throws -> AutoTags {
        guard let device else { return AutoTags() }
        var tags = AutoTags()
        if let row = try Row.fetchOne(db.cachedStatement(sql: """
            SELECT id, badge FROM assignments WHERE device_serial = ? AND starts_at <= ? AND (ends_at IS NULL OR ends_at > ?)
            ORDER BY starts_at DESC LIMIT 1
            """), arguments: [device, time, time]) {
            tags.officer = row["badge"]
            tags.assignment = row["id"]
        }
        tags.courtroom = try String.fetchOne(db.cachedStatement(sql: "SELECT courtroom FROM devices WHERE serial = ?"), arguments: [device])
        if let room = tags.courtroom, let row = try Row.fetchOne(db.cachedStatement(sql: """
            SELECT id, case_number FROM hearings
            WHERE courtroom = ? AND coalesce(actual_start, scheduled_start) <= ? AND coalesce(actual_end, scheduled_end) > ?
            ORDER BY coalesce(actual_start, scheduled_start) DESC LIMIT 1
            """), arguments: [room, time, time]) {
            tags.hearing = row["id"]
            tags.caseNumber = row["case_number"]
        }
        return tags
    }

    /// The device's clock offset to apply to a job's recordings: the newest clock
    /// check of the device made at most a day before the job was created (at its
    /// dock, or by an operator at the card reader), or during the job.
    func clockOffset(_ db: Database, job: JobContext) throws -> Int? {
        guard let device = job.deviceSerial,
              let created = try String.fetchOne(db, sql: "SELECT created_at FROM jobs WHERE id = ?", arguments: [job.jobID]),
              let createdAt = RFC3339.parse(created) else { return nil }
        return try Int.fetchOne(db, sql: """
            SELECT offset_seconds FROM clock_checks WHERE device_serial = ? AND checked_at >= ? ORDER BY checked_at DESC, id DESC LIMIT 1
            """, arguments: [device, RFC3339.format(createdAt.addingTimeInterval(-Self.clockCheckValidity))])
    }

    /// Event detail members describing a new item's automatic tags.
    static func tagDetail(_ tags: AutoTags, offset: Int?) -> [String: JSONValue] {
        var detail: [String: JSONValue] = ["category": .string("unclassified")]
        if let o = tags.officer { detail["officer"] = .string(o) }
        if let a = tags.assignment { detail["assignment"] = .number(Double(a)) }
        if let c = tags.courtroom { detail["courtroom"] = .string(c) }
        if let h = tags.hearing { detail["hearing"] = .string(h) }
        if let c = tags.caseNumber { detail["case"] = .string(c) }
        if let offset { detail["clockOffsetSeconds"] = .number(Double(offset)) }
        return detail
    }

    /// Evaluates the automatic tags of these items again after a registry change;
    /// each item whose tags change gets an `item.tag` event (by: auto) naming the old
    /// and new values. Tags a person set are left alone. Returns how many changed.
    func retag(_ db: Database, items: some Collection<Int64>, actor: Caller, reason: String) throws -> Int {
        var changed = 0
        for id in items.sorted() {
            guard let row = try Row.fetchOne(db.cachedStatement(sql: """
                SELECT device_serial, coalesce(corrected_at, recorded_at) AS t, officer, courtroom, hearing, case_number, manual_tags
                FROM items WHERE id = ?
                """), arguments: [id]) else { continue }
            let manual = Set((row["manual_tags"] as String).split(separator: ",").map(String.init))
            let tags = try autoTags(db, device: row["device_serial"], at: row["t"])
            var detail: [String: JSONValue] = [:]
            var sets: [String] = []
            var args: [any DatabaseValueConvertible] = []
            for (field, value) in tags.byField.sorted(by: { $0.key < $1.key }) where !manual.contains(field) {
                let column = tagColumns[field]!
                let old: String? = row[column]
                guard old != value else { continue }
                sets.append("\(column) = ?")
                args.append(value)
                detail[field] = jsonValue(value)
                detail[field + ".was"] = jsonValue(old)
            }
            guard !sets.isEmpty else { continue }
            try db.execute(sql: "UPDATE items SET \(sets.joined(separator: ", ")) WHERE id = ?", arguments: StatementArguments(args + [id]))
            detail["by"] = .string("auto")
            detail["reason"] = .string(reason)
            if let a = tags.assignment { detail["assignment"] = .number(Double(a)) }
            try insertEvent(db, EventInput(actor: actor, action: "item.tag", subject: "item:\(id)", detail: detail))
            changed += 1
        }
        return changed
    }

    // MARK: A person's tags

    public func tag(_ request: TagChange, categories: Set<String>, actor: Caller) throws -> Item {
        let note = request.note?.trimmingCharacters(in: .whitespacesAndNewlines)
        guard request.officer != nil || request.hearing != nil || request.case != nil || request.category != nil || !(note ?? "").isEmpty else {
            throw RegistryError(.badRequest, "nothing to tag: give an officer, hearing, case, category or note")
        }
        if let note, note.count > 4000 { throw RegistryError(.badRequest, "a note is at most 4000 characters (this one has \(note.count))") }
        if let category = request.category, !categories.contains(category) {
            throw RegistryError(.notFound, "no category \"\(category)\" (configured: \(categories.sorted().joined(separator: ", ")))")
        }
        try db.write { db in
            guard let row = try Row.fetchOne(db, sql: "SELECT officer, courtroom, hearing, case_number, category, notes, manual_tags FROM items WHERE id = ?",
                                             arguments: [request.item]) else {
                throw RegistryError(.notFound, "no item \(request.item)")
            }
            func given(_ s: String?) -> String?? { s.map { $0.isEmpty ? nil : $0 } }
            var wanted: [String: String?] = [:]
            if let officer = given(request.officer) {
                if let badge = officer, try Bool.fetchOne(db, sql: "SELECT 1 FROM officers WHERE badge = ?", arguments: [badge]) != true {
                    throw RegistryError(.notFound, "no officer with badge \(badge)")
                }
                wanted["officer"] = officer
            }
            if let hearing = given(request.hearing) {
                if let id = hearing {
                    guard let h = try Row.fetchOne(db, sql: "SELECT case_number, courtroom FROM hearings WHERE id = ?", arguments: [id]) else {
                        throw RegistryError(.notFound, "no hearing \(id)")
                    }
                    // The case (and courtroom) come with the hearing unless given too.
                    if request.case == nil { wanted["case"] = .some(h["case_number"]) }
                    wanted["courtroom"] = .some(h["courtroom"])
                }
                wanted["hearing"] = hearing
            }
            if let caseNumber = given(request.case) {
                if let number = caseNumber { try ensureCase(db, number, actor: actor) }
                wanted["case"] = caseNumber
            }
            if let category = request.category { wanted["category"] = category }

            var detail: [String: JSONValue] = [:]
            var sets: [String] = []
            var args: [any DatabaseValueConvertible] = []
            var manual = Set((row["manual_tags"] as String).split(separator: ",").map(String.init))
            for (field, value) in wanted.sorted(by: { $0.key < $1.key }) {
                let column = tagColumns[field]!
                manual.insert(field)
                let old: String? = row[column]
                guard old != value else { continue }
                sets.append("\(column) = ?")
                args.append(value)
                detail[field] = jsonValue(value)
                detail[field + ".was"] = jsonValue(old)
            }
            if let note, !note.isEmpty {
                var notes = (row["notes"] as String?).flatMap { try? IndexJSON.decoder.decode([String].self, from: Data($0.utf8)) } ?? []
                notes.append(note)
                sets.append("notes = ?")
                args.append(String(decoding: try IndexJSON.encoder().encode(notes), as: UTF8.self))
                detail["note"] = .string(note)
            }
            guard !sets.isEmpty else { return }  // already so: nothing changes, no event
            sets.append("manual_tags = ?")
            args.append(manual.sorted().joined(separator: ","))
            try db.execute(sql: "UPDATE items SET \(sets.joined(separator: ", ")) WHERE id = ?",
                           arguments: StatementArguments(args + [request.item]))
            detail["by"] = .string("manual")
            try insertEvent(db, EventInput(actor: actor, action: "item.tag", subject: "item:\(request.item)", detail: detail))
        }
        return try item(request.item)!
    }
}
