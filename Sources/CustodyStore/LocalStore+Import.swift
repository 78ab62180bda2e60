import CustodyCore
import CustodyModel
import CustodyTagging
import Foundation
import GRDB

extension LocalStore {
    /// Writes a registry file in one transaction. Rows are checked against the index
    /// as they are written; if any is wrong the transaction is rolled back and every
    /// bad line is reported. A row equal to what is registered writes nothing, so
    /// importing the same file again adds no event.
    public func importRegistry(_ file: RegistryImport, actor: Caller) throws -> ImportReport {
        try db.write { db in
            var run = ImportRun(store: self, db: db, actor: actor, file: file)
            switch file.kind {
            case .officers: try run.officers()
            case .devices: try run.devices()
            case .courtrooms: try run.courtrooms()
            case .assignments: try run.assignments()
            case .hearings: try run.hearings()
            }
            guard run.errors.isEmpty else {
                let lines = Set(run.errors.map(\.line)).count
                throw RegistryError(.invalidImport, "\(file.name ?? "the file"): \(run.errors.count) problem\(run.errors.count == 1 ? "" : "s") on \(lines) line\(lines == 1 ? "" : "s"); nothing was imported",
                                    errors: run.errors.sorted { ($0.line, $0.field ?? "") < ($1.line, $1.field ?? "") })
            }
            var retagged = 0
            if run.created + run.updated > 0 {
                retagged = try retag(db, items: run.retag, actor: actor, reason: "import of \(file.name ?? file.kind.rawValue)")
                var detail: [String: JSONValue] = [
                    "kind": .string(file.kind.rawValue), "format": .string(file.format), "sha256": .string(file.sha256),
                    "rows": .number(Double(file.rowCount)), "created": .number(Double(run.created)),
                    "updated": .number(Double(run.updated)), "retagged": .number(Double(retagged)),
                ]
                if let name = file.name { detail["file"] = .string(name) }
                try insertEvent(db, EventInput(actor: actor, action: "registry.import", subject: "registry:\(file.kind.rawValue)", detail: detail))
            }
            return ImportReport(kind: file.kind.rawValue, format: file.format, name: file.name, rows: file.rowCount, created: run.created,
                                   updated: run.updated, unchanged: run.unchanged, retagged: retagged, ignoredColumns: file.ignoredColumns)
        }
    }
}

/// One import being written: counts, errors, and the items to tag again.
private struct ImportRun {
    let store: LocalStore
    let db: Database
    let actor: Caller
    let file: RegistryImport
    let time: String
    var created = 0, updated = 0, unchanged = 0
    var errors: [FieldError]
    var retag = Set<Int64>()

    init(store: LocalStore, db: Database, actor: Caller, file: RegistryImport) {
        self.store = store; self.db = db; self.actor = actor; self.file = file; self.time = store.now
        self.errors = file.errors
    }

    mutating func fail(_ line: Int, _ field: String, _ value: String?, _ message: String) {
        errors.append(FieldError(line: line, field: field, value: value, message: message))
    }

    func event(_ action: String, _ subject: String, _ detail: [String: JSONValue]) throws {
        try store.insertEvent(db, EventInput(actor: actor, action: action, subject: subject, detail: detail))
    }

    /// The members of `new` that differ from `old`, with the old values as `<key>.was`.
    static func changes(_ old: [String: String?], _ new: [String: String?]) -> [String: JSONValue] {
        var detail: [String: JSONValue] = [:]
        for (key, value) in new where old[key] != value {
            detail[key] = jsonValue(value)
            detail[key + ".was"] = jsonValue(old[key] ?? nil)
        }
        return detail
    }

    // MARK: Officers

