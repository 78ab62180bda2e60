import Glibc

/// Completes segments that a crash or power loss cut off (run at start-up).
///
/// A segment's header states the sizes of its last checkpoint; frames appended
/// after it are on the disk but not counted, and the last frame may be cut in
/// the middle. ``repair(path:)`` counts every whole frame present into the sizes
/// (RIFF, `data`, and `ds64` — turning the file into RF64 when it has passed
/// 4 GiB), drops only a partial trailing frame (reported), adds the pad byte an
/// odd-sized `data` chunk needs, and syncs. A segment that is already consistent
/// is left untouched. The `data` chunk must be the file's last chunk, as in every
/// segment ``BWFWriter`` writes.
public enum SegmentRepair {
    /// Repairs the segment at `path` if it needs it and says what it found.
    /// - Throws: ``BWFError``: ``BWFError/Code/notWave``, ``BWFError/Code/badFormatChunk``,
    ///   ``BWFError/Code/noDataChunk`` (cut before its audio began: nothing to keep),
    ///   ``BWFError/Code/noRoomForDataSize64``, or a failed system call.
    public static func repair(path: String) throws(BWFError) -> SegmentRepairReport {
        try repair(path: path, rf64Threshold: BWFChunks.maximumRIFFSize)
    }

    static func repair(path: String, rf64Threshold: UInt64) throws(BWFError) -> SegmentRepairReport {
        let file = try SegmentFile(path: path, flags: O_RDWR)
        defer { file.close() }
        let fileSize = try file.size()
        let layout = try SegmentLayout.read(file, fileSize: fileSize)
        let blockAlign = UInt64(layout.blockAlign)
        let dataOffset = layout.dataHeaderOffset + 8
        let present = fileSize - dataOffset
        let stated = layout.statedDataBytes
        var report = SegmentRepairReport(
            path: path, outcome: .consistent, channels: layout.channels, rate: layout.rate,
            bitsPerSample: layout.bitsPerSample, blockAlign: layout.blockAlign, wasRF64: layout.isRF64, isRF64: layout.isRF64,
            statedDataBytes: stated, dataBytes: stated, frames: stated / blockAlign,
            discardedPartialFrameBytes: 0, padByteAdded: false, findings: [])

        // Compared by subtraction from the file's own size (both operands at most
        // fileSize), so a stated size anywhere in its 64-bit range cannot overflow.
        let statedPad: UInt64 = stated % 2
        if stated % blockAlign == 0, stated <= present, present - stated == statedPad,
           layout.statedRIFFSize == fileSize - 8 {
            return report
        }

        report.outcome = .repaired
        for (name, value) in [("RIFF", layout.statedRIFFSize), ("data", stated)] where value > SegmentLayout.largestFileSize {
            report.findings.append("the header stated \(value) bytes for its \(name) size, more than any file can hold")
        }
        let frames = present / blockAlign
        let partial = present % blockAlign
        let dataBytes = frames * blockAlign
        if stated != present {
            report.findings.append("the header stated \(stated) bytes of audio (\(stated / blockAlign) frames); \(present) bytes follow the data chunk's header")
        }
        if partial > 0 {
            report.discardedPartialFrameBytes = Int(partial)
            report.findings.append("dropped a partial trailing frame of \(partial) bytes (a frame is \(blockAlign) bytes)")
        }
        try file.truncate(to: dataOffset + dataBytes)
        let pad = dataBytes % 2 == 1
        if pad {
            try file.write([0], at: dataOffset + dataBytes)
            report.padByteAdded = true
        }
        let riffSize = dataOffset - 8 + dataBytes + (pad ? 1 : 0)
        if !layout.isRF64 && riffSize > min(rf64Threshold, BWFChunks.maximumRIFFSize) {
            guard layout.hasDataSize64Placeholder else {
                throw BWFError(code: .noRoomForDataSize64, path: path,
                               message: "the audio (\(dataBytes) bytes) passes the 32-bit RIFF limit, and the file has no 28-byte JUNK chunk at offset 12 to become ds64")
            }
            report.findings.append("the audio passes the 32-bit RIFF limit: the file becomes RF64")
        }
        report.isRF64 = try BWFHeaderSizes.write(to: file, dataHeaderOffset: layout.dataHeaderOffset, dataBytes: dataBytes,
                                                 blockAlign: layout.blockAlign, padByte: pad,
                                                 rf64Threshold: rf64Threshold, isRF64: layout.isRF64)
        try file.synchronize()
        report.dataBytes = dataBytes
        report.frames = frames
        report.findings.append("sizes set to \(frames) whole frames (\(dataBytes) bytes)")
        return report
    }
}

