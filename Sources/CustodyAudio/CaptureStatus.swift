import Foundation

/// A snapshot of a session, readable at any time from any thread
/// (``CaptureSession/status``).
public struct CaptureStatus: Sendable, Hashable, Codable {
    public enum State: String, Sendable, Hashable, Codable {
        /// Not started yet.
        case idle
        /// Opening and setting up the PCM.
        case opening
        /// Capturing.
        case recording
        /// Ended normally (duration reached or stop requested).
        case stopped
        /// Ended by a fault (see ``CaptureStatus/lastFault``).
        case faulted
    }

    /// The segment being written.
    public struct CurrentSegment: Sendable, Hashable, Codable {
        public var sequence: Int
        public var path: String
        public var firstFrame: UInt64
        public var frames: UInt64
    }

    public var state: State
    public var courtroomID: String
    public var pcmName: String
    /// What the PCM granted, once open.
    public var configuration: PCMConfiguration?
    public var firstSampleTime: Date?
    public var framesCaptured: UInt64 = 0
    public var droppedFrames: UInt64 = 0
    public var gaps: Int = 0
    public var segmentsClosed: Int = 0
    public var currentSegment: CurrentSegment?
    /// Levels over the last status window (``CaptureConfiguration/statusWindowFrames``).
    public var levels: [ChannelLevel] = []
    public var activeAlarms: [CaptureAlarm] = []
    public var lastFault: CaptureFault?

    init(courtroomID: String, pcmName: String) {
        state = .idle
        self.courtroomID = courtroomID
        self.pcmName = pcmName
    }
}
