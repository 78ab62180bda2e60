import CustodyCore
import CustodyModel
import Foundation

/// What courtroom recording keeps in the index: its sessions and the way of each
/// segment into the store. Every step that matters to custody is also an event,
/// written in the same transaction.
public protocol RecordingStore: Sendable {
    /// Records a session that has started: its row and the `recording.start` event
    /// (by the person or schedule that started it), with `detail` added to the event.
    func recordSessionStart(_ session: RecordingSessionRecord, detail: [String: JSONValue]) throws
    /// A session by its reference.
    func recordingSession(_ reference: String) throws -> RecordingSessionRecord?
    /// Records how a session ended: its row, and the `recording.stop` event by `actor`.
    func recordSessionEnd(_ reference: String, end: RecordingSessionEnd, actor: Caller, detail: [String: JSONValue]) throws
    /// Sessions that have no end recorded (cut off by a crash), oldest first.
    func unendedRecordingSessions() throws -> [RecordingSessionRecord]

    /// Records a closed (or repaired) segment, waiting to be filed.
    func recordSegmentClosed(_ segment: ClosedSegment) throws
    /// The segment's ingest job.
    func recordSegmentFiling(path: String, jobID: Int64) throws
    /// The segment is stored and verified as item `itemID`: its row, the item's tags
    /// (courtroom, hearing, case) and the `recording.segment` event (subject the item)
    /// holding its summary, in one transaction.
    func recordSegmentFiled(path: String, itemID: Int64, actor: Caller, detail: [String: JSONValue]) throws
    /// The segment could not be filed (its file stays; retried at the next start).
    func recordSegmentFailed(path: String, message: String) throws
    /// A segment by its working file.
    func recordingSegment(path: String) throws -> PendingSegment?
    /// Segments not yet filed, in the order they were closed.
    func unfiledSegments() throws -> [PendingSegment]
    /// Segments in recording order (`limit` latest, or those of a hearing, courtroom or session).
    func recordingSegments(_ query: SegmentQuery) throws -> [RecordingSegment]
    /// Filed and not-yet-filed segments of a courtroom.
    func segmentCounts(courtroom: String) throws -> (filed: Int64, pending: Int64)
}

/// A capture session as the index keeps it.
public struct RecordingSessionRecord: Sendable, Equatable {
    public var reference: String
    public var courtroom: String
    public var hearing: String?
    public var caseNumber: String?
    public var pcm: String
    public var pcmType: String?
    public var interfaceSerial: String?
    public var sampleFormat: String
    public var channels: Int
    public var rate: Int
    public var channelNames: [String]
    public var segmentFrames: Int64
    public var durationFrames: Int64?
    public var automatic: Bool
    public var startedBy: Caller
    public var firstSampleTime: Date

    public init(reference: String, courtroom: String, hearing: String?, caseNumber: String?, pcm: String, pcmType: String?,
                interfaceSerial: String?, sampleFormat: String, channels: Int, rate: Int, channelNames: [String], segmentFrames: Int64,
                durationFrames: Int64?, automatic: Bool, startedBy: Caller, firstSampleTime: Date) {
        self.reference = reference; self.courtroom = courtroom; self.hearing = hearing; self.caseNumber = caseNumber
        self.pcm = pcm; self.pcmType = pcmType; self.interfaceSerial = interfaceSerial; self.sampleFormat = sampleFormat
        self.channels = channels; self.rate = rate; self.channelNames = channelNames; self.segmentFrames = segmentFrames
        self.durationFrames = durationFrames; self.automatic = automatic; self.startedBy = startedBy
        self.firstSampleTime = firstSampleTime
    }
}

/// How a session ended.
public struct RecordingSessionEnd: Sendable, Equatable {
    /// `durationReached`, `stopRequested`, `fault`, `schedule`, `shutdown` or `crash`.
    public var reason: String
    public var framesCaptured: Int64
    public var droppedFrames: Int64
    public init(reason: String, framesCaptured: Int64, droppedFrames: Int64) {
        self.reason = reason; self.framesCaptured = framesCaptured; self.droppedFrames = droppedFrames
    }
}

/// A segment closed by its session (or repaired after a crash).
public struct ClosedSegment: Sendable, Equatable {
    public var path: String
    public var session: String
    public var sequence: Int
    public var courtroom: String
    public var hearing: String?
    public var caseNumber: String?
    public var firstFrame: Int64
    public var frames: Int64
    public var rate: Int
    /// Its first sample, counted since 1970-01-01T00:00:00Z at `rate` (its bext OriginationDate and TimeReference).
    public var firstSample: Int64
    /// The same instant as its item's recording time.
    public var firstSampleTime: Date
    public var droppedFrames: Int64
    public var gaps: Int
    public var alarms: Int
    public var repaired: Bool
    /// The segment's summary (gaps, alarms, levels), kept for its `recording.segment` event.
    public var summary: [String: JSONValue]
    /// The audio interface's serial: the device the segment's item comes from.
    public var deviceSerial: String?
    /// Who its item is filed for (the person who started the session).
    public var requester: Caller

    public init(path: String, session: String, sequence: Int, courtroom: String, hearing: String?, caseNumber: String?,
                firstFrame: Int64, frames: Int64, rate: Int, firstSample: Int64, firstSampleTime: Date, droppedFrames: Int64, gaps: Int, alarms: Int,
                repaired: Bool, summary: [String: JSONValue], deviceSerial: String?, requester: Caller) {
        self.path = path; self.session = session; self.sequence = sequence; self.courtroom = courtroom; self.hearing = hearing
        self.caseNumber = caseNumber; self.firstFrame = firstFrame; self.frames = frames; self.rate = rate
        self.firstSample = firstSample; self.firstSampleTime = firstSampleTime; self.droppedFrames = droppedFrames; self.gaps = gaps; self.alarms = alarms
        self.repaired = repaired; self.summary = summary; self.deviceSerial = deviceSerial; self.requester = requester
    }
}

/// A segment on its way into the store.
public struct PendingSegment: Sendable, Equatable {
    public var segment: ClosedSegment
    public var state: SegmentState
    public var jobID: Int64?
    public var itemID: Int64?
    public init(segment: ClosedSegment, state: SegmentState, jobID: Int64?, itemID: Int64?) {
        self.segment = segment; self.state = state; self.jobID = jobID; self.itemID = itemID
    }
}

public struct SegmentQuery: Sendable, Equatable {
    public var courtroom: String?
    public var hearing: String?
    public var session: String?
    /// The latest this many (of those matching), listed oldest first.
    public var limit: Int = 100
    public init(courtroom: String? = nil, hearing: String? = nil, session: String? = nil, limit: Int = 100) {
        self.courtroom = courtroom; self.hearing = hearing; self.session = session; self.limit = limit
    }
}