/// What ``SegmentRepair/repair(path:)`` found and did.
public struct SegmentRepairReport: Sendable, Hashable, Codable {
    public enum Outcome: String, Sendable, Hashable, Codable {
        /// The sizes already matched the file: nothing was changed.
        case consistent
        /// The sizes were brought up to the whole frames present.
        case repaired
    }

    public var path: String
    public var outcome: Outcome
    public var channels: Int
    public var rate: Int
    /// The container size of a sample in bits (`wBitsPerSample`).
    public var bitsPerSample: Int
    /// Bytes per frame.
    public var blockAlign: Int
    /// The file was RF64 before the repair.
    public var wasRF64: Bool
    /// The file is RF64 after the repair.
    public var isRF64: Bool
    /// The audio size the header stated before the repair.
    public var statedDataBytes: UInt64
    /// The audio size after the repair (whole frames).
    public var dataBytes: UInt64
    /// Whole frames in the file after the repair.
    public var frames: UInt64
    /// Bytes of a partial trailing frame that were dropped (0 if none).
    public var discardedPartialFrameBytes: Int
    /// A zero pad byte was added after odd-sized audio.
    public var padByteAdded: Bool
    /// What was found and done, in sentences.
    public var findings: [String]
}

/// Where a segment's chunks are, read from its header.
///
/// Every integer read is bounded before it is used: chunk sizes are 32-bit and only
/// move the walk forward within the file; the 64-bit sizes of `ds64` are compared
/// with the file's own size, never added to it (a value past ``largestFileSize`` is
/// reported as a finding); the `fmt ` chunk must describe a format Custody records
/// (``channelRange``, ``rateRange``, ``sampleBits``, and a block size of exactly
/// channels × bytes per sample), or the segment is refused untouched, since its frame
/// size decides which bytes the repair keeps.
struct SegmentLayout {
    /// No file can be larger than `off_t` counts.
    static let largestFileSize = UInt64(Int64.max)
    /// The channel counts a segment can have (the 16-bit `nChannels` field, never 0).
    static let channelRange = 1...Int(UInt16.max)
    /// The rates a courtroom records at (`[[courtroom]] rate`).
    static let rateRange = 1...768_000
    /// The sample sizes Custody records (S16_LE, S24_3LE, S32_LE), in bits.
    static let sampleBits: Set<Int> = [16, 24, 32]

    var isRF64: Bool
    var statedRIFFSize: UInt64
    var statedDataBytes: UInt64
    var dataHeaderOffset: UInt64
    var channels: Int
    var rate: Int
    var bitsPerSample: Int
    var blockAlign: Int
    /// A 28-byte `JUNK` chunk sits at offset 12, ready to become `ds64`.
    var hasDataSize64Placeholder: Bool

