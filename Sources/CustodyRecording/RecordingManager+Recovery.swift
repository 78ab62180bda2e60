import CustodyAudio
import CustodyCore
import CustodyModel
import CustodyStore
import Foundation

/// What start-up recovery found in the recordings directory.
public struct RecordingRecoveryReport: Sendable, Equatable {
    /// Sessions a crash cut off (their end is now recorded, reason `crash`).
    public var sessionsEnded: [String] = []
    /// Segments a crash left unfinished: repaired and queued for filing.
    public var segmentsRepaired: [String] = []
    /// Segments closed but not yet filed: queued for filing.
    public var segmentsQueued: [String] = []
    /// Working files of segments already filed, removed.
    public var workingFilesRemoved = 0
}

extension RecordingManager {
    /// Run at start-up, before ``run()``: records the end of sessions a crash cut off,
    /// repairs every segment left unfinished in `<stateDirectory>/recordings` (its
    /// sizes brought up to every whole frame on disk; nothing else is changed) and
    /// queues every segment not yet filed, in order.
    public func recover() -> RecordingRecoveryReport {
        var report = RecordingRecoveryReport()
        let base = options.recordingsDirectory
        let fm = FileManager.default
        let directories = ((try? fm.contentsOfDirectory(atPath: base)) ?? []).sorted()
        var queue: [String: [String]] = [:]
        for directory in directories {
            let roomPath = base + "/" + directory
            var isDirectory: ObjCBool = false
            guard fm.fileExists(atPath: roomPath, isDirectory: &isDirectory), isDirectory.boolValue else { continue }
            let names = ((try? fm.contentsOfDirectory(atPath: roomPath)) ?? []).filter { $0.hasSuffix(".wav") }.sorted()
            for name in names {
                let path = roomPath + "/" + name
                let known: PendingSegment?
                do { known = try store.recordingSegment(path: path) } catch {
                    logger.error("recording recovery: cannot read segment \(path) from the index: \(error)")
                    continue
                }
                if let known {
                    if known.state == .filed {
                        if !options.recording.keepFiledSegments {
                            removeWorkingFile(path, courtroom: directory)
                            report.workingFilesRemoved += 1
                        }
                    } else {
                        queue[directory, default: []].append(path)
                        report.segmentsQueued.append(path)
                    }
                    continue
                }
                if repair(path, courtroom: directory) {
                    queue[directory, default: []].append(path)
                    report.segmentsRepaired.append(path)
                }
            }
        }
        // Segments the index has waiting whose files are gone cannot be filed: say so.
        if let waiting = try? store.unfiledSegments() {
            for pending in waiting where !fm.fileExists(atPath: pending.segment.path) && pending.state != .failed {
                do { try store.recordSegmentFailed(path: pending.segment.path, message: "its working file is missing") } catch {}
                logger.error("recording recovery: segment \(pending.segment.path) is not filed and its working file is missing")
            }
        }
        // Sessions a crash cut off end now, with what their segments hold.
        do {
            for session in try store.unendedRecordingSessions() {
                let segments = (try? store.recordingSegments(SegmentQuery(session: session.reference, limit: 1_000_000))) ?? []
                let frames = segments.reduce(Int64(0)) { $0 + $1.frames }
                let dropped = segments.reduce(Int64(0)) { $0 + $1.droppedFrames }
                try store.recordSessionEnd(session.reference, end: RecordingSessionEnd(reason: "crash", framesCaptured: frames, droppedFrames: dropped),
                                           actor: .daemon, detail: ["segments": .number(Double(segments.count)),
                                                                    "message": .string("custodyd stopped without ending the session; its last segment was repaired at start")])
                report.sessionsEnded.append(session.reference)
            }
        } catch {
            logger.error("recording recovery: cannot end the sessions a crash cut off: \(error)")
        }
        // Queue them, in order, for the rooms' filers (which start with run()).
        for (directory, paths) in queue.sorted(by: { $0.key < $1.key }) {
            let room: Room
            if let configured = roomsByID[directory] {
                room = configured
            } else {
                room = Room(config: .init(id: directory, pcm: "-"), recordingsDirectory: base)
                orphanRooms.withLock { $0.append(room) }
            }
            for path in sortedBySession(paths) { room.filingInput.yield(path) }
        }
        if !report.segmentsRepaired.isEmpty || !report.segmentsQueued.isEmpty || !report.sessionsEnded.isEmpty {
            logger.notice("recording recovery: \(report.segmentsRepaired.count) unfinished segments repaired, \(report.segmentsQueued.count) segments waiting to be filed, \(report.sessionsEnded.count) sessions cut off by a crash")
        }
        return report
    }

