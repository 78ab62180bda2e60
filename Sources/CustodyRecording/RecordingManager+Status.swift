import CustodyAudio
import CustodyCore
import CustodyModel
import CustodyStore
import Foundation

extension RecordingManager {
    /// Every configured courtroom's recording, in configuration order.
    /// - Throws: when the index cannot be read (segment counts).
    public func courtrooms() throws -> [CourtroomRecording] {
        try rooms.map { try status($0, segments: 0) }
    }

    /// One courtroom's recording with its latest `segments` segments; nil when no courtroom has that id.
    public func courtroom(_ id: String, segments: Int) throws -> CourtroomRecording? {
        guard let room = roomsByID[id] else { return nil }
        return try status(room, segments: segments)
    }

    /// Segments in recording order, with the gaps between them.
    public func segments(_ query: SegmentQuery) throws -> [RecordingSegment] {
        try store.recordingSegments(query)
    }

    /// Whether a courtroom has this id.
    public func hasCourtroom(_ id: String) -> Bool { roomsByID[id] != nil }

    func status(_ room: Room, segments: Int) throws -> CourtroomRecording {
        var recording = liveStatus(room)
        let counts = try store.segmentCounts(courtroom: room.id)
        recording.segmentsFiled = counts.filed
        recording.segmentsPending = counts.pending
        if segments > 0 {
            recording.segments = try store.recordingSegments(SegmentQuery(courtroom: room.id, limit: segments))
        }
        return recording
    }

    /// What the capture itself says, without the index.
    func liveStatus(_ room: Room) -> CourtroomRecording {
        let c = room.config
        let current = room.state.withLock { $0.current }
        var state = RecordingState.idle
        var session: RecordingSession?
        var pcm = c.pcm
        if let current {
            let live = current.capture.status
            state = switch live.state {
            case .idle, .opening: .opening
            case .recording: current.finished.value == nil ? .recording : .stopped
            case .stopped: .stopped
            case .faulted: .faulted
            }
            pcm = current.request.pcm
            session = sessionStatus(current, live: live, rate: room.format.rate)
        }
        return CourtroomRecording(
            courtroom: c.id, pcm: pcm, interface: c.interface,
            format: AudioFormat(sampleFormat: room.format.sampleFormat.rawValue, channels: c.channels, rate: c.rate),
            channelNames: c.effectiveChannelNames, segmentFrames: Int64(c.effectiveSegmentFrames), automatic: c.automatic,
            state: state, session: session, segmentsFiled: 0, segmentsPending: 0)
    }

    func sessionStatus(_ session: ActiveSession, live: CaptureStatus, rate: Int) -> RecordingSession {
        let r = session.request
        let asked = session.stopRequest.withLock { $0 }
        let result = session.finished.value
        let reason = result?.reason
        let stoppedBy: Author? = result.map { end in
            let who = end.stop?.reason == .stopRequested ? (asked?.caller ?? .daemon) : .daemon
            return Author(uid: who.uid, name: who.name)
        }
        let active = result == nil
        return RecordingSession(
            reference: session.reference.withLock { $0 }, hearing: r.hearing, case: r.caseNumber, automatic: r.automatic,
            startedBy: Author(uid: r.caller.uid, name: r.caller.name), requestedAt: RFC3339.format(r.requestedAt),
            firstSampleTime: (session.firstSample.withLock { $0 }.map { SampleTime.date(samples: $0, rate: rate) } ?? live.firstSampleTime)
                .map(RFC3339.format), durationFrames: r.durationFrames.map { Int64($0) },
            framesCaptured: Int64(live.framesCaptured), secondsCaptured: Double(live.framesCaptured) / Double(max(1, rate)),
            droppedFrames: Int64(live.droppedFrames), gaps: live.gaps, segmentsClosed: live.segmentsClosed,
            segmentsFiled: session.segmentsFiled.load(ordering: .relaxed),
            currentSegment: active ? live.currentSegment?.sequence : nil,
            currentSegmentFrames: active ? live.currentSegment.map { Int64($0.frames) } : nil,
            levels: active ? live.levels.map(Self.levelReading) : [],
            activeAlarms: active ? live.activeAlarms.map(Self.alarmRecord) : [],
            fault: live.lastFault.map { Self.faultRecord($0, at: session.faultAt.withLock { $0 } ?? session.stoppedAt.withLock { $0 } ?? r.requestedAt) },
            stoppedAt: session.stoppedAt.withLock { $0 }.map(RFC3339.format), stopReason: reason, stoppedBy: stoppedBy)
    }

    static func round2(_ value: Double?) -> Double? {
        guard let value, value.isFinite else { return nil }
        return (value * 100).rounded() / 100
    }

    static func levelReading(_ level: ChannelLevel) -> LevelReading {
        LevelReading(channel: level.channel, name: level.name, peakDBFS: round2(level.peakDBFS), rmsDBFS: round2(level.rmsDBFS),
                        clippedSamples: Int64(level.clippedSamples), frames: Int64(level.frames))
    }

    static func alarmRecord(_ alarm: CaptureAlarm) -> RecordingAlarm {
        RecordingAlarm(kind: alarm.kind.rawValue, channel: alarm.channel, channelName: alarm.channelName,
                          startFrame: Int64(alarm.startFrame), endFrame: alarm.endFrame.map { Int64($0) },
                          startTime: RFC3339.format(alarm.startTime), endTime: alarm.endTime.map(RFC3339.format))
    }

    static func faultRecord(_ fault: CaptureFault, at time: Date) -> RecordingFault {
        RecordingFault(code: fault.code.rawValue, pcm: fault.pcmName, call: fault.call, message: fault.message,
                          time: RFC3339.format(time))
    }
}
