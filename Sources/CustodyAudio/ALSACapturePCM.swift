import CALSA
import Foundation

/// A capture PCM of alsa-lib, opened by name (`"hw:CARD=Interface,DEV=0"`, or a
/// PCM defined in the ALSA configuration).
///
/// Non-blocking (`SND_PCM_NONBLOCK`): each read waits with `snd_pcm_wait` for at
/// most its timeout, so the capture thread notices a device that delivers nothing
/// and a stop request. Interleaved reads (`snd_pcm_readi`). Overruns (`-EPIPE`)
/// and suspends (`-ESTRPIPE`) are recovered with `snd_pcm_recover` and reported
/// as gaps, with the frames lost measured from `snd_pcm_status`.
///
/// Not thread-safe: one thread opens, reads and closes it (a ``CaptureSession``'s
/// capture thread). alsa-lib's own configuration is global to the process
/// (`ALSA_CONFIG_PATH`, `~/.asoundrc`), read at the first `snd_pcm_open`.
public final class ALSACapturePCM: PCMSource {
    public let name: String
    /// What the device granted, while the PCM is open.
    public private(set) var granted: PCMConfiguration?
    private var handle: OpaquePointer?
    private var status: OpaquePointer?
    private var monotonicTimestamps = false

    public init(name: String) {
        self.name = name
    }

    deinit { close() }

    /// `snd_pcm_open` (capture, non-blocking), then the hardware and software
    /// parameters (``PCMSource/open(_:)``), then `snd_pcm_prepare`.
    /// - Throws: ``ALSAError``; `snd_pcm_open` with `ENOENT` when no PCM has that name.
    public func open(_ request: PCMRequest) throws(ALSAError) -> PCMConfiguration {
        if let granted { return granted }
        var opened: OpaquePointer?
        let result = snd_pcm_open(&opened, name, SND_PCM_STREAM_CAPTURE, SND_PCM_NONBLOCK)
        if result < 0 {
            throw ALSAError(call: "snd_pcm_open", pcm: name, code: result,
                            detail: result == ALSAError.Code.notFound
                                ? "no capture PCM named '\(name)' exists (see `arecord -L` and the ALSA configuration)"
                                : "cannot open '\(name)' for capture")
        }
        guard let pcm = opened else { throw ALSAError(call: "snd_pcm_open", pcm: name, code: -ENOMEM) }
        do throws(ALSAError) {
            let negotiated = try ALSAHardwareNegotiation.negotiate(pcm, name: name, request: request)
            var statusOut: OpaquePointer?
            try ALSAError.check("snd_pcm_status_malloc", pcm: name, snd_pcm_status_malloc(&statusOut))
            status = statusOut
            try ALSAError.check("snd_pcm_prepare", pcm: name, snd_pcm_prepare(pcm))
            monotonicTimestamps = negotiated.monotonicTimestamps
            let type = snd_pcm_type_name(snd_pcm_type(pcm)).map { String(cString: $0) } ?? "UNKNOWN"
            let configuration = PCMConfiguration(pcmName: name, pcmType: type, format: request.format,
                                                 periodFrames: negotiated.periodFrames, bufferFrames: negotiated.bufferFrames)
            handle = pcm
            granted = configuration
            return configuration
        } catch {
            if let status { snd_pcm_status_free(status) }
            status = nil
            snd_pcm_close(pcm)
            throw error
        }
    }

    /// `snd_pcm_start`. The first frame's time is the start's trigger timestamp
    /// where the driver gives one, else the wall clock just before the start.
    public func start() throws(ALSAError) -> Date {
        guard let handle else { throw .notOpen("snd_pcm_start", pcm: name) }
        let before = Date()
        try ALSAError.check("snd_pcm_start", pcm: name, snd_pcm_start(handle))
        if let triggered = monotonicTriggerStamp(of: handle) {
            let now = MonotonicClock.nanoseconds()
            if triggered <= now { return Date().addingTimeInterval(-Double(now - triggered) / 1e9) }
        }
        return before
    }

