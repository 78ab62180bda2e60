import CustodyAudio
import Foundation

/// A ``PCMSource`` that replays a script: bytes delivered as frames, overruns
/// recovered with a given number of lost frames, reads that time out, errors.
/// It "plays alsa-lib" for tests of everything above the PCM.
///
/// Reads never wait: a scripted timeout returns at once, as if the whole timeout
/// had passed. Bytes are delivered in reads of at most ``framesPerRead`` frames
/// (and never more than the reader's buffer holds). When the script is used up,
/// every read times out, like a device that has gone quiet.
public final class ScriptedPCMSource: PCMSource {
    /// One step of the script.
    public enum Step: Sendable, Hashable {
        /// These bytes (whole frames, interleaved, in the granted format), over as many reads as needed.
        case bytes([UInt8])
        /// An overrun or suspend, recovered: `lostFrames` (nil: unknown) frames were not captured.
        case gap(lostFrames: UInt64?, cause: PCMGap.Cause)
        /// This many reads in a row that time out.
        case timeouts(Int)
        /// A read that fails (e.g. `-ENODEV` from `snd_pcm_readi`: the interface was unplugged).
        case failure(ALSAError)
    }

    public let name: String
    /// The most frames one read returns.
    public let framesPerRead: Int
    private let startTime: Date
    private let openError: ALSAError?
    private let offeredFormats: [PCMStreamFormat]?
    private let waitsOnTimeout: Bool
    private var steps: [Step]
    private var stepIndex = 0
    private var byteOffset = 0
    private var timeoutsDone = 0
    /// What was granted, while open.
    public private(set) var granted: PCMConfiguration?
    private var started = false

    /// Every call made, in order (`"open"`, `"start"`, `"read"`, `"close"`).
    public private(set) var calls: [String] = []

    /// - Parameters:
    ///   - name: the PCM name errors and events carry.
    ///   - steps: the script.
    ///   - startTime: the wall-clock time ``start()`` reports for the first frame.
    ///   - framesPerRead: the most frames a read returns (a device's period).
    ///   - openError: thrown by ``open(_:)`` (a PCM that does not exist, or is busy).
    ///   - offeredFormats: the formats the "device" can give (nil: any); others are refused
    ///     the way ``ALSACapturePCM`` refuses them.
    ///   - waitsOnTimeout: a read that times out takes its whole timeout, as a quiet device's
    ///     does (so that a session left running does not spin a core).
    public init(name: String = "scripted", steps: [Step], startTime: Date = Date(timeIntervalSince1970: 1_790_000_000),
                framesPerRead: Int = 1024, openError: ALSAError? = nil, offeredFormats: [PCMStreamFormat]? = nil,
                waitsOnTimeout: Bool = false) {
        self.waitsOnTimeout = waitsOnTimeout
        self.name = name
        self.steps = steps
        self.startTime = startTime
        self.framesPerRead = max(1, framesPerRead)
        self.openError = openError
        self.offeredFormats = offeredFormats
    }

    public func open(_ request: PCMRequest) throws(ALSAError) -> PCMConfiguration {
        calls.append("open")
        if let openError { throw openError }
        if let offeredFormats, !offeredFormats.contains(request.format) {
            let format = request.format
            let call: String
            if !offeredFormats.contains(where: { $0.sampleFormat == format.sampleFormat }) {
                call = "snd_pcm_hw_params_set_format"
            } else if !offeredFormats.contains(where: { $0.sampleFormat == format.sampleFormat && $0.channels == format.channels }) {
                call = "snd_pcm_hw_params_set_channels"
            } else {
                call = "snd_pcm_hw_params_set_rate"
            }
            throw ALSAError(call: call, pcm: name, code: ALSAError.Code.invalidArgument,
                            detail: "the scripted device cannot give \(format)")
        }
        let configuration = PCMConfiguration(pcmName: name, pcmType: "SCRIPTED", format: request.format,
                                             periodFrames: framesPerRead, bufferFrames: max(request.bufferFrames, framesPerRead))
        granted = configuration
        return configuration
    }

    public func start() throws(ALSAError) -> Date {
        calls.append("start")
        guard granted != nil else { throw .notOpen("snd_pcm_start", pcm: name) }
        started = true
        return startTime
    }

    public func read(into buffer: UnsafeMutableRawBufferPointer, timeoutMilliseconds: Int) throws(ALSAError) -> PCMReadResult {
        calls.append("read")
        guard let granted, started else { throw .notOpen("snd_pcm_readi", pcm: name) }
        let frameBytes = granted.format.bytesPerFrame
        while stepIndex < steps.count {
            switch steps[stepIndex] {
            case .bytes(let bytes):
                let left = bytes.count - byteOffset
                guard left >= frameBytes else {
                    advance()
                    continue
                }
                let frames = min(left / frameBytes, buffer.count / frameBytes, framesPerRead)
                let count = frames * frameBytes
                bytes.withUnsafeBytes { source in
                    buffer.baseAddress!.copyMemory(from: source.baseAddress! + byteOffset, byteCount: count)
                }
                byteOffset += count
                if bytes.count - byteOffset < frameBytes { advance() }
                return .frames(frames)
            case .gap(let lost, let cause):
                advance()
                return .recovered(PCMGap(cause: cause, lostFrames: lost, measurement: .exact, detectedAt: Date()))
            case .timeouts(let count):
                if timeoutsDone >= count {
                    advance()
                    continue
                }
                timeoutsDone += 1
                if timeoutsDone >= count { advance() }
                wait(timeoutMilliseconds)
                return .timedOut
            case .failure(let error):
                advance()
                throw error
            }
        }
        wait(timeoutMilliseconds)
        return .timedOut
    }

    private func wait(_ milliseconds: Int) {
        if waitsOnTimeout { usleep(UInt32(max(0, milliseconds)) * 1000) }
    }

    public func close() {
        calls.append("close")
        granted = nil
        started = false
    }

    private func advance() {
        stepIndex += 1
        byteOffset = 0
        timeoutsDone = 0
    }
}