    mutating func officers() throws {
        for row in file.officers {
            let new: [String: String?] = ["name": row.name, "unit": row.unit, "rank": row.rank]
            if let existing = try Row.fetchOne(db, sql: "SELECT name, unit, rank FROM officers WHERE badge = ?", arguments: [row.badge]) {
                let changed = Self.changes(["name": existing["name"], "unit": existing["unit"], "rank": existing["rank"]], new)
                guard !changed.isEmpty else { unchanged += 1; continue }
                try db.execute(sql: "UPDATE officers SET name = ?, unit = ?, rank = ?, updated_at = ? WHERE badge = ?",
                               arguments: [row.name, row.unit, row.rank, time, row.badge])
                try event("officer.update", "officer:\(row.badge)", changed)
                updated += 1
            } else {
                try db.execute(sql: "INSERT INTO officers (badge, name, unit, rank, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)",
                               arguments: [row.badge, row.name, row.unit, row.rank, time, time])
                try event("officer.create", "officer:\(row.badge)", ["name": .string(row.name), "unit": .string(row.unit), "rank": jsonValue(row.rank)])
                created += 1
            }
        }
    }

    // MARK: Courtrooms

    mutating func courtrooms() throws {
        for row in file.courtrooms {
            let new: [String: String?] = ["name": row.name, "building": row.building]
            if let existing = try Row.fetchOne(db, sql: "SELECT name, building FROM courtrooms WHERE id = ?", arguments: [row.id]) {
                let changed = Self.changes(["name": existing["name"], "building": existing["building"]], new)
                guard !changed.isEmpty else { unchanged += 1; continue }
                try db.execute(sql: "UPDATE courtrooms SET name = ?, building = ?, updated_at = ? WHERE id = ?",
                               arguments: [row.name, row.building, time, row.id])
                try event("courtroom.update", "courtroom:\(row.id)", changed)
                updated += 1
            } else {
                try db.execute(sql: "INSERT INTO courtrooms (id, name, building, created_at, updated_at) VALUES (?, ?, ?, ?, ?)",
                               arguments: [row.id, row.name, row.building, time, time])
                try event("courtroom.create", "courtroom:\(row.id)", ["name": .string(row.name), "building": jsonValue(row.building)])
                created += 1
            }
        }
    }

    // MARK: Devices

    mutating func devices() throws {
        for row in file.devices {
            if let room = row.courtroom, try resolveCourtroom(room) == nil {
                fail(row.line, "courtroom", room, "unknown courtroom (custodyctl courtrooms lists them; import courtrooms first)")
                continue
            }
            let room = try row.courtroom.flatMap { try resolveCourtroom($0) }
            if let existing = try Row.fetchOne(db, sql: "SELECT model, kind, courtroom FROM devices WHERE serial = ?", arguments: [row.serial]) {
                // An empty optional column leaves what is registered (a docked device's model from the catalog).
                let old: [String: String?] = ["model": existing["model"], "kind": existing["kind"], "courtroom": existing["courtroom"]]
                var new = old
                if let m = row.model { new["model"] = m }
                if let k = row.kind { new["kind"] = k }
                if let c = room { new["courtroom"] = c }
                let changed = Self.changes(old, new)
                guard !changed.isEmpty else { unchanged += 1; continue }
                try db.execute(sql: "UPDATE devices SET model = ?, kind = ?, courtroom = ? WHERE serial = ?",
                               arguments: [new["model"]!, new["kind"]!, new["courtroom"]!, row.serial])
                try event("device.update", "device:\(row.serial)", changed)
                if changed["courtroom"] != nil { retag.formUnion(try store.itemsOfDevice(db, row.serial, in: nil)) }
                updated += 1
            } else {
                try register(row.serial, model: row.model, kind: row.kind, courtroom: room)
                retag.formUnion(try store.itemsOfDevice(db, row.serial, in: nil))
                created += 1
            }
        }
    }

    func register(_ serial: String, model: String?, kind: String?, courtroom: String?) throws {
        try db.execute(sql: """
            INSERT INTO devices (serial, model, kind, courtroom, first_seen, last_seen, registered_at) VALUES (?, ?, ?, ?, ?, ?, ?)
            """, arguments: [serial, model, kind, courtroom, time, time, time])
        try event("device.register", "device:\(serial)", ["model": jsonValue(model), "kind": jsonValue(kind), "courtroom": jsonValue(courtroom)])
    }