    static func read(_ file: SegmentFile, fileSize: UInt64) throws(BWFError) -> SegmentLayout {
        let path = file.path
        let head = try file.read(count: 12, at: 0)
        guard head.count == 12, let form = fourCC(head, 0), ["RIFF", "RF64", "BW64"].contains(form), fourCC(head, 8) == "WAVE" else {
            throw BWFError(code: .notWave, path: path, message: "not a RIFF/WAVE or RF64/WAVE file")
        }
        let isRF64 = form != "RIFF"
        var riffSize = UInt64(u32(head, 4))
        var dataSize64: UInt64?
        var placeholder = false
        var format: (channels: Int, rate: Int, blockAlign: Int, bits: Int)?
        var offset: UInt64 = 12
        while offset + 8 <= fileSize {
            let header = try file.read(count: 8, at: offset)
            guard header.count == 8, let id = fourCC(header, 0) else { break }
            let size32 = u32(header, 4)
            var size = UInt64(size32)
            switch id {
            case "ds64" where offset == 12 && isRF64:
                let body = try file.read(count: 28, at: offset + 8)
                guard body.count == 28, size >= 28 else {
                    throw BWFError(code: .notWave, path: path, message: "the ds64 chunk at offset 12 is cut short")
                }
                if riffSize == UInt64(UInt32.max) { riffSize = u64(body, 0) }
                dataSize64 = u64(body, 8)
            case "JUNK" where offset == 12:
                placeholder = size == UInt64(BWFChunks.dataSize64PayloadSize)
            case "fmt ":
                let body = try file.read(count: 16, at: offset + 8)
                guard body.count == 16, size >= 16 else {
                    throw BWFError(code: .badFormatChunk, path: path, message: "the fmt chunk at offset \(offset) is cut short")
                }
                format = (Int(u16(body, 2)), Int(u32(body, 4)), Int(u16(body, 12)), Int(u16(body, 14)))
                try checkFormat(format!, at: offset, path: path)
            case "data":
                guard let format else {
                    throw BWFError(code: .badFormatChunk, path: path,
                                   message: "no usable fmt chunk before the data chunk at offset \(offset)")
                }
                guard !isRF64 || dataSize64 != nil else {
                    throw BWFError(code: .notWave, path: path, message: "an \(form) file without a ds64 chunk at offset 12")
                }
                if size32 == UInt32.max, let dataSize64 { size = dataSize64 }
                return SegmentLayout(isRF64: isRF64, statedRIFFSize: riffSize, statedDataBytes: size, dataHeaderOffset: offset,
                                     channels: format.channels, rate: format.rate, bitsPerSample: format.bits,
                                     blockAlign: format.blockAlign, hasDataSize64Placeholder: placeholder)
            default:
                break
            }
            offset += 8 + size + (size & 1)
        }
        throw BWFError(code: .noDataChunk, path: path,
                       message: "the file (\(fileSize) bytes) ends before its data chunk begins; no audio to recover")
    }

    /// Refuses a format outside the ranges above, naming the field.
    private static func checkFormat(_ format: (channels: Int, rate: Int, blockAlign: Int, bits: Int), at offset: UInt64,
                                    path: String) throws(BWFError) {
        let at = "the fmt chunk at offset \(offset)"
        func refuse(_ what: String) -> BWFError {
            BWFError(code: .badFormatChunk, path: path, message: "\(at) states \(what); not a segment Custody records, left as it is")
        }
        guard channelRange.contains(format.channels) else { throw refuse("\(format.channels) channels (1…\(channelRange.upperBound))") }
        guard rateRange.contains(format.rate) else { throw refuse("a rate of \(format.rate) Hz (1…\(rateRange.upperBound))") }
        guard sampleBits.contains(format.bits) else { throw refuse("\(format.bits) bits per sample (16, 24 or 32)") }
        let frame = format.channels * format.bits / 8
        guard format.blockAlign == frame else {
            throw refuse("a block align of \(format.blockAlign) bytes, but \(format.channels) channels of \(format.bits) bits are \(frame)")
        }
    }

    private static func fourCC(_ bytes: [UInt8], _ at: Int) -> String? {
        guard bytes.count >= at + 4 else { return nil }
        return String(decoding: bytes[at..<at + 4], as: UTF8.self)
    }

    private static func u16(_ bytes: [UInt8], _ at: Int) -> UInt16 {
        UInt16(bytes[at]) | UInt16(bytes[at + 1]) << 8
    }

    private static func u32(_ bytes: [UInt8], _ at: Int) -> UInt32 {
        (0..<4).reduce(UInt32(0)) { $0 | UInt32(bytes[at + $1]) << (8 * $1) }
    }

    private static func u64(_ bytes: [UInt8], _ at: Int) -> UInt64 {
        (0..<8).reduce(UInt64(0)) { $0 | UInt64(bytes[at + $1]) << (8 * $1) }
    }
}
