import Glibc

/// How many frames an overrun or suspend lost, from what `snd_pcm_status` said
/// before recovery and the monotonic time capture restarted.
///
/// When a capture PCM overruns, the driver stops it: the frames in the ring buffer
/// (`avail` in the stopped state) are discarded by the recovery's prepare, and
/// nothing is captured from the stop until the restart. So:
///
///     lost = avail at stop + (restart − stop) × rate
///
/// With the stop's timestamp (`trigger_htstamp`) the count is ``PCMGap/Measurement/timestamps``;
/// without it, the time is counted from when the gap was noticed, which gives a
/// ``PCMGap/Measurement/lowerBound``; without a status at all it is unknown.
struct ALSAGapMeasurement: Sendable, Equatable {
    /// `snd_pcm_status_get_avail` in the stopped state, if the status was read.
    var availAtStop: UInt64?
    /// `snd_pcm_status_get_trigger_htstamp` (CLOCK_MONOTONIC, ns), if set.
    var stoppedAtNanoseconds: UInt64?
    /// CLOCK_MONOTONIC (ns) when the read or wait returned the error.
    var detectedAtNanoseconds: UInt64
    /// CLOCK_MONOTONIC (ns) right after `snd_pcm_start` succeeded again.
    var restartedAtNanoseconds: UInt64
    var rate: Int

    /// The frames lost and how they were measured.
    var lost: (frames: UInt64?, measurement: PCMGap.Measurement) {
        guard let availAtStop else { return (nil, .unknown) }
        let from: UInt64
        let measurement: PCMGap.Measurement
        if let stoppedAtNanoseconds, stoppedAtNanoseconds <= restartedAtNanoseconds {
            from = stoppedAtNanoseconds
            measurement = .timestamps
        } else {
            from = min(detectedAtNanoseconds, restartedAtNanoseconds)
            measurement = .lowerBound
        }
        let elapsed = restartedAtNanoseconds - from
        let framesDuring = (elapsed.multipliedFullWidth(by: UInt64(rate)))
        let (quotient, _) = UInt64(1_000_000_000).dividingFullWidth(framesDuring)
        return (availAtStop + quotient, measurement)
    }
}

/// CLOCK_MONOTONIC in nanoseconds (`clock_gettime`).
enum MonotonicClock {
    static func nanoseconds() -> UInt64 {
        var now = timespec()
        clock_gettime(CLOCK_MONOTONIC, &now)
        return UInt64(now.tv_sec) * 1_000_000_000 + UInt64(now.tv_nsec)
    }
}
