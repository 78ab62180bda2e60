import CustodyCore
import CustodyModel
import CustodyTagging
import Foundation
import GRDB

/// A string or JSON null, for event details.
func jsonValue(_ s: String?) -> JSONValue { s.map { .string($0) } ?? .null }

extension LocalStore: RegistryStore {
    // MARK: Lists

    public func officers(unit: String?) throws -> [Officer] {
        try db.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM officers \(unit == nil ? "" : "WHERE unit = ?") ORDER BY badge",
                             arguments: StatementArguments(unit.map { [$0] } ?? [])).map {
                Officer(badge: $0["badge"], name: $0["name"], unit: $0["unit"], rank: $0["rank"], createdAt: $0["created_at"],
                           updatedAt: $0["updated_at"])
            }
        }
    }

    public func equipment() throws -> [Equipment] {
        let time = now
        return try db.read { db in
            try Row.fetchAll(db, sql: """
                SELECT d.serial, d.model, d.kind, d.courtroom, coalesce(d.registered_at, d.first_seen) AS registered_at,
                    max(coalesce((SELECT max(docked_at) FROM docks WHERE device_serial = d.serial), ''),
                        coalesce((SELECT max(created_at) FROM jobs WHERE device_serial = d.serial), '')) AS last_contact,
                    a.badge, o.name AS officer_name, a.kind AS assignment_kind, a.starts_at, a.ends_at,
                    c.offset_seconds, c.checked_at
                FROM devices d
                LEFT JOIN assignments a ON a.id = (SELECT id FROM assignments WHERE device_serial = d.serial AND starts_at <= ?1
                                                   AND (ends_at IS NULL OR ends_at > ?1) ORDER BY starts_at DESC LIMIT 1)
                LEFT JOIN officers o ON o.badge = a.badge
                LEFT JOIN clock_checks c ON c.id = (SELECT id FROM clock_checks WHERE device_serial = d.serial
                                                    ORDER BY checked_at DESC, id DESC LIMIT 1)
                ORDER BY d.serial
                """, arguments: [time]).map { row in
                let lastContact: String = row["last_contact"]
                let assignee: Assignee? = (row["badge"] as String?).map {
                    Assignee(officer: $0, name: row["officer_name"] ?? "", kind: row["assignment_kind"], since: row["starts_at"],
                                until: row["ends_at"])
                }
                return Equipment(serial: row["serial"], model: row["model"], kind: row["kind"], courtroom: row["courtroom"],
                                    registeredAt: row["registered_at"], lastContactAt: lastContact.isEmpty ? nil : lastContact,
                                    assignee: assignee, clockOffsetSeconds: row["offset_seconds"], clockCheckedAt: row["checked_at"])
            }
        }
    }

    public func courtrooms() throws -> [Courtroom] {
        try db.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM courtrooms ORDER BY id").map {
                Courtroom(id: $0["id"], name: $0["name"], building: $0["building"])
            }
        }
    }

    public func cases() throws -> [Case] {
        try db.read { db in
            try Row.fetchAll(db, sql: """
                SELECT c.number, c.created_at,
                    (SELECT count(*) FROM hearings WHERE case_number = c.number) AS hearings,
                    (SELECT count(*) FROM items WHERE case_number = c.number) AS items,
                    EXISTS (SELECT 1 FROM holds WHERE case_number = c.number AND released_at IS NULL) AS held
                FROM cases c ORDER BY c.number
                """).map {
                Case(number: $0["number"], createdAt: $0["created_at"], hearings: $0["hearings"], items: $0["items"], onHold: $0["held"])
            }
        }
    }

    public func hearings(_ q: HearingQuery) throws -> [Hearing] {
        var clauses: [String] = []
        var args: [any DatabaseValueConvertible] = []
        if let c = q.courtroom { clauses.append("courtroom = ?"); args.append(c) }
        if let c = q.caseNumber { clauses.append("case_number = ?"); args.append(c) }
        if let from = q.from { clauses.append("coalesce(actual_end, scheduled_end) > ?"); args.append(RFC3339.format(from)) }
        if let to = q.to { clauses.append("coalesce(actual_start, scheduled_start) < ?"); args.append(RFC3339.format(to)) }
        let whereSQL = clauses.isEmpty ? "" : "WHERE " + clauses.joined(separator: " AND ")
        return try db.read { db in
            try Row.fetchAll(db, sql: """
                SELECT h.*, (SELECT count(*) FROM items WHERE items.hearing = h.id) AS item_count
                FROM hearings h \(whereSQL) ORDER BY scheduled_start, id LIMIT ?
                """, arguments: StatementArguments(args + [q.limit])).map(Self.hearingRecord)
        }
    }

    static func hearingRecord(_ row: Row) -> Hearing {
        Hearing(id: row["id"], case: row["case_number"], courtroom: row["courtroom"], judge: row["judge"], title: row["title"],
                   scheduledStart: row["scheduled_start"], scheduledEnd: row["scheduled_end"], actualStart: row["actual_start"],
                   actualEnd: row["actual_end"], items: row["item_count"] ?? 0)
    }

    public func assignments(_ q: AssignmentQuery) throws -> [Assignment] {
        var clauses: [String] = []
        var args: [any DatabaseValueConvertible] = []
        if let d = q.device { clauses.append("a.device_serial = ?"); args.append(d) }
        if let o = q.officer { clauses.append("a.badge = ?"); args.append(o) }
        if let at = q.at {
            clauses.append("a.starts_at <= ? AND (a.ends_at IS NULL OR a.ends_at > ?)")
            args += [RFC3339.format(at), RFC3339.format(at)]
        }
        let whereSQL = clauses.isEmpty ? "" : "WHERE " + clauses.joined(separator: " AND ")
        return try db.read { db in
            try Row.fetchAll(db, sql: """
                SELECT a.*, o.name FROM assignments a JOIN officers o ON o.badge = a.badge
                \(whereSQL) ORDER BY a.device_serial, a.starts_at LIMIT ?
                """, arguments: StatementArguments(args + [q.limit])).map(Self.assignmentRecord)
        }
    }

    /// One assignment by id (it exists: the caller just wrote it).
    func assignment(_ id: Int64) throws -> Assignment {
        try db.read { db in
            try Row.fetchOne(db, sql: "SELECT a.*, o.name FROM assignments a JOIN officers o ON o.badge = a.badge WHERE a.id = ?",
                             arguments: [id]).map(Self.assignmentRecord)!
        }
    }

    static func assignmentRecord(_ row: Row) -> Assignment {
        Assignment(id: row["id"], device: row["device_serial"], officer: row["badge"], officerName: row["name"] ?? "",
                      kind: row["kind"], from: row["starts_at"], to: row["ends_at"])
    }

    // MARK: Shifts

    public func checkout(device: String, badge: String, actor: Caller) throws -> Assignment {
        let id: Int64 = try db.write { db in
            try requireDevice(db, device)
            guard let name = try String.fetchOne(db, sql: "SELECT name FROM officers WHERE badge = ?", arguments: [badge]) else {
                throw RegistryError(.notFound, "no officer with badge \(badge) (custodyctl officers lists them; import officers first)")
            }
            let time = now
            if let busy = try Row.fetchOne(db, sql: """
                SELECT a.*, o.name FROM assignments a JOIN officers o ON o.badge = a.badge
                WHERE a.device_serial = ? AND (a.ends_at IS NULL OR a.ends_at > ?) ORDER BY a.starts_at LIMIT 1
                """, arguments: [device, time]) {
                let a = Self.assignmentRecord(busy)
                let span = a.to.map { "from \(a.from) to \($0)" } ?? "since \(a.from), not checked in"
                throw RegistryError(.conflict, "\(device) is already assigned to \(a.officer) (\(a.officerName)), \(a.kind) \(span); check it in first")
            }
            try db.execute(sql: """
                INSERT INTO assignments (device_serial, badge, kind, starts_at, ends_at, created_at, updated_at)
                VALUES (?, ?, 'shift', ?, NULL, ?, ?)
                """, arguments: [device, badge, time, time, time])
            let id = db.lastInsertedRowID
            try insertEvent(db, EventInput(actor: actor, action: "device.checkout", subject: "device:\(device)",
                                           detail: ["officer": .string(badge), "name": .string(name), "assignment": .number(Double(id))]))
            _ = try retag(db, items: itemsOfDevice(db, device, in: TimeSpan(LocalStore.storedTime(time), nil)), actor: actor,
                          reason: "checkout of \(device) to \(badge)")
            return id
        }
        return try assignment(id)
    }

    public func checkin(device: String, actor: Caller) throws -> Assignment {
        let id: Int64 = try db.write { db in
            try requireDevice(db, device)
            let time = now
            guard let open = try Row.fetchOne(db, sql: """
                SELECT a.*, o.name FROM assignments a JOIN officers o ON o.badge = a.badge
                WHERE a.device_serial = ? AND a.starts_at <= ? AND (a.ends_at IS NULL OR a.ends_at > ?) ORDER BY a.starts_at DESC LIMIT 1
                """, arguments: [device, time, time]).map(Self.assignmentRecord), open.kind == "shift", open.to == nil else {
                throw RegistryError(.conflict, "\(device) is not checked out (custodyctl assignments --device \(device) shows its assignments)")
            }
            // An end is after its start, even when checked in within the same millisecond.
            let start = LocalStore.storedTime(open.from)
            let end = max(LocalStore.storedTime(time), start.addingTimeInterval(0.001))
            try db.execute(sql: "UPDATE assignments SET ends_at = ?, updated_at = ? WHERE id = ?",
                           arguments: [RFC3339.format(end), time, open.id])
            try insertEvent(db, EventInput(actor: actor, action: "device.checkin", subject: "device:\(device)",
                                           detail: ["officer": .string(open.officer), "assignment": .number(Double(open.id)),
                                                    "from": .string(open.from)]))
            _ = try retag(db, items: itemsOfDevice(db, device, in: TimeSpan(end, nil)), actor: actor, reason: "checkin of \(device)")
            return open.id
        }
        return try assignment(id)
    }

    func requireDevice(_ db: Database, _ serial: String) throws {
        guard try Bool.fetchOne(db, sql: "SELECT 1 FROM devices WHERE serial = ?", arguments: [serial]) == true else {
            throw RegistryError(.notFound, "no registered device \(serial) (a device is registered when it first docks, or by custodyctl import devices)")
        }
    }

    // MARK: Clocks and hearings

    public func recordClockCheck(device: String, offsetSeconds: Int, dockID: Int64?, actor: Caller) throws -> ClockCheck {
        // A range check, not abs(): abs(Int.min) traps.
        guard let offset = Int64(exactly: offsetSeconds), RecordBounds.clockOffsetSeconds.contains(offset) else {
            throw RegistryError(.badRequest, "offsetSeconds must be an integer in \(RecordBounds.clockOffsetSeconds.lowerBound)...\(RecordBounds.clockOffsetSeconds.upperBound) (ten years either way), not \(offsetSeconds)")
        }
        return try db.write { db in
            try requireDevice(db, device)
            let time = now
            let source = dockID == nil ? "operator" : "dock"
            try db.execute(sql: "INSERT INTO clock_checks (device_serial, dock_id, offset_seconds, source, checked_at) VALUES (?, ?, ?, ?, ?)",
                           arguments: [device, dockID, offsetSeconds, source, time])
            let id = db.lastInsertedRowID
            var detail: [String: JSONValue] = ["offsetSeconds": .number(Double(offsetSeconds)), "source": .string(source)]
            if let dockID { detail["dock"] = .number(Double(dockID)) }
            try insertEvent(db, EventInput(actor: actor, action: "device.clock", subject: "device:\(device)", detail: detail))
            return ClockCheck(id: id, device: device, offsetSeconds: offsetSeconds, source: source, dock: dockID, checkedAt: time)
        }
    }

    public func recordHearingActual(hearing: String, start: Date?, end: Date?, actor: Caller) throws -> Hearing {
        try db.write { db in
            guard let row = try Row.fetchOne(db, sql: "SELECT * FROM hearings WHERE id = ?", arguments: [hearing]) else {
                throw RegistryError(.notFound, "no hearing \(hearing)")
            }
            let old = Self.hearingRecord(row)
            let newStart = start.map(RFC3339.format) ?? old.actualStart
            let newEnd = end.map(RFC3339.format) ?? old.actualEnd
            if let s = newStart, let e = newEnd, e <= s {
                throw RegistryError(.badRequest, "hearing \(hearing) cannot end (\(e)) at or before it starts (\(s))")
            }
            guard newStart != old.actualStart || newEnd != old.actualEnd else { return old }
            try db.execute(sql: "UPDATE hearings SET actual_start = ?, actual_end = ?, updated_at = ? WHERE id = ?",
                           arguments: [newStart, newEnd, now, hearing])
            try insertEvent(db, EventInput(actor: actor, action: "hearing.actual", subject: "hearing:\(hearing)",
                                           detail: ["actualStart": jsonValue(newStart), "actualEnd": jsonValue(newEnd),
                                                    "courtroom": .string(old.courtroom)]))
            var updated = old
            updated.actualStart = newStart
            updated.actualEnd = newEnd
            var affected = Set(try itemsInCourtroom(db, old.courtroom, in: Self.window(old)))
            affected.formUnion(try itemsInCourtroom(db, old.courtroom, in: Self.window(updated)))
            affected.formUnion(try Int64.fetchAll(db, sql: "SELECT id FROM items WHERE hearing = ?", arguments: [hearing]))
            _ = try retag(db, items: affected, actor: actor, reason: "hearing \(hearing) actual times")
            return updated
        }
    }

    /// The span a hearing is in session, as the Tagger has it.
    static func window(_ h: Hearing) -> TimeSpan { sitting(h).window }

    /// A hearing as the Tagger reads it, its times as instants.
    static func sitting(_ h: Hearing) -> HearingSitting {
        HearingSitting(id: h.id, caseNumber: h.case, courtroom: h.courtroom,
                       scheduled: TimeSpan(storedTime(h.scheduledStart), storedTime(h.scheduledEnd)),
                       actualStart: h.actualStart.map(storedTime), actualEnd: h.actualEnd.map(storedTime))
    }

    /// Makes the case if it is new (with its event).
    func ensureCase(_ db: Database, _ number: String, actor: Caller) throws {
        try db.execute(sql: "INSERT OR IGNORE INTO cases (number, created_at) VALUES (?, ?)", arguments: [number, now])
        if db.changesCount > 0 {
            try insertEvent(db, EventInput(actor: actor, action: "case.create", subject: "case:\(number)"))
        }
    }

    // MARK: Items affected by a registry change

    /// Items of a device recorded (by the corrected time) within `span`.
    func itemsOfDevice(_ db: Database, _ serial: String, in span: TimeSpan?) throws -> [Int64] {
        guard let span else {
            return try Int64.fetchAll(db, sql: "SELECT id FROM items WHERE device_serial = ?", arguments: [serial])
        }
        return try Int64.fetchAll(db, sql: """
            SELECT id FROM items WHERE device_serial = ? AND corrected_at >= ? AND (? IS NULL OR corrected_at < ?)
            """, arguments: [serial, RFC3339.format(span.start), span.end.map(RFC3339.format), span.end.map(RFC3339.format)])
    }

    /// Items recorded within `span` by a device installed in `courtroom`.
    func itemsInCourtroom(_ db: Database, _ courtroom: String, in span: TimeSpan) throws -> [Int64] {
        var ids: [Int64] = []
        for serial in try String.fetchAll(db, sql: "SELECT serial FROM devices WHERE courtroom = ?", arguments: [courtroom]) {
            ids += try itemsOfDevice(db, serial, in: span)
        }
        return ids
    }
}
