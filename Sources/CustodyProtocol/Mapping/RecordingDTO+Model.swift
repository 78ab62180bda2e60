import CustodyModel

extension CourtroomRecordingDTO {
    public init(_ r: CourtroomRecording) {
        self.init(courtroom: r.courtroom, pcm: r.pcm, interface: r.interface, format: AudioFormatDTO(r.format),
                  channelNames: r.channelNames, segmentFrames: r.segmentFrames, automatic: r.automatic, state: r.state,
                  session: r.session.map(RecordingSessionDTO.init), segmentsFiled: r.segmentsFiled, segmentsPending: r.segmentsPending,
                  segments: r.segments?.map(RecordingSegmentDTO.init))
    }
}

extension AudioFormatDTO {
    public init(_ f: AudioFormat) { self.init(sampleFormat: f.sampleFormat, channels: f.channels, rate: f.rate) }
}

extension RecordingSessionDTO {
    public init(_ s: RecordingSession) {
        self.init(reference: s.reference, hearing: s.hearing, case: s.case, automatic: s.automatic, startedBy: ActorDTO(s.startedBy),
                  requestedAt: s.requestedAt, firstSampleTime: s.firstSampleTime, durationFrames: s.durationFrames,
                  framesCaptured: s.framesCaptured, secondsCaptured: s.secondsCaptured, droppedFrames: s.droppedFrames, gaps: s.gaps,
                  segmentsClosed: s.segmentsClosed, segmentsFiled: s.segmentsFiled, currentSegment: s.currentSegment,
                  currentSegmentFrames: s.currentSegmentFrames, levels: s.levels.map(ChannelLevelDTO.init),
                  activeAlarms: s.activeAlarms.map(RecordingAlarmDTO.init), fault: s.fault.map(RecordingFaultDTO.init),
                  stoppedAt: s.stoppedAt, stopReason: s.stopReason, stoppedBy: s.stoppedBy.map(ActorDTO.init))
    }
}

extension ChannelLevelDTO {
    public init(_ l: LevelReading) {
        self.init(channel: l.channel, name: l.name, peakDBFS: l.peakDBFS, rmsDBFS: l.rmsDBFS, clippedSamples: l.clippedSamples,
                  frames: l.frames)
    }
}

extension RecordingAlarmDTO {
    public init(_ a: RecordingAlarm) {
        self.init(kind: a.kind, channel: a.channel, channelName: a.channelName, startFrame: a.startFrame, endFrame: a.endFrame,
                  startTime: a.startTime, endTime: a.endTime)
    }
}

extension RecordingFaultDTO {
    public init(_ f: RecordingFault) { self.init(code: f.code, pcm: f.pcm, call: f.call, message: f.message, time: f.time) }
}

extension RecordingSegmentDTO {
    public init(_ s: RecordingSegment) {
        self.init(courtroom: s.courtroom, hearing: s.hearing, case: s.case, session: s.session, sequence: s.sequence,
                  firstFrame: s.firstFrame, frames: s.frames, rate: s.rate, firstSampleTime: s.firstSampleTime, endTime: s.endTime,
                  durationSeconds: s.durationSeconds, gapBeforeSeconds: s.gapBeforeSeconds, droppedFrames: s.droppedFrames, gaps: s.gaps,
                  alarms: s.alarms, repaired: s.repaired, state: s.state, item: s.item, sha256: s.sha256, fileName: s.fileName,
                  filedAt: s.filedAt, message: s.message)
    }
}
