/// States of a segment on its way into the store.
public enum SegmentState: String, Sendable, CaseIterable {
    /// Closed (or repaired after a crash), not yet handed to ingest.
    case closed
    /// Its ingest job is running.
    case filing
    /// Stored and verified: `item` is its evidence item.
    case filed
    /// Its ingest job failed; retried at the next start.
    case failed
}

/// One Broadcast Wave segment of a recording session.
public struct RecordingSegment: Sendable, Equatable {
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
    /// (nil for the first listed); 0 for contiguous segments.
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
