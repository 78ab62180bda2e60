import Foundation

/// How one courtroom is recorded: which PCM, in what format, into which
/// directory, in segments of what length, and what the confidence monitoring watches.
public struct CaptureConfiguration: Sendable, Hashable {
    /// The courtroom's identifier (e.g. "court-3"): names files, fills bext and iXML.
    public var courtroomID: String
    /// The ALSA PCM to capture from (e.g. "hw:CARD=Interface,DEV=0").
    public var pcmName: String
    /// Exactly what the device must deliver.
    public var format: PCMStreamFormat
    /// One name per channel ("Judge", "Witness" …), written to iXML and levels.
    public var channelNames: [String]
    /// Frames per segment: each segment but the last holds exactly this many.
    public var segmentFrames: UInt64
    /// Stop after this many frames (counted in frames, never wall time); nil: until stopped.
    public var durationLimitFrames: UInt64?
    /// The hearing in session (bext Description, iXML SCENE).
    public var hearingID: String
    /// The case (bext Description, iXML PROJECT).
    public var caseReference: String
    /// Where the segments are written; it must exist.
    public var outputDirectory: String
    /// bext Originator (at most 32 bytes).
    public var originator: String

    /// Preferred period and ring-buffer size, in frames.
    public var periodFrames: Int
    public var bufferFrames: Int
    /// Frames between checkpoints (data synced, header sizes updated, synced).
    public var checkpointFrames: UInt64
    /// How long one read waits for frames before counting as "nothing arrived".
    public var readTimeoutMilliseconds: Int
    /// The "no data" alarm: raised when the PCM has delivered nothing for this long.
    public var noDataAlarmMilliseconds: Int
    /// A channel below this level (dBFS) counts as silent.
    public var silenceThresholdDBFS: Double
    /// The silence alarm: raised when a channel stays silent for this many frames.
    public var silenceAlarmFrames: UInt64
    /// Frames over which the live levels of ``CaptureStatus`` are measured.
    public var statusWindowFrames: UInt64

    /// The RIFF size above which a segment becomes RF64 (lowered by tests).
    var rf64ThresholdBytes: UInt64 = BWFChunks.maximumRIFFSize

    /// A configuration with the usual defaults: 1024-frame periods in an 8192-frame
    /// buffer, a checkpoint every 2 s of audio, reads waiting at most 200 ms, the
    /// "no data" alarm after 2 s, the silence alarm after 60 s below −60 dBFS, live
    /// levels over 100 ms. `channelNames` empty: "Channel 1" … .
    public init(courtroomID: String, pcmName: String, format: PCMStreamFormat, channelNames: [String] = [],
                segmentFrames: UInt64, durationLimitFrames: UInt64? = nil, hearingID: String, caseReference: String,
                outputDirectory: String, originator: String = "Custody") {
        self.courtroomID = courtroomID
        self.pcmName = pcmName
        self.format = format
        self.channelNames = channelNames.isEmpty ? (1...max(1, format.channels)).map { "Channel \($0)" } : channelNames
        self.segmentFrames = segmentFrames
        self.durationLimitFrames = durationLimitFrames
        self.hearingID = hearingID
        self.caseReference = caseReference
        self.outputDirectory = outputDirectory
        self.originator = originator
        let rate = UInt64(max(1, format.rate))
        periodFrames = 1024
        bufferFrames = 8192
        checkpointFrames = 2 * rate
        readTimeoutMilliseconds = 200
        noDataAlarmMilliseconds = 2000
        silenceThresholdDBFS = -60
        silenceAlarmFrames = 60 * rate
        statusWindowFrames = max(1, rate / 10)
    }

    /// Channels the device must deliver (``format``'s).
    public var channels: Int {
        get { format.channels }
        set { format.channels = newValue }
    }

    /// Frames per second the device must deliver (``format``'s).
    public var rate: Int {
        get { format.rate }
        set { format.rate = newValue }
    }

    /// The sample format the device must deliver (``format``'s).
    public var sampleFormat: PCMSampleFormat {
        get { format.sampleFormat }
        set { format.sampleFormat = newValue }
    }

    /// The request the PCM gets.
    public var request: PCMRequest {
        PCMRequest(format: format, periodFrames: periodFrames, bufferFrames: bufferFrames)
    }

    /// Checks what can be checked before capture starts.
    /// - Throws: ``CaptureConfigurationError`` naming the field.
    public func validate() throws(CaptureConfigurationError) {
        func fail(_ field: String, _ message: String) -> CaptureConfigurationError {
            CaptureConfigurationError(courtroomID: courtroomID, field: field, message: message)
        }
        if courtroomID.isEmpty { throw fail("courtroomID", "is empty") }
        if pcmName.isEmpty { throw fail("pcmName", "is empty") }
        if !(1...1024).contains(format.channels) { throw fail("channels", "must be 1…1024, not \(format.channels)") }
        if !(1...768_000).contains(format.rate) { throw fail("rate", "must be 1…768000 Hz, not \(format.rate)") }
        if channelNames.count != format.channels {
            throw fail("channelNames", "names \(channelNames.count) channels, but the format has \(format.channels)")
        }
        if segmentFrames == 0 { throw fail("segmentFrames", "must be at least 1") }
        if durationLimitFrames == 0 { throw fail("durationLimitFrames", "must be at least 1 (or absent)") }
        if checkpointFrames == 0 { throw fail("checkpointFrames", "must be at least 1") }
        if readTimeoutMilliseconds <= 0 { throw fail("readTimeoutMilliseconds", "must be positive") }
        if noDataAlarmMilliseconds <= 0 { throw fail("noDataAlarmMilliseconds", "must be positive") }
        if silenceAlarmFrames == 0 { throw fail("silenceAlarmFrames", "must be at least 1") }
        if periodFrames <= 0 || bufferFrames <= 0 { throw fail("periodFrames", "period and buffer sizes must be positive") }
        var isDirectory: ObjCBool = false
        if !FileManager.default.fileExists(atPath: outputDirectory, isDirectory: &isDirectory) || !isDirectory.boolValue {
            throw fail("outputDirectory", "'\(outputDirectory)' is not an existing directory")
        }
    }
}

/// A ``CaptureConfiguration`` that cannot work.
public struct CaptureConfigurationError: Error, Sendable, Hashable, CustomStringConvertible {
    /// Stable code for the control API.
    public static let code = "capture.invalid-configuration"
    public var courtroomID: String
    /// The field at fault, e.g. "channelNames".
    public var field: String
    public var message: String

    public var description: String { "courtroom \(courtroomID): \(field) \(message)" }
}
