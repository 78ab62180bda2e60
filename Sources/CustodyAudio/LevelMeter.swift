/// Measures interleaved PCM as it is captured: per channel the peak, the sum of
/// squares (for RMS) and the samples at full scale, and it tells the
/// ``SilenceDetector`` where each channel has signal. Each sample is read once.
struct LevelMeter {
    let format: PCMSampleFormat
    let channels: Int
    /// The sums since the last ``takeStatistics()``.
    private(set) var statistics: LevelStatistics

    init(format: PCMSampleFormat, channels: Int) {
        self.format = format
        self.channels = channels
        statistics = LevelStatistics(channels: channels)
    }

    /// Frames handed to one ``accumulate`` call.
    static let framesPerPass = 1 << 16

    /// Measures `frames` frames of `bytes`, the first being frame number `firstFrame`.
    mutating func measure(_ bytes: UnsafeRawBufferPointer, frames: Int, firstFrame: UInt64, silence: inout SilenceDetector) {
        guard frames > 0, let base = bytes.baseAddress else { return }
        precondition(bytes.count >= frames * channels * format.bytesPerSample, "LevelMeter.measure: buffer too short")
        var done = 0
        while done < frames {
            let count = min(frames - done, Self.framesPerPass)
            let start = base + done * channels * format.bytesPerSample
            let first = firstFrame + UInt64(done)
            switch format {
            case .s16LE: accumulate(S16Sample.self, start, count, first, &silence)
            case .s24LE3:
                // Four-byte loads read one byte past a sample: safe for all but the buffer's last frame.
                let isLast = done + count == frames
                let wide = isLast ? count - 1 : count
                accumulate(S24PackedWideSample.self, start, wide, first, &silence)
                if isLast {
                    accumulate(S24PackedSample.self, start + wide * channels * 3, 1, first + UInt64(wide), &silence)
                }
            case .s32LE: accumulate(S32Sample.self, start, count, first, &silence)
            }
            done += count
        }
        statistics.frames += UInt64(frames)
        silence.sortEndedRuns()
    }

    /// Returns the sums since the last call and starts new ones.
    mutating func takeStatistics() -> LevelStatistics {
        defer { statistics.reset() }
        return statistics
    }

    /// Frames per tile: a tile of frames (at most 24 KiB for 16 channels of
    /// 24 bits) stays in the L1 cache while each of its channels is measured.
    static let framesPerTile = 512

    /// Tile by tile, and within a tile one channel at a time (the channel's sums
    /// stay in registers), striding over the interleaved frames.
    ///
    /// Silence: when the alarm needs at least a tile's length of silence (the usual
    /// case, seconds), no silent run long enough can lie strictly inside a tile, so
    /// each tile only needs its first and last signal frames. Shorter alarm lengths
    /// track every signal sample.
    private mutating func accumulate<Sample: SampleDecoding>(_: Sample.Type, _ base: UnsafeRawPointer, _ frames: Int,
                                                             _ firstFrame: UInt64, _ silence: inout SilenceDetector) {
        let maximum = Int64(format.maximumSample)
        let threshold = silence.threshold
        let silenceFrames = silence.silenceFrames
        let perTile = silenceFrames >= UInt64(Self.framesPerTile)
        let stride = channels * Sample.size
        var tileStart = 0
        while tileStart < frames {
            let tileEnd = min(frames, tileStart + Self.framesPerTile)
            for channel in 0..<channels {
                var peak = statistics.peak[channel]
                var clipped: UInt64 = 0
                var squares: Int64 = 0
                var wideSquares = 0.0
                var since = silence.silentSince[channel]
                let start = tileStart &* stride &+ channel &* Sample.size
                var offset = start
                if perTile {
                    var lastSignal = -1
                    for frame in tileStart..<tileEnd {
                        let sample = Int64(Sample.load(base, offset))
                        offset &+= stride
                        let magnitude = sample < 0 ? -sample : sample
                        peak = max(peak, magnitude)
                        if Sample.size < 4 {
                            squares &+= sample &* sample
                        } else {
                            let value = Double(sample)
                            wideSquares += value * value
                        }
                        clipped &+= magnitude >= maximum ? 1 : 0
                        lastSignal = magnitude >= threshold ? frame : lastSignal
                    }
                    if lastSignal >= 0 {
                        // The first signal frame ends the silent run before it.
                        var scan = start
                        var firstSignal = tileStart
                        while firstSignal < lastSignal, abs(Int64(Sample.load(base, scan))) < threshold {
                            firstSignal += 1
                            scan &+= stride
                        }
                        let here = firstFrame &+ UInt64(firstSignal)
                        if here &- since >= silenceFrames { silence.endedRuns.append((channel, since, here)) }
                        since = firstFrame &+ UInt64(lastSignal) &+ 1
                    }
                } else {
                    for frame in tileStart..<tileEnd {
                        let sample = Int64(Sample.load(base, offset))
                        offset &+= stride
                        let magnitude = sample < 0 ? -sample : sample
                        peak = max(peak, magnitude)
                        if Sample.size < 4 {
                            squares &+= sample &* sample
                        } else {
                            let value = Double(sample)
                            wideSquares += value * value
                        }
                        clipped &+= magnitude >= maximum ? 1 : 0
                        let signal = magnitude >= threshold
                        let here = firstFrame &+ UInt64(frame)
                        if signal && here &- since >= silenceFrames {
                            silence.endedRuns.append((channel, since, here))
                        }
                        since = signal ? here &+ 1 : since
                    }
                }
                statistics.peak[channel] = peak
                statistics.clipped[channel] &+= clipped
                statistics.sumOfSquares[channel] += Double(squares) + wideSquares
                silence.silentSince[channel] = since
            }
            tileStart = tileEnd
        }
    }
}

/// Reads one little-endian sample.
protocol SampleDecoding {
    static var size: Int { get }
    static func load(_ base: UnsafeRawPointer, _ offset: Int) -> Int32
}

enum S16Sample: SampleDecoding {
    @inline(__always) static var size: Int { 2 }
    @inline(__always) static func load(_ base: UnsafeRawPointer, _ offset: Int) -> Int32 {
        Int32(Int16(littleEndian: base.loadUnaligned(fromByteOffset: offset, as: Int16.self)))
    }
}

enum S24PackedSample: SampleDecoding {
    @inline(__always) static var size: Int { 3 }
    @inline(__always) static func load(_ base: UnsafeRawPointer, _ offset: Int) -> Int32 {
        let low = Int32(base.load(fromByteOffset: offset, as: UInt8.self))
        let middle = Int32(base.load(fromByteOffset: offset &+ 1, as: UInt8.self))
        let high = Int32(base.load(fromByteOffset: offset &+ 2, as: Int8.self))
        return high << 16 | middle << 8 | low
    }
}

/// A packed 24-bit sample read with one four-byte load (the byte after the
/// sample must be readable: it is shifted out).
enum S24PackedWideSample: SampleDecoding {
    @inline(__always) static var size: Int { 3 }
    @inline(__always) static func load(_ base: UnsafeRawPointer, _ offset: Int) -> Int32 {
        let word = UInt32(littleEndian: base.loadUnaligned(fromByteOffset: offset, as: UInt32.self))
        return Int32(bitPattern: word << 8) >> 8
    }
}

enum S32Sample: SampleDecoding {
    @inline(__always) static var size: Int { 4 }
    @inline(__always) static func load(_ base: UnsafeRawPointer, _ offset: Int) -> Int32 {
        Int32(littleEndian: base.loadUnaligned(fromByteOffset: offset, as: Int32.self))
    }
}
