import CustodyCore
import CustodyModel
import CustodyTagging
import Foundation
import GRDB

extension LocalStore {
    /// What is missing from the record: hearings (that have ended) with no recording
    /// or with holes in it, devices assigned but not docked for too long, recordings
    /// made while their device had no assignee, and device clocks found off by more
    /// than the tolerance. `from`/`to` bound the hearings, recordings and clock checks
    /// looked at; devices are judged as of now.
    public func gaps(_ q: GapQuery) throws -> GapReport {
        let now = clock.now()
        let from = q.from.map(RFC3339.format), to = q.to.map(RFC3339.format)
        return try db.read { db in
            var gaps: [Gap] = []
            try hearingGaps(db, q, now: now, into: &gaps)
            try undockedGaps(db, q, now: now, into: &gaps)
            let truncated = try unassignedGaps(db, q, into: &gaps)
            for row in try Row.fetchAll(db, sql: """
                SELECT * FROM clock_checks WHERE abs(offset_seconds) > ? AND (?2 IS NULL OR checked_at >= ?2) AND (?3 IS NULL OR checked_at < ?3)
                ORDER BY checked_at, id
                """, arguments: [q.clockToleranceSeconds, from, to]) {
                let serial: String = row["device_serial"], offset: Int = row["offset_seconds"]
                let at = (row["dock_id"] as Int64?).map { "at dock \($0)" } ?? "when an operator checked it"
                gaps.append(Gap(kind: "clock-drift", subject: "device:\(serial)",
                                   message: "\(serial)'s clock was \(abs(offset)) s \(offset > 0 ? "ahead of" : "behind") the station's \(at) (\(row["checked_at"] as String)); the tolerance is \(q.clockToleranceSeconds) s",
                                   from: row["checked_at"], seconds: offset, device: serial))
            }
            return GapReport(from: from, to: to, generatedAt: RFC3339.format(now), gaps: gaps, truncated: truncated)
        }
    }

    private func hearingGaps(_ db: Database, _ q: GapQuery, now: Date, into gaps: inout [Gap]) throws {
        let rows = try Row.fetchAll(db, sql: """
            SELECT h.*, 0 AS item_count FROM hearings h
            WHERE coalesce(actual_end, scheduled_end) <= ?1 AND (?2 IS NULL OR coalesce(actual_end, scheduled_end) > ?2)
              AND (?3 IS NULL OR coalesce(actual_start, scheduled_start) < ?3)
            ORDER BY coalesce(actual_start, scheduled_start), id
            """, arguments: [RFC3339.format(now), q.from.map(RFC3339.format), q.to.map(RFC3339.format)])
        for hearing in rows.map(Self.hearingRecord) {
            let window = Self.window(hearing)
            let sitting = "hearing \(hearing.id) (case \(hearing.case), courtroom \(hearing.courtroom), \(hearing.judge))"
            let recordings = try Row.fetchAll(db, sql: """
                SELECT coalesce(corrected_at, recorded_at) AS t, coalesce(duration_seconds, 0) AS d FROM items WHERE hearing = ?
                """, arguments: [hearing.id]).map { row -> (Date, Date) in
                let start = LocalStore.storedTime(row["t"])
                return (start, start.addingTimeInterval(row["d"]))
            }
            let span = "\(RFC3339.format(window.start)) to \(RFC3339.format(window.end!))"
            guard !recordings.isEmpty else {
                gaps.append(Gap(kind: "hearing-unrecorded", subject: "hearing:\(hearing.id)",
                                   message: "\(sitting) sat \(span) and has no recording",
                                   from: RFC3339.format(window.start), to: RFC3339.format(window.end!),
                                   seconds: Int(window.end!.timeIntervalSince(window.start)), hearing: hearing.id))
                continue
            }
            for (start, end) in Coverage.holes(in: window, covered: recordings, minimum: Double(q.holeSeconds)) {
                let seconds = Int(end.timeIntervalSince(start).rounded())
                gaps.append(Gap(kind: "hearing-hole", subject: "hearing:\(hearing.id)",
                                   message: "\(sitting), \(span): no recording from \(RFC3339.format(start)) to \(RFC3339.format(end)) (\(seconds) s)",
                                   from: RFC3339.format(start), to: RFC3339.format(end), seconds: seconds, hearing: hearing.id))
            }
        }
    }

    private func undockedGaps(_ db: Database, _ q: GapQuery, now: Date, into gaps: inout [Gap]) throws {
        let time = RFC3339.format(now)
        let rows = try Row.fetchAll(db, sql: """
            SELECT a.device_serial, a.badge, a.starts_at, o.name,
                max(coalesce((SELECT max(docked_at) FROM docks WHERE device_serial = a.device_serial), ''),
                    coalesce((SELECT max(created_at) FROM jobs WHERE device_serial = a.device_serial), '')) AS last_contact
            FROM assignments a JOIN officers o ON o.badge = a.badge
            WHERE a.starts_at <= ?1 AND (a.ends_at IS NULL OR a.ends_at > ?1)
            ORDER BY a.device_serial
            """, arguments: [time])
        for row in rows {
            let serial: String = row["device_serial"], badge: String = row["badge"], since: String = row["starts_at"]
            let last: String = row["last_contact"]
            // Counted from the later of the last contact and the start of the assignment.
            let reference = max(last, since)
            let idle = now.timeIntervalSince(LocalStore.storedTime(reference))
            guard idle > Double(q.undockedSeconds) else { continue }
            let hours = Int(idle / 3600)
            let when = last.isEmpty ? "has never docked" : "has not docked since \(last)"
            gaps.append(Gap(kind: "device-undocked", subject: "device:\(serial)",
                               message: "\(serial), assigned to \(badge) (\(row["name"] as String)) since \(since), \(when) (\(hours) h; the limit is \(q.undockedSeconds / 3600) h)",
                               from: reference, to: time, seconds: Int(idle), device: serial, officer: badge))
        }
    }

    /// Recordings made while their device had no assignee; true when more than the limit.
    private func unassignedGaps(_ db: Database, _ q: GapQuery, into gaps: inout [Gap]) throws -> Bool {
        let rows = try Row.fetchAll(db, sql: """
            SELECT i.id, i.device_serial, i.source_path, coalesce(i.corrected_at, i.recorded_at) AS t, d.serial AS registered
            FROM items i LEFT JOIN devices d ON d.serial = i.device_serial
            WHERE i.device_serial IS NOT NULL AND i.officer IS NULL AND d.courtroom IS NULL
              AND (?1 IS NULL OR coalesce(i.corrected_at, i.recorded_at) >= ?1) AND (?2 IS NULL OR coalesce(i.corrected_at, i.recorded_at) < ?2)
            ORDER BY t, i.id LIMIT ?3
            """, arguments: [q.from.map(RFC3339.format), q.to.map(RFC3339.format), q.limit + 1])
        for row in rows.prefix(q.limit) {
            let id: Int64 = row["id"], serial: String = row["device_serial"], t: String = row["t"]
            let why = row["registered"] == nil ? "which is not registered" : "which had no assignee then"
            gaps.append(Gap(kind: "item-unassigned", subject: "item:\(id)",
                               message: "item \(id) (\(row["source_path"] as String)) was recorded \(t) by \(serial), \(why)",
                               from: t, device: serial, item: id))
        }
        return rows.count > q.limit
    }
}
