import CustodyModel

// Courtroom recording: `/v1/recordings` and `/v1/recordings/{courtroom}`.

/// `POST /v1/recordings`: start recording a courtroom.
public struct RecordingStartDTO: Sendable, Codable, Equatable {
    /// The courtroom's `id` in `[[courtroom]]`.
    public var courtroom: String
    /// The hearing in session; when absent, the hearing the schedule has in session there (if any).
    public var hearing: String?
    /// The case; when absent, the hearing's case from the schedule (if any).
    public var `case`: String?
    /// Stop after this much audio, counted in frames (never wall time). At most one
    /// of `durationFrames` and `durationSeconds`; neither: until stopped.
    public var durationFrames: Int64?
    /// Stop after this much audio, in seconds at the courtroom's rate (counted in frames).
    public var durationSeconds: Double?

    public init(courtroom: String, hearing: String? = nil, case: String? = nil, durationFrames: Int64? = nil, durationSeconds: Double? = nil) {
        self.courtroom = courtroom; self.hearing = hearing; self.case = `case`
        self.durationFrames = durationFrames; self.durationSeconds = durationSeconds
    }
}

/// `POST /v1/recordings/{courtroom}`: act on a courtroom's recording.
public struct RecordingActionDTO: Sendable, Codable, Equatable {
    public enum Action: String, Sendable, Codable, CaseIterable {
        /// Stop the session (finishing its segment); an automatic session so stopped is
        /// not started again for the same hearing.
        case stop
    }
    public var action: Action
    public init(action: Action) { self.action = action }
}

/// The sample format, channels and rate of a PCM stream.
public struct AudioFormatDTO: Sendable, Codable, Equatable {
    /// `S16_LE`, `S24_3LE` or `S32_LE`.
    public var sampleFormat: String
    public var channels: Int
    public var rate: Int
    public init(sampleFormat: String, channels: Int, rate: Int) {
        self.sampleFormat = sampleFormat; self.channels = channels; self.rate = rate
    }
}

/// One channel's level over a stretch of audio.
public struct ChannelLevelDTO: Sendable, Codable, Equatable {
    /// 1-based.
    public var channel: Int
    public var name: String
    /// Largest magnitude in dBFS (absent: every sample was zero).
    public var peakDBFS: Double?
    /// RMS in dBFS (absent: every sample was zero).
    public var rmsDBFS: Double?
    /// Samples at full scale.
    public var clippedSamples: Int64
    public var frames: Int64
    public init(channel: Int, name: String, peakDBFS: Double?, rmsDBFS: Double?, clippedSamples: Int64, frames: Int64) {
        self.channel = channel; self.name = name; self.peakDBFS = peakDBFS; self.rmsDBFS = rmsDBFS
        self.clippedSamples = clippedSamples; self.frames = frames
    }
}

/// An alarm of the confidence monitoring.
public struct RecordingAlarmDTO: Sendable, Codable, Equatable {
    /// `silence` (a channel below the threshold) or `noData` (the PCM delivers nothing).
    public var kind: String
    public var channel: Int?
    public var channelName: String?
    /// Session frame where the condition began.
    public var startFrame: Int64
    /// Session frame where it ended (exclusive); absent while it lasts.
    public var endFrame: Int64?
    public var startTime: String
    public var endTime: String?
    public init(kind: String, channel: Int?, channelName: String?, startFrame: Int64, endFrame: Int64?, startTime: String, endTime: String?) {
        self.kind = kind; self.channel = channel; self.channelName = channelName; self.startFrame = startFrame
        self.endFrame = endFrame; self.startTime = startTime; self.endTime = endTime
    }
}

/// Why a session could not record or could not go on.
public struct RecordingFaultDTO: Sendable, Codable, Equatable {
    /// `capture.pcm-open`, `capture.pcm-read`, `capture.segment-write`, `capture.invalid-configuration`.
    public var code: String
    public var pcm: String
    /// The failing C call, e.g. `snd_pcm_open`.
    public var call: String?
    public var message: String
    public var time: String
    public init(code: String, pcm: String, call: String?, message: String, time: String) {
        self.code = code; self.pcm = pcm; self.call = call; self.message = message; self.time = time
    }
}

/// A courtroom's recording session (the current one, or the last).
public struct RecordingSessionDTO: Sendable, Codable, Equatable {
    /// 12 hex digits; each segment's bext OriginatorReference begins with it.
    public var reference: String?
    public var hearing: String?
    public var `case`: String?
    /// Started by the hearing schedule rather than by a person.
    public var automatic: Bool
    public var startedBy: ActorDTO
    public var requestedAt: String
    /// The first frame's wall-clock time.
    public var firstSampleTime: String?
    public var durationFrames: Int64?
    public var framesCaptured: Int64
    public var secondsCaptured: Double
    public var droppedFrames: Int64
    public var gaps: Int
    public var segmentsClosed: Int
    public var segmentsFiled: Int
    /// The segment being written.
    public var currentSegment: Int?
    public var currentSegmentFrames: Int64?
    /// Levels over the last tenth of a second.
    public var levels: [ChannelLevelDTO]
    public var activeAlarms: [RecordingAlarmDTO]
    public var fault: RecordingFaultDTO?
    public var stoppedAt: String?
    /// `durationReached`, `stopRequested`, `fault`, `schedule` or `shutdown`.
    public var stopReason: String?
    public var stoppedBy: ActorDTO?

