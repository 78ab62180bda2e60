// The sample formats Custody records, and the shape of a PCM stream.

/// A linear PCM sample format Custody records, named as ALSA names it.
///
/// All are little-endian, signed and interleaved. `S24_3LE` is 24 bits packed in
/// three bytes (what USB audio interfaces deliver); `S32_LE` is 32 bits, all valid.
public enum PCMSampleFormat: String, Sendable, Hashable, Codable, CaseIterable {
    case s16LE = "S16_LE"
    case s24LE3 = "S24_3LE"
    case s32LE = "S32_LE"

    /// Bytes one sample takes in the stream (and in the file).
    public var bytesPerSample: Int {
        switch self {
        case .s16LE: 2
        case .s24LE3: 3
        case .s32LE: 4
        }
    }

    /// Significant bits of a sample (the WAV `wValidBitsPerSample`).
    public var validBits: Int { bytesPerSample * 8 }

    /// The magnitude of full scale: 2^(bits-1). A sample's level in dBFS is
    /// 20·log10(|sample| / fullScale).
    public var fullScale: Double { Double(Int64(1) << (validBits - 1)) }

    /// The largest positive sample (full scale, positive side).
    public var maximumSample: Int32 { Int32(truncatingIfNeeded: (Int64(1) << (validBits - 1)) - 1) }

    /// The most negative sample (full scale, negative side).
    public var minimumSample: Int32 { Int32(truncatingIfNeeded: -(Int64(1) << (validBits - 1))) }

    /// The format by its ALSA name (`"S16_LE"`, `"S24_3LE"`, `"S32_LE"`), case-insensitive.
    public init?(alsaName: String) {
        self.init(rawValue: alsaName.uppercased())
    }
}

/// What a PCM stream carries: sample format, channel count and frame rate.
public struct PCMStreamFormat: Sendable, Hashable, Codable, CustomStringConvertible {
    public var sampleFormat: PCMSampleFormat
    /// Interleaved channels per frame.
    public var channels: Int
    /// Frames per second.
    public var rate: Int

    public init(sampleFormat: PCMSampleFormat, channels: Int, rate: Int) {
        self.sampleFormat = sampleFormat
        self.channels = channels
        self.rate = rate
    }

    /// Bytes per frame (one sample of every channel): the WAV `nBlockAlign`.
    public var bytesPerFrame: Int { sampleFormat.bytesPerSample * channels }

    /// Bytes per second: the WAV `nAvgBytesPerSec`.
    public var bytesPerSecond: Int { bytesPerFrame * rate }

    public var description: String { "\(sampleFormat.rawValue), \(channels) ch, \(rate) Hz" }
}
