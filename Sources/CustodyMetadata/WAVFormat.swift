// The WAV `fmt ` chunk.

/// The fields of a `fmt ` chunk (WAVEFORMATEX, and WAVEFORMATEXTENSIBLE's sub-format).
struct WAVFormat: Sendable, Equatable {
    /// wFormatTag: 1 PCM, 3 IEEE float, 0xFFFE extensible, ...
    var formatTag: UInt16
    var channels: UInt16
    var sampleRate: UInt32
    /// nAvgBytesPerSec, the divisor for the duration.
    var byteRate: UInt32
    var blockAlign: UInt16
    var bitsPerSample: UInt16
    /// For WAVE_FORMAT_EXTENSIBLE, the format code from the sub-format GUID.
    var subFormat: UInt16?

    static let extensibleTag: UInt16 = 0xFFFE

    /// The effective format code (the sub-format's for an extensible chunk).
    var effectiveFormat: UInt16 { subFormat ?? formatTag }

    /// Reads the chunk at `chunkOffset` (its 8-byte header included in the offset),
    /// or nil with a problem when it is too short to hold the basic fields.
    static func read(_ access: InputAccess, chunkOffset: UInt64, size: UInt64, problems: inout ProblemLog) -> WAVFormat? {
        let at = "chunk 'fmt ' at offset \(chunkOffset)"
        guard size >= 16 else {
            problems.add("wav: \(at) is \(size) bytes, shorter than the 16 a format chunk needs; format and duration unknown")
            return nil
        }
        guard let body = access.view(at: chunkOffset + 8, count: Int(min(size, 64)), context: "wav", problems: &problems),
              let tag = body.u16(0, .little), let channels = body.u16(2, .little),
              let sampleRate = body.u32(4, .little), let byteRate = body.u32(8, .little),
              let blockAlign = body.u16(12, .little), let bits = body.u16(14, .little) else {
            return nil
        }
        var format = WAVFormat(formatTag: tag, channels: channels, sampleRate: sampleRate, byteRate: byteRate,
                               blockAlign: blockAlign, bitsPerSample: bits, subFormat: nil)
        if tag == extensibleTag {
            if let extraSize = body.u16(16, .little), extraSize >= 22, let sub = body.u16(24, .little) {
                format.subFormat = sub
            } else {
                problems.add("wav: \(at) is WAVE_FORMAT_EXTENSIBLE but too short (\(size) bytes) to hold the sub-format")
            }
        }
        format.validate(at, problems: &problems)
        return format
    }

    /// Reports fields that cannot be right: no channels, no sample rate, no byte
    /// rate, or (for PCM and float) a byte rate or block size that contradicts the others.
    func validate(_ at: String, problems: inout ProblemLog) {
        if channels == 0 { problems.add("wav: \(at) has 0 channels") }
        if sampleRate == 0 { problems.add("wav: \(at) has a sample rate of 0") }
        if byteRate == 0 {
            problems.add("wav: \(at) has a byte rate of 0; duration unknown")
            return
        }
        guard effectiveFormat == 1 || effectiveFormat == 3, channels > 0, bitsPerSample > 0 else { return }
        let expectedAlign = UInt64(channels) * ((UInt64(bitsPerSample) + 7) / 8)
        if UInt64(blockAlign) != expectedAlign {
            problems.add("wav: \(at) has block align \(blockAlign), but \(channels) channels of \(bitsPerSample) bits need \(expectedAlign)")
        }
        let expectedRate = UInt64(sampleRate) * UInt64(blockAlign)
        if UInt64(byteRate) != expectedRate {
            problems.add("wav: \(at) has byte rate \(byteRate), but \(sampleRate) Hz × block align \(blockAlign) is \(expectedRate); the duration uses the stated byte rate")
        }
    }
}
