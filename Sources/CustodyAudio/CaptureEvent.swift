import Foundation

/// What a ``CaptureSession`` reports, in order, from its capture thread.
///
/// A session always ends with ``stopped(_:)``; a fault comes before it when
/// the session could not record (or could not go on).
public enum CaptureEvent: Sendable, Hashable, Codable {
    /// Capture started; the first frame was taken at `firstSampleTime`.
    case started(CaptureStart)
    /// A segment was finished and synced.
    case segmentClosed(SegmentRecord)
    /// Frames were lost (overrun, suspend); the capture went on.
    case gap(CaptureGap)
    /// An alarm was raised (a silent channel, a PCM delivering nothing).
    case alarmRaised(CaptureAlarm)
    /// An alarm ended (its `endFrame` is set).
    case alarmCleared(CaptureAlarm)
    /// The session cannot record or cannot go on: the PCM cannot be opened or
    /// failed, or a segment cannot be written. `stopped` follows.
    case fault(CaptureFault)
    /// The session has ended; nothing follows.
    case stopped(CaptureStop)
}

/// The start of a capture.
public struct CaptureStart: Sendable, Hashable, Codable {
    public var courtroomID: String
    /// Unique to this session; segments' OriginatorReferences begin with it.
    public var sessionReference: String
    /// What the PCM granted.
    public var configuration: PCMConfiguration
    /// Wall-clock time of the first frame (frame 0).
    public var firstSampleTime: Date
    /// That frame as whole samples since 1970-01-01T00:00:00Z at the stream's rate: what
    /// the first segment's `bext` states, and so the instant every record of the session uses.
    public var firstSample: UInt64
}

/// Frames lost between two captured frames.
public struct CaptureGap: Sendable, Hashable, Codable {
    /// The session frame the gap precedes: frames captured before it.
    public var frameIndex: UInt64
    /// The segment holding `frameIndex` (1-based).
    public var segmentSequence: Int
    public var cause: PCMGap.Cause
    /// Frames lost, or nil when unknown.
    public var lostFrames: UInt64?
    public var measurement: PCMGap.Measurement
    /// Wall-clock time the gap was noticed.
    public var detectedAt: Date
}

/// An alarm of the confidence monitoring.
public struct CaptureAlarm: Sendable, Hashable, Codable {
    public enum Kind: String, Sendable, Hashable, Codable {
        /// A channel stayed below the silence threshold for the configured frames.
        case silence
        /// The PCM delivered nothing for the configured time.
        case noData
    }

    /// Unique within the session; the raised and cleared events of one alarm share it.
    public var id: Int
    public var kind: Kind
    /// 1-based channel, for ``Kind/silence``.
    public var channel: Int?
    public var channelName: String?
    /// First frame of the condition (for `noData`: the frame the next capture would have been).
    public var startFrame: UInt64
    /// Frame at which the condition ended (exclusive); nil while it lasts.
    public var endFrame: UInt64?
    /// Wall-clock time the condition began.
    public var startTime: Date
    /// Wall-clock time the condition ended.
    public var endTime: Date?
    /// Set when the alarm was closed because the session ended, not because the condition did.
    public var endedWithSession: Bool = false
}

/// Why a session could not record, or could not go on.
public struct CaptureFault: Sendable, Hashable, Codable, CustomStringConvertible {
    /// Stable codes.
    public enum Code: String, Sendable, Hashable, Codable {
        /// The configuration is not usable (see `message`).
        case invalidConfiguration = "capture.invalid-configuration"
        /// The PCM could not be opened or set up (does not exist, busy, cannot give the format).
        case pcmOpen = "capture.pcm-open"
        /// The PCM failed while recording (unplugged, I/O error).
        case pcmRead = "capture.pcm-read"
        /// A segment could not be created, written or synced.
        case segmentWrite = "capture.segment-write"
    }

    public var code: Code
    public var courtroomID: String
    public var pcmName: String
    /// The C function that failed (an alsa-lib call or a system call), where there is one.
    public var call: String?
    /// Its error code (negative errno for alsa-lib, errno for a system call).
    public var errorCode: Int32?
    /// The segment file concerned, for ``Code/segmentWrite``.
    public var path: String?
    /// Frames captured when it happened.
    public var frameIndex: UInt64
    public var message: String

    public var description: String { "\(code.rawValue) [\(courtroomID) \(pcmName)]: \(message)" }
}

/// The end of a session.
public struct CaptureStop: Sendable, Hashable, Codable {
    public enum Reason: String, Sendable, Hashable, Codable {
        /// The configured duration (in frames) was captured.
        case durationReached
        /// ``CaptureSession/stop()`` was called.
        case stopRequested
        /// A fault ended the session.
        case fault
    }

    public var reason: Reason
    public var framesCaptured: UInt64
    public var segments: Int
    /// Frames known to be lost in gaps.
    public var droppedFrames: UInt64
    /// Gaps whose length is unknown.
    public var gapsOfUnknownLength: Int
}

/// A finished segment.
public struct SegmentRecord: Sendable, Hashable, Codable {
    /// 1-based number of the segment in its session.
    public var sequence: Int
    public var path: String
    /// Session frame index of the segment's first frame.
    public var firstFrame: UInt64
    public var frameCount: UInt64
    /// Wall-clock time of the first frame (the session's first-sample time plus
    /// the frames captured and known lost before it).
    public var firstSampleTime: Date
    public var broadcastExtension: BroadcastExtensionFields
    public var isRF64: Bool
    public var fileBytes: UInt64
    public var summary: SegmentSummary
}