    /// `snd_pcm_wait` for at most the timeout, then `snd_pcm_readi` of what is available.
    public func read(into buffer: UnsafeMutableRawBufferPointer, timeoutMilliseconds: Int) throws(ALSAError) -> PCMReadResult {
        guard let handle, let granted, let base = buffer.baseAddress else { throw .notOpen("snd_pcm_readi", pcm: name) }
        let capacity = buffer.count / granted.format.bytesPerFrame
        guard capacity > 0 else { return .frames(0) }

        let waited = snd_pcm_wait(handle, Int32(clamping: timeoutMilliseconds))
        if waited == 0 { return .timedOut }
        if waited < 0 {
            if waited == -EINTR || waited == -EAGAIN { return .frames(0) }
            if isRecoverable(waited) { return .recovered(try recover(handle, from: waited)) }
            throw ALSAError(call: "snd_pcm_wait", pcm: name, code: waited)
        }
        let read = snd_pcm_readi(handle, base, snd_pcm_uframes_t(capacity))
        if read >= 0 { return .frames(read) }
        let code = Int32(truncatingIfNeeded: read)
        if code == -EAGAIN || code == -EINTR { return .frames(0) }
        if isRecoverable(code) { return .recovered(try recover(handle, from: code)) }
        throw ALSAError(call: "snd_pcm_readi", pcm: name, code: code)
    }

    /// `snd_pcm_drop` and `snd_pcm_close`. Idempotent.
    public func close() {
        if let handle {
            snd_pcm_drop(handle)
            snd_pcm_close(handle)
        }
        if let status { snd_pcm_status_free(status) }
        handle = nil
        status = nil
        granted = nil
    }

    private func isRecoverable(_ code: Int32) -> Bool {
        code == ALSAError.Code.overrun || code == ALSAError.Code.suspended
    }

    /// Reads the status (what was in the buffer, when it stopped), then
    /// `snd_pcm_recover` and `snd_pcm_start`, and measures the gap.
    private func recover(_ handle: OpaquePointer, from code: Int32) throws(ALSAError) -> PCMGap {
        let detectedAt = Date()
        let detected = MonotonicClock.nanoseconds()
        var availAtStop: UInt64?
        var stoppedAt: UInt64?
        if let status, snd_pcm_status(handle, status) >= 0 {
            availAtStop = UInt64(snd_pcm_status_get_avail(status))
            // In the XRUN and SUSPENDED states the trigger timestamp is when it stopped.
            stoppedAt = monotonicTriggerStamp(of: handle, refresh: false)
        }
        try ALSAError.check("snd_pcm_recover", pcm: name, snd_pcm_recover(handle, code, 1))
        let started = snd_pcm_start(handle)
        // -EBADFD: already running again (a resumed suspend).
        if started < 0 && started != -EBADFD {
            throw ALSAError(call: "snd_pcm_start", pcm: name, code: started, detail: "capture did not restart after recovering from \(ALSAError.errnoName(code))")
        }
        let measurement = ALSAGapMeasurement(availAtStop: availAtStop, stoppedAtNanoseconds: stoppedAt,
                                             detectedAtNanoseconds: detected,
                                             restartedAtNanoseconds: MonotonicClock.nanoseconds(),
                                             rate: granted?.format.rate ?? 0)
        let lost = measurement.lost
        return PCMGap(cause: code == ALSAError.Code.suspended ? .suspend : .overrun,
                      lostFrames: lost.frames, measurement: lost.measurement, detectedAt: detectedAt)
    }

    /// The status's trigger timestamp in CLOCK_MONOTONIC nanoseconds, when the
    /// driver set one and it is monotonic; `refresh` reads the status first.
    private func monotonicTriggerStamp(of handle: OpaquePointer, refresh: Bool = true) -> UInt64? {
        guard monotonicTimestamps, let status else { return nil }
        if refresh, snd_pcm_status(handle, status) < 0 { return nil }
        var stamp = snd_htimestamp_t()
        snd_pcm_status_get_trigger_htstamp(status, &stamp)
        guard stamp.tv_sec > 0 || stamp.tv_nsec > 0 else { return nil }
        return UInt64(stamp.tv_sec) * 1_000_000_000 + UInt64(stamp.tv_nsec)
    }
}