    /// A courtroom by its id, or by its name (as a calendar's LOCATION has it).
    func resolveCourtroom(_ text: String) throws -> String? {
        if let id = try String.fetchOne(db, sql: "SELECT id FROM courtrooms WHERE id = ?", arguments: [text]) { return id }
        let byName = try String.fetchAll(db, sql: "SELECT id FROM courtrooms WHERE lower(name) = lower(?)", arguments: [text])
        return byName.count == 1 ? byName[0] : nil
    }

    // MARK: Assignments

    mutating func assignments() throws {
        struct Span { var line: Int?; var id: Int64?; var badge: String; var span: TimeSpan }
        // Per device, the spans after the import: the file's rows and the registered
        // ones the file does not restate (same device and start).
        var byDevice: [String: [Span]] = [:]
        for row in file.assignments {
            guard try Bool.fetchOne(db, sql: "SELECT 1 FROM officers WHERE badge = ?", arguments: [row.badge]) == true else {
                fail(row.line, "badge", row.badge, "unknown officer (custodyctl officers lists them; import officers first)")
                continue
            }
            let from = RFC3339.format(row.from), to = row.to.map(RFC3339.format)
            if byDevice[row.device] == nil {
                let starts = Set(file.assignments.filter { $0.device == row.device }.map { RFC3339.format($0.from) })
                byDevice[row.device] = try Row.fetchAll(db, sql: "SELECT id, badge, starts_at, ends_at FROM assignments WHERE device_serial = ?",
                                                        arguments: [row.device])
                    .filter { !starts.contains($0["starts_at"]) }
                    .map { Span(line: nil, id: $0["id"], badge: $0["badge"],
                                span: TimeSpan(LocalStore.storedTime($0["starts_at"]), ($0["ends_at"] as String?).flatMap(RFC3339.parse))) }
            }
            let span = TimeSpan(row.from, row.to)
            if let clash = byDevice[row.device]!.first(where: { $0.span.overlaps(span) }) {
                let other = clash.line.map { "line \($0)" } ?? "registered assignment \(clash.id!)"
                let otherEnd = clash.span.end.map(RFC3339.format) ?? "open-ended"
                fail(row.line, "from", from, "overlaps the assignment of \(row.device) to \(clash.badge) from \(RFC3339.format(clash.span.start)) to \(otherEnd) (\(other)); a device has one holder at a time")
                continue
            }
            byDevice[row.device]!.append(Span(line: row.line, id: nil, badge: row.badge, span: span))
            if try Bool.fetchOne(db, sql: "SELECT 1 FROM devices WHERE serial = ?", arguments: [row.device]) != true {
                try register(row.device, model: row.model, kind: nil, courtroom: nil)
            }
            if let existing = try Row.fetchOne(db, sql: "SELECT id, badge, kind, ends_at FROM assignments WHERE device_serial = ? AND starts_at = ?",
                                               arguments: [row.device, from]) {
                let oldEnd: String? = existing["ends_at"]
                let changed = Self.changes(["officer": existing["badge"], "kind": existing["kind"], "to": oldEnd],
                                           ["officer": row.badge, "kind": row.kind, "to": to])
                guard !changed.isEmpty else { unchanged += 1; continue }
                let id: Int64 = existing["id"]
                try db.execute(sql: "UPDATE assignments SET badge = ?, kind = ?, ends_at = ?, updated_at = ? WHERE id = ?",
                               arguments: [row.badge, row.kind, to, time, id])
                var detail = changed
                detail["device"] = .string(row.device)
                detail["from"] = .string(from)
                try event("assignment.update", "assignment:\(id)", detail)
                let oldSpan = TimeSpan(row.from, oldEnd.flatMap(RFC3339.parse))
                retag.formUnion(try store.itemsOfDevice(db, row.device, in: oldSpan))
                retag.formUnion(try store.itemsOfDevice(db, row.device, in: span))
                updated += 1
            } else {
                try db.execute(sql: """
                    INSERT INTO assignments (device_serial, badge, kind, starts_at, ends_at, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)
                    """, arguments: [row.device, row.badge, row.kind, from, to, time, time])
                try event("assignment.create", "assignment:\(db.lastInsertedRowID)",
                          ["device": .string(row.device), "officer": .string(row.badge), "kind": .string(row.kind),
                           "from": .string(from), "to": jsonValue(to)])
                retag.formUnion(try store.itemsOfDevice(db, row.device, in: span))
                created += 1
            }
        }
    }

