import CustodyAudio
import CustodyCore
import CustodyModel
import CustodyStore
import Foundation

extension RecordingManager {
    /// Follows sessions, files segments and (with a schedule) starts and stops
    /// sessions, until ``shutdown()``; then waits for the sessions to end and their
    /// segments to be filed.
    public func run() async {
        running.store(true, ordering: .releasing)
        let filers = rooms + orphanRooms.withLock { $0 }
        await withTaskGroup(of: Void.self) { ticker in
            if schedule != nil, rooms.contains(where: \.config.automatic) {
                ticker.addTask { await self.followSchedule() }
            }
            await withDiscardingTaskGroup { group in
                for room in filers {
                    group.addTask { await self.fileSegments(of: room) }
                }
                group.addTask {
                    await withDiscardingTaskGroup { sessions in
                        for await item in self.work {
                            switch item {
                            case .follow(let room, let session):
                                sessions.addTask { await self.follow(session, in: room) }
                            }
                        }
                    }
                    // Every session has ended: no more segments will come.
                    for room in filers { room.filingInput.finish() }
                }
            }
            ticker.cancelAll()
        }
        running.store(false, ordering: .releasing)
    }

    // MARK: Following a session

    /// Records what a session reports, until it ends.
    func follow(_ session: ActiveSession, in room: Room) async {
        for await event in session.capture.events {
            // In order, off the cooperative threads: each event is a durable commit.
            await Offload.run { self.handle(event, session: session, room: room) }
            // A running session's state and alarms live in memory: live readers look again.
            store.changes.announce(.recordings)
        }
        // The stream ends after `stopped`; should it not have come, the session still ends here.
        if session.finished.value == nil {
            if let stop = session.capture.result {
                ended(stop, session: session, room: room)
            } else {
                if session.opened.value == nil {
                    session.opened.fulfil(.failed(code: .pcmRead, message: "the capture of courtroom \(room.id) ended without a word"))
                }
                session.finished.fulfil(SessionEnd(reason: "fault", stop: nil))
            }
        }
        store.changes.announce(.recordings)
    }

    func handle(_ event: CaptureEvent, session: ActiveSession, room: Room) {
        switch event {
        case .started(let start):
            started(start, session: session, room: room)
        case .segmentClosed(let record):
            closed(record, session: session, room: room)
        case .gap(let gap):
            var detail = Self.gapDetail(gap)
            detail["session"] = session.reference.withLock { $0 }.map { .string($0) } ?? .null
            detail["courtroom"] = .string(room.id)
            record(EventInput(actor: .daemon, action: "recording.gap", subject: "courtroom:\(room.id)", outcome: "error", detail: detail))
            if let lost = gap.lostFrames { metrics?.framesDropped(Int(lost)) }
            logger.warning("courtroom \(room.id): \(gap.lostFrames.map { "\($0) frames" } ?? "an unknown number of frames") lost (\(gap.cause.rawValue)) at frame \(gap.frameIndex)")
        case .alarmRaised(let alarm):
            alarmChanged(alarm, raised: true, session: session, room: room)
        case .alarmCleared(let alarm):
            alarmChanged(alarm, raised: false, session: session, room: room)
        case .fault(let fault):
            faulted(fault, session: session, room: room)
        case .stopped(let stop):
            ended(stop, session: session, room: room)
        }
    }

    private func started(_ start: CaptureStart, session: ActiveSession, room: Room) {
        session.reference.withLock { $0 = start.sessionReference }
        // One instant for the session's first frame, computed as its segment's is (from
        // the sample its bext states): the session, the first segment and the hearing's
        // actual start then carry the same time, to the last digit.
        let firstSample = Int64(clamping: start.firstSample)
        session.firstSample.withLock { $0 = firstSample }
        let firstSampleTime = SampleTime.date(samples: firstSample, rate: room.format.rate)
        let r = session.request
        let record = RecordingSessionRecord(
            reference: start.sessionReference, courtroom: room.id, hearing: r.hearing, caseNumber: r.caseNumber, pcm: r.pcm,
            pcmType: start.configuration.pcmType, interfaceSerial: r.interfaceSerial, sampleFormat: room.format.sampleFormat.rawValue,
            channels: room.format.channels, rate: room.format.rate, channelNames: session.capture.configuration.channelNames,
            segmentFrames: Int64(session.capture.configuration.segmentFrames), durationFrames: r.durationFrames.map { Int64($0) },
            automatic: r.automatic, startedBy: r.caller, firstSampleTime: firstSampleTime)
        do {
            try store.recordSessionStart(record, detail: [
                "periodFrames": .number(Double(start.configuration.periodFrames)),
                "bufferFrames": .number(Double(start.configuration.bufferFrames)),
            ])
        } catch {
            logger.critical("courtroom \(room.id): cannot record the start of session \(start.sessionReference): \(error)")
        }
        if let hearing = r.hearing, let schedule {
            do { try schedule.recordActual(hearing: hearing, start: firstSampleTime, end: nil, actor: r.caller) } catch {
                logger.info("courtroom \(room.id): hearing \(hearing)'s actual start not recorded: \(error)")
            }
        }
        metrics?.sessionStarted()
        session.opened.fulfil(.started(reference: start.sessionReference))
    }

