import CustodyCore
import CustodyModel
import Foundation
import GRDB

extension LocalStore: RecordingStore {
    // MARK: Sessions

    public func recordSessionStart(_ s: RecordingSessionRecord, detail: [String: JSONValue]) throws {
        let names = String(decoding: try IndexJSON.encoder().encode(s.channelNames), as: UTF8.self)
        try db.write { db in
            try db.execute(sql: """
                INSERT INTO recording_sessions (reference, courtroom, hearing, case_number, pcm, pcm_type, interface_serial,
                    sample_format, channels, rate, channel_names, segment_frames, duration_frames, automatic, started_uid,
                    started_name, first_sample_time, started_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """, arguments: [s.reference, s.courtroom, s.hearing, s.caseNumber, s.pcm, s.pcmType, s.interfaceSerial,
                                 s.sampleFormat, s.channels, s.rate, names, s.segmentFrames, s.durationFrames, s.automatic,
                                 Int64(s.startedBy.uid), s.startedBy.name, RFC3339.format(s.firstSampleTime), now])
            var all: [String: JSONValue] = [
                "courtroom": .string(s.courtroom), "session": .string(s.reference), "pcm": .string(s.pcm),
                "format": .string(s.sampleFormat), "channels": .number(Double(s.channels)), "rate": .number(Double(s.rate)),
                "channelNames": .array(s.channelNames.map { .string($0) }), "segmentFrames": .number(Double(s.segmentFrames)),
                "firstSampleTime": .string(RFC3339.format(s.firstSampleTime)), "automatic": .bool(s.automatic),
            ]
            if let h = s.hearing { all["hearing"] = .string(h) }
            if let c = s.caseNumber { all["case"] = .string(c) }
            if let t = s.pcmType { all["pcmType"] = .string(t) }
            if let i = s.interfaceSerial { all["interface"] = .string(i) }
            if let d = s.durationFrames { all["durationFrames"] = .number(Double(d)) }
            all.merge(detail) { _, new in new }
            try insertEvent(db, EventInput(actor: s.startedBy, action: "recording.start", subject: "courtroom:\(s.courtroom)", detail: all))
        }
    }

    public func recordingSession(_ reference: String) throws -> RecordingSessionRecord? {
        try db.read { db in
            try Row.fetchOne(db, sql: "SELECT * FROM recording_sessions WHERE reference = ?", arguments: [reference]).map(Self.sessionRecord)
        }
    }

    public func recordSessionEnd(_ reference: String, end: RecordingSessionEnd, actor: Caller, detail: [String: JSONValue]) throws {
        try db.write { db in
            guard let courtroom = try String.fetchOne(db, sql: "SELECT courtroom FROM recording_sessions WHERE reference = ?",
                                                      arguments: [reference]) else {
                throw RecordingStoreError("no recording session \(reference)")
            }
            try db.execute(sql: """
                UPDATE recording_sessions SET ended_at = ?, stop_reason = ?, frames_captured = ?, dropped_frames = ?
                WHERE reference = ? AND ended_at IS NULL
                """, arguments: [now, end.reason, end.framesCaptured, end.droppedFrames, reference])
            guard db.changesCount > 0 else { return }  // already ended: recorded once
            var all: [String: JSONValue] = [
                "courtroom": .string(courtroom), "session": .string(reference), "reason": .string(end.reason),
                "framesCaptured": .number(Double(end.framesCaptured)), "droppedFrames": .number(Double(end.droppedFrames)),
            ]
            all.merge(detail) { _, new in new }
            try insertEvent(db, EventInput(actor: actor, action: "recording.stop", subject: "courtroom:\(courtroom)",
                                           outcome: end.reason == "fault" || end.reason == "crash" ? "error" : "ok", detail: all))
        }
    }