    /// Paths in recording order: by session, then sequence (as their names say).
    func sortedBySession(_ paths: [String]) -> [String] {
        paths.sorted { a, b in
            let x = SegmentFileName((a as NSString).lastPathComponent), y = SegmentFileName((b as NSString).lastPathComponent)
            guard let x, let y, x.session != y.session || x.sequence != y.sequence else { return a < b }
            if x.session != y.session {
                let tx = (try? store.recordingSession(x.session))?.firstSampleTime ?? .distantPast
                let ty = (try? store.recordingSession(y.session))?.firstSampleTime ?? .distantPast
                return tx != ty ? tx < ty : x.session < y.session
            }
            return x.sequence < y.sequence
        }
    }

    /// Repairs an unfinished segment and records it as closed, with a `recording.repair`
    /// event. Returns false when it cannot be recorded (it stays for the next start).
    func repair(_ path: String, courtroom: String) -> Bool {
        let name = (path as NSString).lastPathComponent
        let parsed = SegmentFileName(name)
        let session = parsed.flatMap { try? store.recordingSession($0.session) }
        var detail: [String: JSONValue] = ["path": .string(path), "courtroom": .string(courtroom)]
        if let parsed { detail["session"] = .string(parsed.session); detail["sequence"] = .number(Double(parsed.sequence)) }
        var frames: Int64 = 0
        var rate = session?.rate ?? 48_000
        var outcome = "ok"
        var summary: [String: JSONValue] = [:]
        do {
            let report = try SegmentRepair.repair(path: path)
            frames = Int64(report.frames)
            rate = report.rate
            detail["outcome"] = .string(report.outcome.rawValue)
            detail["frames"] = .number(Double(report.frames))
            detail["statedDataBytes"] = .number(Double(report.statedDataBytes))
            detail["dataBytes"] = .number(Double(report.dataBytes))
            detail["discardedPartialFrameBytes"] = .number(Double(report.discardedPartialFrameBytes))
            detail["findings"] = .array(report.findings.map { .string($0) })
            summary["repair"] = .object(["outcome": .string(report.outcome.rawValue), "findings": .array(report.findings.map { .string($0) })])
        } catch {
            // Not a segment that can be repaired (cut before its audio began): it is filed as it is, with the reason.
            outcome = "error"
            detail["message"] = .string(error.description)
            summary["repair"] = .object(["outcome": .string("failed"), "message": .string(error.description)])
            logger.error("recording recovery: cannot repair \(path): \(error); filed as it is")
        }
        let sequence = parsed?.sequence ?? 1
        let segmentFrames = session?.segmentFrames ?? 0
        let firstFrame = Int64(sequence - 1) * segmentFrames
        // The first sample as the segment's own bext states it; else the session's start plus the frames before it.
        let stated = SampleTime.read(path: path)
        if let stated { rate = stated.rate }
        let firstSample = stated?.samples
            ?? session.map { SampleTime.samples($0.firstSampleTime, rate: $0.rate) + firstFrame }
            ?? SampleTime.samples(((try? FileManager.default.attributesOfItem(atPath: path))?[.modificationDate] as? Date) ?? clock.now(), rate: rate)
        let closed = ClosedSegment(
            path: path, session: parsed?.session ?? "", sequence: sequence, courtroom: courtroom, hearing: session?.hearing,
            caseNumber: session?.caseNumber, firstFrame: firstFrame, frames: frames, rate: rate, firstSample: firstSample,
            firstSampleTime: SampleTime.date(samples: firstSample, rate: rate),
            droppedFrames: 0, gaps: 0, alarms: 0, repaired: true, summary: summary, deviceSerial: session?.interfaceSerial,
            requester: session?.startedBy ?? .daemon)
        do {
            try store.recordSegmentClosed(closed)
            record(EventInput(actor: .daemon, action: "recording.repair", subject: "courtroom:\(courtroom)", outcome: outcome, detail: detail))
            return true
        } catch {
            logger.error("recording recovery: cannot record the repaired segment \(path): \(error)")
            return false
        }
    }
}