    public init(reference: String?, hearing: String?, case: String?, automatic: Bool, startedBy: ActorDTO, requestedAt: String,
                firstSampleTime: String?, durationFrames: Int64?, framesCaptured: Int64, secondsCaptured: Double, droppedFrames: Int64,
                gaps: Int, segmentsClosed: Int, segmentsFiled: Int, currentSegment: Int?, currentSegmentFrames: Int64?,
                levels: [ChannelLevelDTO], activeAlarms: [RecordingAlarmDTO], fault: RecordingFaultDTO?, stoppedAt: String?,
                stopReason: String?, stoppedBy: ActorDTO?) {
        self.reference = reference; self.hearing = hearing; self.case = `case`; self.automatic = automatic
        self.startedBy = startedBy; self.requestedAt = requestedAt; self.firstSampleTime = firstSampleTime
        self.durationFrames = durationFrames; self.framesCaptured = framesCaptured; self.secondsCaptured = secondsCaptured
        self.droppedFrames = droppedFrames; self.gaps = gaps; self.segmentsClosed = segmentsClosed; self.segmentsFiled = segmentsFiled
        self.currentSegment = currentSegment; self.currentSegmentFrames = currentSegmentFrames; self.levels = levels
        self.activeAlarms = activeAlarms; self.fault = fault; self.stoppedAt = stoppedAt; self.stopReason = stopReason
        self.stoppedBy = stoppedBy
    }
}

/// A configured courtroom and its recording: `GET /v1/recordings/{courtroom}`.
public struct CourtroomRecordingDTO: Sendable, Codable, Equatable {
    public var courtroom: String
    /// The PCM configured, or the one found through the interface (absent: interface not docked).
    public var pcm: String?
    /// The audio interface's USB serial, when the courtroom names one.
    public var interface: String?
    public var format: AudioFormatDTO
    public var channelNames: [String]
    public var segmentFrames: Int64
    /// Follows the hearing schedule.
    public var automatic: Bool
    public var state: RecordingState
    public var session: RecordingSessionDTO?
    /// Segments of this courtroom filed as evidence (all sessions).
    public var segmentsFiled: Int64
    /// Segments closed but not yet filed (being filed now, or waiting for the store).
    public var segmentsPending: Int64
    /// The courtroom's latest segments, oldest first (on `GET /v1/recordings/{courtroom}`).
    public var segments: [RecordingSegmentDTO]?

    public init(courtroom: String, pcm: String?, interface: String?, format: AudioFormatDTO, channelNames: [String], segmentFrames: Int64,
                automatic: Bool, state: RecordingState, session: RecordingSessionDTO?, segmentsFiled: Int64, segmentsPending: Int64,
                segments: [RecordingSegmentDTO]? = nil) {
        self.courtroom = courtroom; self.pcm = pcm; self.interface = interface; self.format = format; self.channelNames = channelNames
        self.segmentFrames = segmentFrames; self.automatic = automatic; self.state = state; self.session = session
        self.segmentsFiled = segmentsFiled; self.segmentsPending = segmentsPending; self.segments = segments
    }
}

/// One Broadcast Wave segment of a recording session.
public struct RecordingSegmentDTO: Sendable, Codable, Equatable {
    public var courtroom: String
    public var hearing: String?
    public var `case`: String?
    public var session: String
    /// 1-based number in its session.
    public var sequence: Int
    /// Session frame of its first frame.
    public var firstFrame: Int64
    public var frames: Int64
    public var rate: Int
    /// Wall-clock time of its first frame (its bext origination time).
    public var firstSampleTime: String
    /// First sample time plus its frames and the frames dropped inside it.
    public var endTime: String
    public var durationSeconds: Double
    /// Seconds between the end of the previous segment listed and this one's start
    /// (absent for the first listed); 0 for contiguous segments.
    public var gapBeforeSeconds: Double?
    public var droppedFrames: Int64
    public var gaps: Int
    public var alarms: Int
    /// Repaired at start after a crash cut it off.
    public var repaired: Bool
    public var state: SegmentState
    public var item: Int64?
    public var sha256: String?
    public var fileName: String
    public var filedAt: String?
    public var message: String?

    public init(courtroom: String, hearing: String?, case: String?, session: String, sequence: Int, firstFrame: Int64, frames: Int64,
                rate: Int, firstSampleTime: String, endTime: String, durationSeconds: Double, gapBeforeSeconds: Double?,
                droppedFrames: Int64, gaps: Int, alarms: Int, repaired: Bool, state: SegmentState, item: Int64?, sha256: String?,
                fileName: String, filedAt: String?, message: String?) {
        self.courtroom = courtroom; self.hearing = hearing; self.case = `case`; self.session = session; self.sequence = sequence
        self.firstFrame = firstFrame; self.frames = frames; self.rate = rate; self.firstSampleTime = firstSampleTime
        self.endTime = endTime; self.durationSeconds = durationSeconds; self.gapBeforeSeconds = gapBeforeSeconds
        self.droppedFrames = droppedFrames; self.gaps = gaps; self.alarms = alarms; self.repaired = repaired; self.state = state
        self.item = item; self.sha256 = sha256; self.fileName = fileName; self.filedAt = filedAt; self.message = message
    }
}

/// `GET /v1/recordings`: every courtroom's recording, and segments.
public struct RecordingListDTO: Sendable, Codable, Equatable {
    public var courtrooms: [CourtroomRecordingDTO]
    /// Segments matching the query (by default the latest), in recording order.
    public var segments: [RecordingSegmentDTO]
    public init(courtrooms: [CourtroomRecordingDTO], segments: [RecordingSegmentDTO]) {
        self.courtrooms = courtrooms; self.segments = segments
    }
}
