import CustodyCore
import CustodyModel
import CustodyTagging
import Foundation
import GRDB

/// Tag fields and their item columns.
let tagColumns: [String: String] = ["officer": "officer", "courtroom": "courtroom", "hearing": "hearing", "case": "case_number",
                                    "category": "category"]

extension LocalStore {
    /// How far beyond the times asked about the registry view reaches. The index
    /// compares its times as text; reading a day more on either side makes the view a
    /// superset whatever form an older index wrote a time in, and leaves every decision
    /// to the Tagger, which compares instants.
    static let registryViewMargin: TimeInterval = 24 * 3600

    /// The registry as the Tagger reads it for recordings of `devices` made at `times`:
    /// those devices, their assignments and the hearings of their courtrooms that come
    /// near those times. Read in the caller's transaction.
    func registryView(_ db: Database, devices: Set<String>, at times: [Date]) throws -> RegistryView {
        var view = RegistryView()
        guard let first = times.min(), let last = times.max() else { return view }
        let from = RFC3339.format(first.addingTimeInterval(-Self.registryViewMargin))
        let to = RFC3339.format(last.addingTimeInterval(Self.registryViewMargin))
        var rooms = Set<String>()
        for serial in devices.sorted() {
            if let row = try Row.fetchOne(db.cachedStatement(sql: "SELECT courtroom FROM devices WHERE serial = ?"), arguments: [serial]) {
                let room: String? = row["courtroom"]
                view.devices[serial] = RegisteredDevice(serial: serial, courtroom: room)
                if let room { rooms.insert(room) }
            }
            view.assignments += try Row.fetchAll(db.cachedStatement(sql: """
                SELECT id, badge, kind, starts_at, ends_at FROM assignments
                WHERE device_serial = ? AND starts_at <= ? AND (ends_at IS NULL OR ends_at >= ?) ORDER BY id
                """), arguments: [serial, to, from]).map { row in
                AssignmentSpan(id: row["id"], device: serial, officer: row["badge"], kind: row["kind"],
                               span: TimeSpan(LocalStore.storedTime(row["starts_at"]), (row["ends_at"] as String?).map(LocalStore.storedTime)))
            }
        }
        for room in rooms.sorted() {
            view.hearings += try Row.fetchAll(db.cachedStatement(sql: """
                SELECT id, case_number, courtroom, judge, title, scheduled_start, scheduled_end, actual_start, actual_end FROM hearings
                WHERE courtroom = ? AND coalesce(actual_start, scheduled_start) <= ? AND coalesce(actual_end, scheduled_end) >= ? ORDER BY id
                """), arguments: [room, to, from]).map { row in
                LocalStore.sitting(LocalStore.hearingRecord(row))
            }
        }
        return view
    }

    /// The device's clock offset to apply to a job's recordings, as the Tagger chooses
    /// it from the device's clock checks.
    func clockOffset(_ db: Database, job: JobContext) throws -> Int? {
        guard let device = job.deviceSerial,
              let created = try String.fetchOne(db, sql: "SELECT created_at FROM jobs WHERE id = ?", arguments: [job.jobID]),
              let createdAt = RFC3339.parse(created) else { return nil }
        let since = RFC3339.format(createdAt.addingTimeInterval(-tagger.clockCheckValidity - Self.registryViewMargin))
        let checks = try Row.fetchAll(db, sql: """
            SELECT id, offset_seconds, checked_at FROM clock_checks WHERE device_serial = ? AND checked_at >= ? ORDER BY id
            """, arguments: [device, since]).map { row in
            ClockReading(id: row["id"], device: device, offsetSeconds: row["offset_seconds"], checkedAt: LocalStore.storedTime(row["checked_at"]))
        }
        return tagger.clockOffset(device: device, jobCreatedAt: createdAt, in: RegistryView(clockChecks: checks))
    }

    /// Event detail members describing a new item's automatic tags.
    static func tagDetail(_ tagging: Tagging, offset: Int?) -> [String: JSONValue] {
        var detail: [String: JSONValue] = ["category": .string(tagging.tags.category)]
        for field in TagField.fromRegistry {
            if let value = tagging.value(field) { detail[field.rawValue] = .string(value) }
        }
        if let a = tagging.assignment { detail["assignment"] = .number(Double(a)) }
        if let offset { detail["clockOffsetSeconds"] = .number(Double(offset)) }
        return detail
    }

    /// Evaluates the automatic tags of these items again after a registry change;
    /// each item whose tags change gets an `item.tag` event (by: auto) naming the old
    /// and new values. Tags a person set are left alone. Returns how many changed.
    func retag(_ db: Database, items: some Collection<Int64>, actor: Caller, reason: String) throws -> Int {
        var rows: [(id: Int64, row: Row, facts: RecordingFacts)] = []
        for id in items.sorted() {
            guard let row = try Row.fetchOne(db.cachedStatement(sql: """
                SELECT device_serial, coalesce(corrected_at, recorded_at) AS t, officer, courtroom, hearing, case_number, manual_tags
                FROM items WHERE id = ?
                """), arguments: [id]) else { continue }
            rows.append((id, row, RecordingFacts(device: row["device_serial"], time: LocalStore.storedTime(row["t"]))))
        }
        let view = try registryView(db, devices: Set(rows.compactMap(\.facts.device)), at: rows.map(\.facts.time))
        var changed = 0
        for (id, row, facts) in rows {
            let manual = Set((row["manual_tags"] as String).split(separator: ",").map(String.init))
            let tagging = tagger.tags(of: facts, in: view)
            var detail: [String: JSONValue] = [:]
            var sets: [String] = []
            var args: [any DatabaseValueConvertible] = []
            for field in TagField.fromRegistry where !manual.contains(field.rawValue) {
                let column = tagColumns[field.rawValue]!
                let old: String? = row[column]
                let value = tagging.value(field)
                guard old != value else { continue }
                sets.append("\(column) = ?")
                args.append(value)
                detail[field.rawValue] = jsonValue(value)
                detail[field.rawValue + ".was"] = jsonValue(old)
            }
            guard !sets.isEmpty else { continue }
            try db.execute(sql: "UPDATE items SET \(sets.joined(separator: ", ")) WHERE id = ?", arguments: StatementArguments(args + [id]))
            detail["by"] = .string("auto")
            detail["reason"] = .string(reason)
            if let a = tagging.assignment { detail["assignment"] = .number(Double(a)) }
            try insertEvent(db, EventInput(actor: actor, action: "item.tag", subject: "item:\(id)", detail: detail))
            changed += 1
        }
        return changed
    }
}
