import CALSA

/// Negotiates a capture PCM's hardware and software parameters: exactly the
/// sample format, channel count and rate asked for (never resampled, never
/// converted), period and buffer sizes as near as the device allows.
enum ALSAHardwareNegotiation {
    /// What the device granted.
    struct Granted {
        var periodFrames: Int
        var bufferFrames: Int
        /// Timestamps (`snd_pcm_status`) are on CLOCK_MONOTONIC.
        var monotonicTimestamps: Bool
    }

    /// `snd_pcm_hw_params_*` then `snd_pcm_sw_params_*` on an open PCM.
    /// - Throws: ``ALSAError`` naming the call that refused, with what the device
    ///   offers instead in its message.
    static func negotiate(_ pcm: OpaquePointer, name: String, request: PCMRequest) throws(ALSAError) -> Granted {
        var hwOut: OpaquePointer?
        try ALSAError.check("snd_pcm_hw_params_malloc", pcm: name, snd_pcm_hw_params_malloc(&hwOut))
        guard let hw = hwOut else { throw ALSAError(call: "snd_pcm_hw_params_malloc", pcm: name, code: -ENOMEM) }
        defer { snd_pcm_hw_params_free(hw) }

        try ALSAError.check("snd_pcm_hw_params_any", pcm: name, snd_pcm_hw_params_any(pcm, hw))
        // No rate conversion inside alsa-lib (the `plug` plugin): the device's own rates only.
        try ALSAError.check("snd_pcm_hw_params_set_rate_resample", pcm: name, snd_pcm_hw_params_set_rate_resample(pcm, hw, 0))
        try ALSAError.check("snd_pcm_hw_params_set_access", pcm: name,
                            snd_pcm_hw_params_set_access(pcm, hw, SND_PCM_ACCESS_RW_INTERLEAVED))

        let format = request.format
        let alsaFormat = alsaFormat(format.sampleFormat)
        let formatResult = snd_pcm_hw_params_set_format(pcm, hw, alsaFormat)
        if formatResult < 0 {
            throw ALSAError(call: "snd_pcm_hw_params_set_format", pcm: name, code: formatResult,
                            detail: "the device cannot deliver \(format.sampleFormat.rawValue) (it offers \(offeredFormats(pcm, hw))); Custody records only the exact format configured")
        }
        let channelsResult = snd_pcm_hw_params_set_channels(pcm, hw, UInt32(format.channels))
        if channelsResult < 0 {
            throw ALSAError(call: "snd_pcm_hw_params_set_channels", pcm: name, code: channelsResult,
                            detail: "the device cannot deliver \(format.channels) channels (it offers \(offeredChannels(hw))); configure the channel count the interface has")
        }
        let rateResult = snd_pcm_hw_params_set_rate(pcm, hw, UInt32(format.rate), 0)
        if rateResult < 0 {
            throw ALSAError(call: "snd_pcm_hw_params_set_rate", pcm: name, code: rateResult,
                            detail: "the device cannot run at exactly \(format.rate) Hz (it offers \(offeredRates(hw))); evidence is never resampled, so configure a rate the device has")
        }

        var period = snd_pcm_uframes_t(max(1, request.periodFrames))
        var direction: Int32 = 0
        try ALSAError.check("snd_pcm_hw_params_set_period_size_near", pcm: name,
                            snd_pcm_hw_params_set_period_size_near(pcm, hw, &period, &direction))
        var buffer = snd_pcm_uframes_t(max(Int(period) * 2, request.bufferFrames))
        try ALSAError.check("snd_pcm_hw_params_set_buffer_size_near", pcm: name,
                            snd_pcm_hw_params_set_buffer_size_near(pcm, hw, &buffer))
        try ALSAError.check("snd_pcm_hw_params", pcm: name, snd_pcm_hw_params(pcm, hw))

        // Read back what is in force (the near-setters may round).
        try ALSAError.check("snd_pcm_hw_params_get_period_size", pcm: name, snd_pcm_hw_params_get_period_size(hw, &period, &direction))
        try ALSAError.check("snd_pcm_hw_params_get_buffer_size", pcm: name, snd_pcm_hw_params_get_buffer_size(hw, &buffer))
        var grantedRate: UInt32 = 0
        try ALSAError.check("snd_pcm_hw_params_get_rate", pcm: name, snd_pcm_hw_params_get_rate(hw, &grantedRate, &direction))
        guard grantedRate == UInt32(format.rate), direction == 0 else {
            throw ALSAError(call: "snd_pcm_hw_params_get_rate", pcm: name, code: -EINVAL,
                            detail: "the device runs at \(grantedRate) Hz (direction \(direction)), not the \(format.rate) Hz asked for")
        }

        let monotonic = try negotiateSoftware(pcm, name: name, periodFrames: period)
        return Granted(periodFrames: Int(period), bufferFrames: Int(buffer), monotonicTimestamps: monotonic)
    }

