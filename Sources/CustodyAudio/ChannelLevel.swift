import Foundation

/// The level of one channel over some stretch of frames.
///
/// dBFS is relative to full scale (2^(bits−1)): a full-scale square wave has a
/// peak and an RMS of 0 dBFS, a full-scale sine a peak of 0 and an RMS of −3.01 dBFS
/// (the convention of `sox stats`, without AES17's +3 dB). A channel whose every
/// sample was zero has no level in dB (nil, −∞).
public struct ChannelLevel: Sendable, Hashable, Codable {
    /// 1-based channel number.
    public var channel: Int
    public var name: String
    /// Largest sample magnitude, in dBFS.
    public var peakDBFS: Double?
    /// Root mean square of the samples, in dBFS.
    public var rmsDBFS: Double?
    /// Samples at full scale: a magnitude of at least the largest positive value
    /// (+32767, −32767 and −32768 for 16 bits), where a converter clips.
    public var clippedSamples: UInt64
    /// Frames measured.
    public var frames: UInt64

    public init(channel: Int, name: String, peakDBFS: Double?, rmsDBFS: Double?, clippedSamples: UInt64, frames: UInt64) {
        self.channel = channel
        self.name = name
        self.peakDBFS = peakDBFS
        self.rmsDBFS = rmsDBFS
        self.clippedSamples = clippedSamples
        self.frames = frames
    }
}

/// Running per-channel sums from which ``ChannelLevel``s are computed.
struct LevelStatistics: Sendable, Hashable {
    var peak: [Int64]
    var sumOfSquares: [Double]
    var clipped: [UInt64]
    var frames: UInt64 = 0

    init(channels: Int) {
        peak = Array(repeating: 0, count: channels)
        sumOfSquares = Array(repeating: 0, count: channels)
        clipped = Array(repeating: 0, count: channels)
    }

    var channels: Int { peak.count }

    /// Adds another stretch's sums to these.
    mutating func merge(_ other: LevelStatistics) {
        for channel in 0..<min(channels, other.channels) {
            peak[channel] = max(peak[channel], other.peak[channel])
            sumOfSquares[channel] += other.sumOfSquares[channel]
            clipped[channel] += other.clipped[channel]
        }
        frames += other.frames
    }

    mutating func reset() {
        self = LevelStatistics(channels: channels)
    }

    /// The levels, with the channels' names (channel n+1 is `names[n]`).
    func levels(format: PCMSampleFormat, names: [String]) -> [ChannelLevel] {
        (0..<channels).map { channel in
            let fullScale = format.fullScale
            let peakRatio = Double(peak[channel]) / fullScale
            let rmsRatio = frames > 0 ? (sumOfSquares[channel] / Double(frames)).squareRoot() / fullScale : 0
            return ChannelLevel(channel: channel + 1, name: channel < names.count ? names[channel] : "Channel \(channel + 1)",
                                peakDBFS: Self.decibels(peakRatio), rmsDBFS: Self.decibels(rmsRatio),
                                clippedSamples: clipped[channel], frames: frames)
        }
    }

    /// 20·log10(ratio), or nil for 0.
    static func decibels(_ ratio: Double) -> Double? {
        ratio > 0 ? 20 * log10(ratio) : nil
    }
}
