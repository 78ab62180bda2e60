/// The audio capture metrics. Courtroom capture is being built on its own: until
/// it arrives these families are exposed with zero values, and the capture code
/// updates them through this small API.
public struct AudioMetrics: Sendable {
    /// Capture sessions running now.
    public let sessionsActive: GaugeFamily
    /// Capture sessions started since custodyd started.
    public let sessionsStarted: CounterFamily
    /// Frames lost (ALSA overruns) since custodyd started.
    public let droppedFrames: CounterFamily
    /// Alarms raised (silence, clipping, a lost device) since custodyd started.
    public let alarms: CounterFamily

    public init(registry: MetricsRegistry) {
        sessionsActive = registry.gauge("custody_audio_sessions_active", help: "Audio capture sessions running now.")
        sessionsStarted = registry.counter("custody_audio_sessions_total", help: "Audio capture sessions started.")
        droppedFrames = registry.counter("custody_audio_dropped_frames_total", help: "Audio frames dropped by capture (overruns).")
        alarms = registry.counter("custody_audio_alarms_total", help: "Audio alarms raised (silence, clipping, device lost).")
    }

    public func sessionStarted() {
        sessionsStarted.increment()
        sessionsActive.increment()
    }

    public func sessionEnded() { sessionsActive.decrement() }

    public func framesDropped(_ count: Int) { droppedFrames.increment(by: Double(count)) }

    public func alarmRaised() { alarms.increment() }
}