    /// Software parameters: wake when a period is ready; timestamps on CLOCK_MONOTONIC
    /// where the device allows it. Returns whether timestamps are monotonic.
    private static func negotiateSoftware(_ pcm: OpaquePointer, name: String, periodFrames: snd_pcm_uframes_t) throws(ALSAError) -> Bool {
        var swOut: OpaquePointer?
        try ALSAError.check("snd_pcm_sw_params_malloc", pcm: name, snd_pcm_sw_params_malloc(&swOut))
        guard let sw = swOut else { throw ALSAError(call: "snd_pcm_sw_params_malloc", pcm: name, code: -ENOMEM) }
        defer { snd_pcm_sw_params_free(sw) }
        try ALSAError.check("snd_pcm_sw_params_current", pcm: name, snd_pcm_sw_params_current(pcm, sw))
        try ALSAError.check("snd_pcm_sw_params_set_avail_min", pcm: name, snd_pcm_sw_params_set_avail_min(pcm, sw, periodFrames))
        try ALSAError.check("snd_pcm_sw_params_set_tstamp_mode", pcm: name, snd_pcm_sw_params_set_tstamp_mode(pcm, sw, SND_PCM_TSTAMP_ENABLE))
        // Older kernels and some plugins have no timestamp type; gaps are then lower bounds.
        let monotonic = snd_pcm_sw_params_set_tstamp_type(pcm, sw, SND_PCM_TSTAMP_TYPE_MONOTONIC) >= 0
        try ALSAError.check("snd_pcm_sw_params", pcm: name, snd_pcm_sw_params(pcm, sw))
        return monotonic
    }

    /// The ALSA format of a Custody sample format.
    static func alsaFormat(_ format: PCMSampleFormat) -> snd_pcm_format_t {
        switch format {
        case .s16LE: SND_PCM_FORMAT_S16_LE
        case .s24LE3: SND_PCM_FORMAT_S24_3LE
        case .s32LE: SND_PCM_FORMAT_S32_LE
        }
    }

    /// The names of every format the configuration space still allows (`snd_pcm_hw_params_test_format`).
    private static func offeredFormats(_ pcm: OpaquePointer, _ hw: OpaquePointer) -> String {
        var names: [String] = []
        for raw in 0...Int32(SND_PCM_FORMAT_LAST.rawValue) {
            let format = snd_pcm_format_t(rawValue: raw)
            guard snd_pcm_hw_params_test_format(pcm, hw, format) == 0, let name = snd_pcm_format_name(format) else { continue }
            names.append(String(cString: name))
        }
        return names.isEmpty ? "no format" : names.joined(separator: " ")
    }

    private static func offeredChannels(_ hw: OpaquePointer) -> String {
        var low: UInt32 = 0, high: UInt32 = 0
        guard snd_pcm_hw_params_get_channels_min(hw, &low) >= 0, snd_pcm_hw_params_get_channels_max(hw, &high) >= 0 else {
            return "an unknown range"
        }
        return low == high ? "\(low)" : "\(low)…\(high)"
    }

    private static func offeredRates(_ hw: OpaquePointer) -> String {
        var low: UInt32 = 0, high: UInt32 = 0
        var lowDirection: Int32 = 0, highDirection: Int32 = 0
        guard snd_pcm_hw_params_get_rate_min(hw, &low, &lowDirection) >= 0,
              snd_pcm_hw_params_get_rate_max(hw, &high, &highDirection) >= 0 else {
            return "an unknown range"
        }
        // A direction of -1 on the maximum means "just below"; report the whole rates.
        let top = highDirection < 0 && high > low ? high - 1 : high
        return low == top ? "\(low) Hz" : "\(low)…\(top) Hz"
    }
}