    // MARK: Hearings

    mutating func hearings() throws {
        struct Sitting { var line: Int?; var id: String; var span: TimeSpan }
        var byRoom: [String: [Sitting]] = [:]
        let ids = Set(file.hearings.map(\.id))
        for row in file.hearings {
            guard let room = try resolveCourtroom(row.courtroom) else {
                fail(row.line, row.courtroomField, row.courtroom, "unknown courtroom (custodyctl courtrooms lists them; import courtrooms first)")
                continue
            }
            if byRoom[room] == nil {
                byRoom[room] = try Row.fetchAll(db, sql: "SELECT id, scheduled_start, scheduled_end FROM hearings WHERE courtroom = ?",
                                                arguments: [room])
                    .filter { !ids.contains($0["id"]) }
                    .map { Sitting(line: nil, id: $0["id"], span: TimeSpan(LocalStore.storedTime($0["scheduled_start"]), LocalStore.storedTime($0["scheduled_end"]))) }
            }
            let span = TimeSpan(row.start, row.end)
            if let clash = byRoom[room]!.first(where: { $0.span.overlaps(span) }) {
                let other = clash.line.map { "line \($0)" } ?? "registered"
                fail(row.line, file.format == "ics" ? "DTSTART" : "start", RFC3339.format(row.start),
                     "overlaps hearing \(clash.id) in courtroom \(room), \(RFC3339.format(clash.span.start)) to \(RFC3339.format(clash.span.end!)) (\(other)); a courtroom sits one hearing at a time")
                continue
            }
            byRoom[room]!.append(Sitting(line: row.line, id: row.id, span: span))
            try store.ensureCase(db, row.caseNumber, actor: actor)
            let start = RFC3339.format(row.start), end = RFC3339.format(row.end)
            let new: [String: String?] = ["case": row.caseNumber, "courtroom": room, "judge": row.judge, "title": row.title,
                                          "scheduledStart": start, "scheduledEnd": end]
            if let existing = try Row.fetchOne(db, sql: "SELECT * FROM hearings WHERE id = ?", arguments: [row.id]) {
                let old = LocalStore.hearingRecord(existing)
                let changed = Self.changes(["case": old.case, "courtroom": old.courtroom, "judge": old.judge, "title": old.title,
                                            "scheduledStart": old.scheduledStart, "scheduledEnd": old.scheduledEnd], new)
                guard !changed.isEmpty else { unchanged += 1; continue }
                try db.execute(sql: """
                    UPDATE hearings SET case_number = ?, courtroom = ?, judge = ?, title = ?, scheduled_start = ?, scheduled_end = ?, updated_at = ?
                    WHERE id = ?
                    """, arguments: [row.caseNumber, room, row.judge, row.title, start, end, time, row.id])
                try event("hearing.update", "hearing:\(row.id)", changed)
                retag.formUnion(try store.itemsInCourtroom(db, old.courtroom, in: LocalStore.window(old)))
                retag.formUnion(try Int64.fetchAll(db, sql: "SELECT id FROM items WHERE hearing = ?", arguments: [row.id]))
                var now = old
                (now.case, now.courtroom, now.scheduledStart, now.scheduledEnd) = (row.caseNumber, room, start, end)
                retag.formUnion(try store.itemsInCourtroom(db, room, in: LocalStore.window(now)))
                updated += 1
            } else {
                try db.execute(sql: """
                    INSERT INTO hearings (id, case_number, courtroom, judge, title, scheduled_start, scheduled_end, created_at, updated_at)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """, arguments: [row.id, row.caseNumber, room, row.judge, row.title, start, end, time, time])
                var detail = new.mapValues { jsonValue($0) }
                detail["title"] = jsonValue(row.title)
                try event("hearing.create", "hearing:\(row.id)", detail)
                retag.formUnion(try store.itemsInCourtroom(db, room, in: span))
                created += 1
            }
        }
    }
}