    private func closed(_ segment: SegmentRecord, session: ActiveSession, room: Room) {
        let r = session.request
        let b = segment.broadcastExtension
        let first = SampleTime.samples(originationDate: b.originationDate, timeReference: b.timeReference, rate: room.format.rate)
            ?? SampleTime.samples(segment.firstSampleTime, rate: room.format.rate)
        let closed = ClosedSegment(
            path: segment.path, session: session.reference.withLock { $0 } ?? "", sequence: segment.sequence, courtroom: room.id,
            hearing: r.hearing, caseNumber: r.caseNumber, firstFrame: Int64(segment.firstFrame), frames: Int64(segment.frameCount),
            rate: room.format.rate, firstSample: first, firstSampleTime: SampleTime.date(samples: first, rate: room.format.rate),
            droppedFrames: Int64(segment.summary.droppedFrames),
            gaps: segment.summary.gaps.count, alarms: segment.summary.alarms.count, repaired: false,
            summary: Self.summaryDetail(segment), deviceSerial: r.interfaceSerial, requester: r.caller)
        do {
            try store.recordSegmentClosed(closed)
            room.filingInput.yield(segment.path)
        } catch {
            // The file stays in the recordings directory: the next start files it.
            logger.critical("courtroom \(room.id): cannot record segment \(segment.path): \(error); it is filed at the next start")
        }
    }

    private func alarmChanged(_ alarm: CaptureAlarm, raised: Bool, session: ActiveSession, room: Room) {
        var detail = Self.alarmDetail(alarm)
        detail["session"] = session.reference.withLock { $0 }.map { .string($0) } ?? .null
        detail["courtroom"] = .string(room.id)
        record(EventInput(actor: .daemon, action: raised ? "recording.alarm.raise" : "recording.alarm.clear",
                          subject: "courtroom:\(room.id)", outcome: raised ? "error" : "ok", detail: detail))
        let what = alarm.kind == .silence ? "silence on channel \(alarm.channel ?? 0) (\(alarm.channelName ?? "-"))" : "no data from the PCM"
        if raised { metrics?.alarmRaised() }
        if raised { logger.warning("courtroom \(room.id): alarm: \(what)") } else { logger.notice("courtroom \(room.id): cleared: \(what)") }
    }

    private func faulted(_ fault: CaptureFault, session: ActiveSession, room: Room) {
        let r = session.request
        let reference = session.reference.withLock { $0 }
        session.faultAt.withLock { $0 = clock.now() }
        var detail: [String: JSONValue] = [
            "courtroom": .string(room.id), "code": .string(fault.code.rawValue), "pcm": .string(fault.pcmName),
            "message": .string(fault.message), "frameIndex": .number(Double(fault.frameIndex)), "automatic": .bool(r.automatic),
        ]
        if let call = fault.call { detail["call"] = .string(call) }
        if let code = fault.errorCode { detail["errorCode"] = .number(Double(code)) }
        if let path = fault.path { detail["path"] = .string(path) }
        if let reference { detail["session"] = .string(reference) }
        if let hearing = r.hearing { detail["hearing"] = .string(hearing) }
        // Before the capture started, the fault answers the person who asked for it.
        record(EventInput(actor: reference == nil ? r.caller : .daemon, action: "recording.fault", subject: "courtroom:\(room.id)",
                          outcome: "error", detail: detail))
        logger.error("courtroom \(room.id): \(fault.message)")
        if reference == nil { session.opened.fulfil(.failed(code: fault.code, message: fault.message)) }
    }