    public func unendedRecordingSessions() throws -> [RecordingSessionRecord] {
        try db.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM recording_sessions WHERE ended_at IS NULL ORDER BY first_sample_time")
                .map(Self.sessionRecord)
        }
    }

    static func sessionRecord(_ row: Row) -> RecordingSessionRecord {
        let names = (try? IndexJSON.decoder.decode([String].self, from: Data((row["channel_names"] as String).utf8))) ?? []
        return RecordingSessionRecord(
            reference: row["reference"], courtroom: row["courtroom"], hearing: row["hearing"], caseNumber: row["case_number"],
            pcm: row["pcm"], pcmType: row["pcm_type"], interfaceSerial: row["interface_serial"], sampleFormat: row["sample_format"],
            channels: row["channels"], rate: row["rate"], channelNames: names, segmentFrames: row["segment_frames"],
            durationFrames: row["duration_frames"], automatic: row["automatic"],
            startedBy: Caller(uid: UInt32(row["started_uid"] as Int64), gid: 0, name: row["started_name"], roles: []),
            firstSampleTime: RFC3339.parse(row["first_sample_time"]) ?? Date(timeIntervalSince1970: 0))
    }

    // MARK: Segments

    public func recordSegmentClosed(_ s: ClosedSegment) throws {
        let summary = String(decoding: try IndexJSON.encoder().encode(s.summary), as: UTF8.self)
        try db.write { db in
            try db.execute(sql: """
                INSERT INTO recording_segments (path, session, sequence, courtroom, hearing, case_number, first_frame, frames, rate,
                    first_sample, first_sample_time, dropped_frames, gaps, alarms, repaired, summary, device_serial, requested_uid,
                    requested_name, state, closed_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'closed', ?)
                """, arguments: [s.path, s.session, s.sequence, s.courtroom, s.hearing, s.caseNumber, s.firstFrame, s.frames, s.rate,
                                 s.firstSample, RFC3339.format(s.firstSampleTime), s.droppedFrames, s.gaps, s.alarms, s.repaired, summary,
                                 s.deviceSerial, Int64(s.requester.uid), s.requester.name, now])
        }
    }

    public func recordSegmentFiling(path: String, jobID: Int64) throws {
        try db.write { db in
            try db.execute(sql: "UPDATE recording_segments SET state = 'filing', job_id = ?, message = NULL WHERE path = ?",
                           arguments: [jobID, path])
        }
    }

    public func recordSegmentFiled(path: String, itemID: Int64, actor: Caller, detail: [String: JSONValue]) throws {
        try db.write { db in
            guard let row = try Row.fetchOne(db, sql: "SELECT * FROM recording_segments WHERE path = ?", arguments: [path]) else {
                throw RecordingStoreError("no recording segment \(path)")
            }
            guard row["state"] as String != "filed" else { return }
            let time = now
            try db.execute(sql: "UPDATE recording_segments SET state = 'filed', item_id = ?, filed_at = ?, message = NULL WHERE path = ?",
                           arguments: [itemID, time, path])
            let hearing: String? = row["hearing"], caseNumber: String? = row["case_number"]
            try tagRecordedItem(db, itemID, courtroom: row["courtroom"], hearing: hearing, caseNumber: caseNumber, actor: actor)
            let segment = Self.closedSegment(row)
            var all = segment.summary
            all["courtroom"] = .string(segment.courtroom)
            all["session"] = .string(segment.session)
            all["sequence"] = .number(Double(segment.sequence))
            all["firstFrame"] = .number(Double(segment.firstFrame))
            all["frames"] = .number(Double(segment.frames))
            all["rate"] = .number(Double(segment.rate))
            all["firstSampleTime"] = .string(row["first_sample_time"] as String)
            all["droppedFrames"] = .number(Double(segment.droppedFrames))
            all["repaired"] = .bool(segment.repaired)
            if let hearing { all["hearing"] = .string(hearing) }
            if let caseNumber { all["case"] = .string(caseNumber) }
            if let job: Int64 = row["job_id"] { all["job"] = .number(Double(job)) }
            all.merge(detail) { _, new in new }
            try insertEvent(db, EventInput(actor: actor, action: "recording.segment", subject: "item:\(itemID)", detail: all), time: time)
        }
    }

    /// Tags a segment's item with its courtroom, hearing and case, as the session that
    /// recorded it states them (a person or the schedule said which hearing was in
    /// session): they are kept as set, so re-tagging from the registry leaves them; an
    /// `item.tag` event (`by`: recording) names each changed tag and its `.was`.
    func tagRecordedItem(_ db: Database, _ itemID: Int64, courtroom: String, hearing: String?, caseNumber: String?, actor: Caller) throws {
        guard let row = try Row.fetchOne(db, sql: "SELECT courtroom, hearing, case_number, manual_tags FROM items WHERE id = ?",
                                         arguments: [itemID]) else { return }
        var manual = Set((row["manual_tags"] as String).split(separator: ",").map(String.init))
        var sets: [String] = []
        var args: [any DatabaseValueConvertible] = []
        var detail: [String: JSONValue] = [:]
        for (field, column, value) in [("courtroom", "courtroom", Optional(courtroom)), ("hearing", "hearing", hearing),
                                       ("case", "case_number", caseNumber)] {
            guard let value else { continue }
            manual.insert(field)
            let old: String? = row[column]
            guard old != value else { continue }
            sets.append("\(column) = ?")
            args.append(value)
            detail[field] = .string(value)
            detail[field + ".was"] = jsonValue(old)
        }
        sets.append("manual_tags = ?")
        args.append(manual.sorted().joined(separator: ","))
        try db.execute(sql: "UPDATE items SET \(sets.joined(separator: ", ")) WHERE id = ?", arguments: StatementArguments(args + [itemID]))
        guard !detail.isEmpty else { return }
        detail["by"] = .string("recording")
        try insertEvent(db, EventInput(actor: actor, action: "item.tag", subject: "item:\(itemID)", detail: detail))
    }

    /// A hearing of the registry by its id (the recorder's schedule asks for its case and times).
    public func registeredHearing(_ id: String) throws -> Hearing? {
        try db.read { db in
            try Row.fetchOne(db, sql: "SELECT * FROM hearings WHERE id = ?", arguments: [id]).map(Self.hearingRecord)
        }
    }

    public func recordSegmentFailed(path: String, message: String) throws {
        try db.write { db in
            try db.execute(sql: "UPDATE recording_segments SET state = 'failed', message = ? WHERE path = ? AND state != 'filed'",
                           arguments: [message, path])
        }
    }

    public func recordingSegment(path: String) throws -> PendingSegment? {
        try db.read { db in
            try Row.fetchOne(db, sql: "SELECT * FROM recording_segments WHERE path = ?", arguments: [path]).map(Self.pendingSegment)
        }
    }

    public func unfiledSegments() throws -> [PendingSegment] {
        try db.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM recording_segments WHERE state != 'filed' ORDER BY closed_at, session, sequence")
                .map(Self.pendingSegment)
        }
    }

    public func recordingSegments(_ q: SegmentQuery) throws -> [RecordingSegment] {
        var clauses: [String] = []
        var args: [any DatabaseValueConvertible] = []
        if let c = q.courtroom { clauses.append("s.courtroom = ?"); args.append(c) }
        if let h = q.hearing { clauses.append("s.hearing = ?"); args.append(h) }
        if let r = q.session { clauses.append("s.session = ?"); args.append(r) }
        let whereSQL = clauses.isEmpty ? "" : "WHERE " + clauses.joined(separator: " AND ")
        let rows = try db.read { db in
            try Row.fetchAll(db, sql: """
                SELECT s.*, items.sha256 AS item_sha256 FROM recording_segments s LEFT JOIN items ON items.id = s.item_id
                \(whereSQL) ORDER BY s.first_sample_time DESC, s.session DESC, s.sequence DESC LIMIT ?
                """, arguments: StatementArguments(args + [q.limit]))
        }
        var segments: [RecordingSegment] = []
        // Where the previous segment of each courtroom ended: its first sample plus its frames.
        var previousEnd: [String: (sample: Int64, rate: Int, time: Date)] = [:]
        for row in rows.reversed() {
            let s = Self.closedSegment(row)
            let seconds = Double(s.frames) / Double(max(1, s.rate))
            let end = s.firstSampleTime.addingTimeInterval(seconds)
            let gap = previousEnd[s.courtroom].map { previous in
                // Counted in samples when the rates agree: contiguous segments have no gap at all.
                previous.rate == s.rate ? Double(s.firstSample - previous.sample) / Double(max(1, s.rate))
                                        : (s.firstSampleTime.timeIntervalSince(previous.time) * 1000).rounded() / 1000
            }
            previousEnd[s.courtroom] = (s.firstSample + s.frames, s.rate, end)
            let path = s.path
            segments.append(RecordingSegment(
                courtroom: s.courtroom, hearing: s.hearing, case: s.caseNumber, session: s.session, sequence: s.sequence,
                firstFrame: s.firstFrame, frames: s.frames, rate: s.rate, firstSampleTime: row["first_sample_time"],
                endTime: RFC3339.format(end), durationSeconds: seconds, gapBeforeSeconds: gap, droppedFrames: s.droppedFrames,
                gaps: s.gaps, alarms: s.alarms, repaired: s.repaired, state: SegmentState(rawValue: row["state"]) ?? .failed,
                item: row["item_id"], sha256: row["item_sha256"], fileName: (path as NSString).lastPathComponent,
                filedAt: row["filed_at"], message: row["message"]))
        }
        return segments
    }

    public func segmentCounts(courtroom: String) throws -> (filed: Int64, pending: Int64) {
        try db.read { db in
            let row = try Row.fetchOne(db, sql: """
                SELECT coalesce(sum(state = 'filed'), 0) AS filed, coalesce(sum(state != 'filed'), 0) AS pending
                FROM recording_segments WHERE courtroom = ?
                """, arguments: [courtroom])!
            return (row["filed"], row["pending"])
        }
    }

    static func closedSegment(_ row: Row) -> ClosedSegment {
        let summary = (try? IndexJSON.decoder.decode([String: JSONValue].self, from: Data((row["summary"] as String).utf8))) ?? [:]
        return ClosedSegment(
            path: row["path"], session: row["session"], sequence: row["sequence"], courtroom: row["courtroom"],
            hearing: row["hearing"], caseNumber: row["case_number"], firstFrame: row["first_frame"], frames: row["frames"],
            rate: row["rate"], firstSample: row["first_sample"], firstSampleTime: RFC3339.parse(row["first_sample_time"]) ?? Date(timeIntervalSince1970: 0),
            droppedFrames: row["dropped_frames"], gaps: row["gaps"], alarms: row["alarms"], repaired: row["repaired"],
            summary: summary, deviceSerial: row["device_serial"],
            requester: Caller(uid: UInt32(row["requested_uid"] as Int64), gid: 0, name: row["requested_name"], roles: []))
    }

    static func pendingSegment(_ row: Row) -> PendingSegment {
        PendingSegment(segment: closedSegment(row), state: SegmentState(rawValue: row["state"]) ?? .failed,
                       jobID: row["job_id"], itemID: row["item_id"])
    }
}

/// A recording row the index does not have.
public struct RecordingStoreError: Error, Sendable, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}
