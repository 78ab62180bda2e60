import Foundation

/// A capture PCM: the seam between a courtroom session and alsa-lib.
///
/// ``ALSACapturePCM`` implements it over a real ALSA PCM; ``ScriptedPCMSource``
/// replays given bytes, gaps and errors for tests. A source is used by one thread
/// at a time (the capture thread of a ``CaptureSession``): open, start, read until
/// done, close. Every failure is an ``ALSAError`` naming the call and the PCM.
public protocol PCMSource: AnyObject {
    /// The PCM's name, as configured; errors and events carry it.
    var name: String { get }

    /// What the device granted (format, period, buffer), while the PCM is open.
    var granted: PCMConfiguration? { get }

    /// Opens the PCM and negotiates exactly `request.format` (sample format,
    /// channels, rate), and period and buffer sizes as near as the device allows.
    /// Returns what was granted.
    /// - Throws: ``ALSAError`` naming the call that failed, e.g. `snd_pcm_open` for
    ///   a PCM that does not exist, `snd_pcm_hw_params_set_rate` for a rate the
    ///   device cannot give exactly (evidence is never resampled).
    func open(_ request: PCMRequest) throws(ALSAError) -> PCMConfiguration

    /// Starts capture and returns the wall-clock time of the first frame.
    /// - Throws: ``ALSAError``.
    func start() throws(ALSAError) -> Date

    /// Waits at most `timeoutMilliseconds` for frames, then reads as many whole
    /// frames as are available and fit in `buffer` (interleaved, in the granted format).
    ///
    /// An overrun or a suspend is recovered here and returned as
    /// ``PCMReadResult/recovered(_:)``; the next read continues after the gap.
    /// - Throws: ``ALSAError`` for a failure that cannot be recovered (device gone).
    func read(into buffer: UnsafeMutableRawBufferPointer, timeoutMilliseconds: Int) throws(ALSAError) -> PCMReadResult

    /// Stops capture and releases the PCM. Idempotent.
    func close()
}

/// What a session asks of a PCM.
public struct PCMRequest: Sendable, Hashable, Codable {
    /// Granted exactly or refused.
    public var format: PCMStreamFormat
    /// Preferred period (the device's interrupt interval) in frames; granted as near as possible.
    public var periodFrames: Int
    /// Preferred ring-buffer size in frames; granted as near as possible.
    public var bufferFrames: Int

    public init(format: PCMStreamFormat, periodFrames: Int = 1024, bufferFrames: Int = 8192) {
        self.format = format
        self.periodFrames = periodFrames
        self.bufferFrames = bufferFrames
    }
}

/// What a PCM granted.
public struct PCMConfiguration: Sendable, Hashable, Codable {
    /// The PCM's name, as configured.
    public var pcmName: String
    /// The PCM's plugin type (`snd_pcm_type_name`: `"HW"`, `"FILE"`, `"PLUG"` …),
    /// so that an operator can see whether a conversion plugin stands in between.
    public var pcmType: String
    /// Always the format asked for: a device that cannot give it is refused.
    public var format: PCMStreamFormat
    /// Granted period in frames.
    public var periodFrames: Int
    /// Granted ring-buffer size in frames.
    public var bufferFrames: Int

    public init(pcmName: String, pcmType: String, format: PCMStreamFormat, periodFrames: Int, bufferFrames: Int) {
        self.pcmName = pcmName
        self.pcmType = pcmType
        self.format = format
        self.periodFrames = periodFrames
        self.bufferFrames = bufferFrames
    }
}

/// The outcome of one ``PCMSource/read(into:timeoutMilliseconds:)``.
public enum PCMReadResult: Sendable, Hashable {
    /// This many whole frames were read into the buffer (0: none right now, read again).
    case frames(Int)
    /// Nothing arrived within the timeout.
    case timedOut
    /// The PCM overran or was suspended and has been recovered; frames were lost.
    case recovered(PCMGap)
}

/// Frames a PCM lost to an overrun or a suspend, as the PCM measured them.
public struct PCMGap: Sendable, Hashable, Codable {
    public enum Cause: String, Sendable, Hashable, Codable {
        /// Overrun (xrun, `-EPIPE`): the ring buffer filled before it was read.
        case overrun
        /// The system suspended the device (`-ESTRPIPE`).
        case suspend
    }

    /// How ``lostFrames`` was obtained.
    public enum Measurement: String, Sendable, Hashable, Codable {
        /// Counted exactly (a scripted gap, or a device that reports it).
        case exact
        /// From the driver's timestamps (`snd_pcm_status`): frames in the buffer
        /// at the overrun plus the time until capture restarted.
        case timestamps
        /// At least this many: no overrun timestamp, so the time is counted from
        /// when the overrun was noticed.
        case lowerBound
        /// Not known (``lostFrames`` is nil).
        case unknown
    }

    public var cause: Cause
    /// Frames lost, or nil when unknown.
    public var lostFrames: UInt64?
    public var measurement: Measurement
    /// Wall-clock time at which the gap was noticed.
    public var detectedAt: Date

    public init(cause: Cause, lostFrames: UInt64?, measurement: Measurement, detectedAt: Date) {
        self.cause = cause
        self.lostFrames = lostFrames
        self.measurement = lostFrames == nil ? .unknown : measurement
        self.detectedAt = detectedAt
    }
}
