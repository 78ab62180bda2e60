// Courtroom recording: each courtroom's state and session, as the recorder sees them.

/// States of a courtroom's recording.
public enum RecordingState: String, Sendable, CaseIterable {
    /// No session yet since the daemon started.
    case idle
    /// The PCM is being opened.
    case opening
    /// Capturing.
    case recording
    /// The last session ended normally (duration reached, stopped).
    case stopped
    /// The last session could not record or could not go on (see `fault`).
    case faulted
}

/// The sample format, channels and rate of a PCM stream.
public struct AudioFormat: Sendable, Equatable {
    /// `S16_LE`, `S24_3LE` or `S32_LE`.
    public var sampleFormat: String
    public var channels: Int
    public var rate: Int
    public init(sampleFormat: String, channels: Int, rate: Int) {
        self.sampleFormat = sampleFormat; self.channels = channels; self.rate = rate
    }
}

/// One channel's level over a stretch of audio, as reported.
public struct LevelReading: Sendable, Equatable {
    /// 1-based.
    public var channel: Int
    public var name: String
    /// Largest magnitude in dBFS (nil: every sample was zero).
    public var peakDBFS: Double?
    /// RMS in dBFS (nil: every sample was zero).
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
public struct RecordingAlarm: Sendable, Equatable {
    /// `silence` (a channel below the threshold) or `noData` (the PCM delivers nothing).
    public var kind: String
    public var channel: Int?
    public var channelName: String?
    /// Session frame where the condition began.
    public var startFrame: Int64
    /// Session frame where it ended (exclusive); nil while it lasts.
    public var endFrame: Int64?
    public var startTime: String
    public var endTime: String?
    public init(kind: String, channel: Int?, channelName: String?, startFrame: Int64, endFrame: Int64?, startTime: String, endTime: String?) {
        self.kind = kind; self.channel = channel; self.channelName = channelName; self.startFrame = startFrame
        self.endFrame = endFrame; self.startTime = startTime; self.endTime = endTime
    }
}

/// Why a session could not record or could not go on.
public struct RecordingFault: Sendable, Equatable {
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
public struct RecordingSession: Sendable, Equatable {
    /// 12 hex digits; each segment's bext OriginatorReference begins with it.
    public var reference: String?
    public var hearing: String?
    public var `case`: String?
    /// Started by the hearing schedule rather than by a person.
    public var automatic: Bool
    public var startedBy: Author
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
    public var levels: [LevelReading]
    public var activeAlarms: [RecordingAlarm]
    public var fault: RecordingFault?
    public var stoppedAt: String?
    /// `durationReached`, `stopRequested`, `fault`, `schedule` or `shutdown`.
    public var stopReason: String?
    public var stoppedBy: Author?

    public init(reference: String?, hearing: String?, case: String?, automatic: Bool, startedBy: Author, requestedAt: String,
                firstSampleTime: String?, durationFrames: Int64?, framesCaptured: Int64, secondsCaptured: Double, droppedFrames: Int64,
                gaps: Int, segmentsClosed: Int, segmentsFiled: Int, currentSegment: Int?, currentSegmentFrames: Int64?,
                levels: [LevelReading], activeAlarms: [RecordingAlarm], fault: RecordingFault?, stoppedAt: String?,
                stopReason: String?, stoppedBy: Author?) {
        self.reference = reference; self.hearing = hearing; self.case = `case`; self.automatic = automatic
        self.startedBy = startedBy; self.requestedAt = requestedAt; self.firstSampleTime = firstSampleTime
        self.durationFrames = durationFrames; self.framesCaptured = framesCaptured; self.secondsCaptured = secondsCaptured
        self.droppedFrames = droppedFrames; self.gaps = gaps; self.segmentsClosed = segmentsClosed; self.segmentsFiled = segmentsFiled
        self.currentSegment = currentSegment; self.currentSegmentFrames = currentSegmentFrames; self.levels = levels
        self.activeAlarms = activeAlarms; self.fault = fault; self.stoppedAt = stoppedAt; self.stopReason = stopReason
        self.stoppedBy = stoppedBy
    }
}

/// A configured courtroom and its recording.
public struct CourtroomRecording: Sendable, Equatable {
    public var courtroom: String
    /// The PCM configured, or the one found through the interface (nil: interface not docked).
    public var pcm: String?
    /// The audio interface's USB serial, when the courtroom names one.
    public var interface: String?
    public var format: AudioFormat
    public var channelNames: [String]
    public var segmentFrames: Int64
    /// Follows the hearing schedule.
    public var automatic: Bool
    public var state: RecordingState
    public var session: RecordingSession?
    /// Segments of this courtroom filed as evidence (all sessions).
    public var segmentsFiled: Int64
    /// Segments closed but not yet filed (being filed now, or waiting for the store).
    public var segmentsPending: Int64
    /// The courtroom's latest segments, oldest first (when asked for).
    public var segments: [RecordingSegment]?

    public init(courtroom: String, pcm: String?, interface: String?, format: AudioFormat, channelNames: [String], segmentFrames: Int64,
                automatic: Bool, state: RecordingState, session: RecordingSession?, segmentsFiled: Int64, segmentsPending: Int64,
                segments: [RecordingSegment]? = nil) {
        self.courtroom = courtroom; self.pcm = pcm; self.interface = interface; self.format = format; self.channelNames = channelNames
        self.segmentFrames = segmentFrames; self.automatic = automatic; self.state = state; self.session = session
        self.segmentsFiled = segmentsFiled; self.segmentsPending = segmentsPending; self.segments = segments
    }
}