    func ended(_ stop: CaptureStop, session: ActiveSession, room: Room) {
        let now = clock.now()
        session.stoppedAt.withLock { $0 = now }
        let r = session.request
        let asked = session.stopRequest.withLock { $0 }
        let reason = stop.reason == .stopRequested ? (asked?.reason ?? "stopRequested") : stop.reason.rawValue
        if let reference = session.reference.withLock({ $0 }) {
            do {
                try store.recordSessionEnd(reference, end: RecordingSessionEnd(reason: reason, framesCaptured: Int64(stop.framesCaptured),
                                                                              droppedFrames: Int64(stop.droppedFrames)),
                                           actor: stop.reason == .stopRequested ? (asked?.caller ?? .daemon) : .daemon,
                                           detail: ["segments": .number(Double(stop.segments)),
                                                    "gapsOfUnknownLength": .number(Double(stop.gapsOfUnknownLength))])
            } catch {
                logger.critical("courtroom \(room.id): cannot record the end of session \(reference): \(error)")
            }
            if let hearing = r.hearing, let schedule, let first = session.firstSample.withLock({ $0 }) {
                let frames = Int64(clamping: stop.framesCaptured + stop.droppedFrames)
                let end = SampleTime.date(samples: first + frames, rate: room.format.rate)
                do { try schedule.recordActual(hearing: hearing, start: nil, end: end, actor: asked?.caller ?? .daemon) } catch {
                    logger.info("courtroom \(room.id): hearing \(hearing)'s actual end not recorded: \(error)")
                }
            }
            metrics?.sessionEnded()
            logger.info("courtroom \(room.id): session \(reference) ended (\(reason)): \(stop.framesCaptured) frames in \(stop.segments) segments, \(stop.droppedFrames) dropped")
        } else if session.opened.value == nil {
            let fault = session.capture.status.lastFault
            session.opened.fulfil(.failed(code: fault?.code ?? .pcmOpen,
                                          message: fault?.message ?? "the session ended before capture started (\(reason))"))
        }
        session.finished.fulfil(SessionEnd(reason: reason, stop: stop))
    }

    /// Appends a custody event; a failure is logged (the capture goes on).
    func record(_ event: EventInput) {
        do { try store.record(event) } catch {
            logger.critical("cannot record \(event.action) for \(event.subject): \(error)")
        }
    }

    // MARK: Event details

    static func rounded(_ value: Double?) -> JSONValue {
        guard let value, value.isFinite else { return .null }
        return .number((value * 100).rounded() / 100)
    }

    static func levelDetail(_ level: ChannelLevel) -> JSONValue {
        .object(["channel": .number(Double(level.channel)), "name": .string(level.name), "peakDBFS": rounded(level.peakDBFS),
                 "rmsDBFS": rounded(level.rmsDBFS), "clippedSamples": .number(Double(level.clippedSamples)),
                 "frames": .number(Double(level.frames))])
    }

    static func gapDetail(_ gap: CaptureGap) -> [String: JSONValue] {
        ["frameIndex": .number(Double(gap.frameIndex)), "segment": .number(Double(gap.segmentSequence)),
         "cause": .string(gap.cause.rawValue), "lostFrames": gap.lostFrames.map { .number(Double($0)) } ?? .null,
         "measurement": .string(gap.measurement.rawValue), "detectedAt": .string(RFC3339.format(gap.detectedAt))]
    }

    static func alarmDetail(_ alarm: CaptureAlarm) -> [String: JSONValue] {
        var detail: [String: JSONValue] = [
            "alarm": .number(Double(alarm.id)), "kind": .string(alarm.kind.rawValue), "startFrame": .number(Double(alarm.startFrame)),
            "startTime": .string(RFC3339.format(alarm.startTime)),
        ]
        if let channel = alarm.channel { detail["channel"] = .number(Double(channel)) }
        if let name = alarm.channelName { detail["channelName"] = .string(name) }
        if let end = alarm.endFrame { detail["endFrame"] = .number(Double(end)) }
        if let end = alarm.endTime { detail["endTime"] = .string(RFC3339.format(end)) }
        if alarm.endedWithSession { detail["endedWithSession"] = .bool(true) }
        return detail
    }

    /// A segment's summary as its `recording.segment` event holds it.
    static func summaryDetail(_ segment: SegmentRecord) -> [String: JSONValue] {
        let s = segment.summary
        let b = segment.broadcastExtension
        return [
            "channels": .array(s.channels.map(levelDetail)),
            "gaps": .array(s.gaps.map { .object(gapDetail($0)) }),
            "gapsOfUnknownLength": .number(Double(s.gapsOfUnknownLength)),
            "alarms": .array(s.alarms.map { .object(alarmDetail($0)) }),
            "isRF64": .bool(segment.isRF64),
            "fileBytes": .number(Double(segment.fileBytes)),
            "bext": .object(["description": .string(b.description), "originatorReference": .string(b.originatorReference),
                             "originationDate": .string(b.originationDate), "originationTime": .string(b.originationTime),
                             "timeReference": .number(Double(b.timeReference))]),
        ]
    }
}
