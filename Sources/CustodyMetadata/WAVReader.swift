// WAV, Broadcast Wave (BWF) and RF64/BW64: format, duration and bext recording time.

/// Reads RIFF/WAVE files, and RF64/BW64 files whose 64-bit sizes are in `ds64`.
///
/// Chunks are walked header by header (payloads are skipped, with the pad byte
/// that word-aligns an odd-sized chunk); only `ds64`, `fmt ` and `bext` are read.
/// Duration is the `data` chunk's size divided by the format's byte rate; when
/// the file is cut short, the bytes actually present are used (and a problem says so).
enum WAVReader {
    /// The most chunks walked before giving up.
    static let maxChunks = 100_000

    static func read(_ access: InputAccess) -> MediaMetadata {
        var problems = ProblemLog()
        var result = MediaMetadata(mediaType: "audio/wav", container: "wav")
        parse(access, into: &result, problems: &problems)
        result.problems = problems.list
        return result
    }

    static func parse(_ access: InputAccess, into result: inout MediaMetadata, problems: inout ProblemLog) {
        guard let head = access.view(at: 0, count: 12, context: "wav", problems: &problems),
              let riffSize32 = head.u32(4, .little), let idBytes = head.slice(0, 4) else {
            return
        }
        let form = String(decoding: idBytes, as: UTF8.self)
        var offset: UInt64 = 12
        var riffSize = UInt64(riffSize32)
        var ds64: DataSize64?
        if form != "RIFF" {
            ds64 = DataSize64.read(access, problems: &problems, form: form)
            if let ds64 {
                offset = ds64.end
                if riffSize32 == UInt32.max { riffSize = ds64.riffSize }
            }
        }

        let riffEnd = riffSize.addingReportingOverflow(8)
        let end: UInt64
        if riffEnd.overflow || riffEnd.partialValue > access.size {
            problems.add("wav: \(form) header at offset 0 claims \(riffEnd.overflow ? UInt64.max : riffEnd.partialValue) bytes but the file has only \(access.size) (truncated?)")
            end = access.size
        } else {
            end = riffEnd.partialValue
            if access.size - end > 1 {
                problems.add("wav: \(form) header at offset 0 claims \(end) bytes but the file has \(access.size); the \(access.size - end) bytes after it are not examined")
            }
        }

        var walk = ChunkWalk()
        walkChunks(access, from: offset, to: end, ds64: ds64, walk: &walk, problems: &problems)

        if walk.format == nil, !walk.formatSeen {
            problems.add("wav: no 'fmt ' chunk; format and duration unknown")
        }
        if let data = walk.dataSize {
            if let format = walk.format, format.byteRate > 0 {
                result.durationSeconds = Double(data) / Double(format.byteRate)
            }
        } else if !walk.stoppedEarly {
            problems.add("wav: no 'data' chunk")
        }
        if walk.bextSeen {
            result.container = "bwf"
            if let bext = walk.bext, let recordedAt = bext.recordedAt {
                result.recordedAt = bext.refined(recordedAt, sampleRate: walk.format?.sampleRate)
                result.recordedAtSource = "bwf.bext"
            }
        }
    }

    /// What the chunk walk found.
    struct ChunkWalk {
        var format: WAVFormat?
        var formatSeen = false
        /// Bytes of audio data (those present, if the chunk is cut short).
        var dataSize: UInt64?
        var bext: BroadcastExtension?
        var bextSeen = false
        /// True when the walk ended at a broken chunk before reaching the end.
        var stoppedEarly = false
    }

    static func walkChunks(_ access: InputAccess, from start: UInt64, to end: UInt64, ds64: DataSize64?,
                           walk: inout ChunkWalk, problems: inout ProblemLog) {
        var offset = start
        var walked = 0
        while offset < end {
            walked += 1
            if walked > maxChunks {
                problems.add("wav: more than \(maxChunks) chunks; stopped walking at offset \(offset)")
                walk.stoppedEarly = true
                return
            }
            let left = end - offset
            guard let header = access.view(at: offset, count: Int(min(left, 8)), context: "wav", problems: &problems) else {
                walk.stoppedEarly = true
                return
            }
            guard left >= 8, let size32 = header.u32(4, .little), let idBytes = header.slice(0, 4) else {
                if !ByteText.isBlank(header.bytes) {
                    problems.add("wav: \(left) stray bytes at offset \(offset) are too few for a chunk header")
                }
                return
            }
            let id = String(decoding: idBytes, as: UTF8.self)
            let name = ByteText.fourCC(idBytes)
            var size = UInt64(size32)
            if size32 == UInt32.max, let ds64 {
                if id == "data" {
                    size = ds64.dataSize
                } else if let listed = ds64.table[id] {
                    size = listed
                }
            }
            let available = left - 8
            let payload = offset + 8
            if size > available {
                problems.add("wav: chunk \(name) at offset \(offset) claims \(size) bytes but only \(available) remain")
                walk.stoppedEarly = true
                switch id {
                case "data":
                    walk.dataSize = available
                    problems.add("wav: chunk 'data' at offset \(offset) is cut short; the duration counts only the \(available) bytes present")
                case "bext":
                    walk.bextSeen = true
                    problems.add("wav: chunk 'bext' at offset \(offset) is cut short; no recording time")
                case "fmt ":
                    walk.formatSeen = true
                    problems.add("wav: chunk 'fmt ' at offset \(offset) is cut short; format and duration unknown")
                default:
                    break
                }
                return
            }
            switch id {
            case "fmt ":
                if walk.formatSeen {
                    problems.add("wav: a second 'fmt ' chunk at offset \(offset); only the first is used")
                } else {
                    walk.formatSeen = true
                    walk.format = WAVFormat.read(access, chunkOffset: offset, size: size, problems: &problems)
                }
            case "data":
                if walk.dataSize == nil {
                    walk.dataSize = size
                } else {
                    problems.add("wav: a second 'data' chunk at offset \(offset); only the first is used")
                }
            case "bext":
                if walk.bextSeen {
                    problems.add("wav: a second 'bext' chunk at offset \(offset); only the first is used")
                } else {
                    walk.bextSeen = true
                    walk.bext = BroadcastExtension.read(access, chunkOffset: offset, size: size, problems: &problems)
                }
            default:
                break
            }
            // Next chunk: after the payload and its pad byte (chunks are word-aligned).
            offset = payload + size + (size & 1)
        }
    }
}

/// The RF64/BW64 `ds64` chunk (EBU Tech 3306 / ITU-R BS.2088): the 64-bit sizes
/// that replace 0xFFFFFFFF in the RIFF header and the `data` chunk.
struct DataSize64 {
    var riffSize: UInt64
    var dataSize: UInt64
    /// Sizes of other chunks, by chunk id.
    var table: [String: UInt64]
    /// Offset of the first chunk after `ds64`.
    var end: UInt64

    /// Reads `ds64`, which must be the first chunk (at offset 12), or nil with a problem.
    static func read(_ access: InputAccess, problems: inout ProblemLog, form: String) -> DataSize64? {
        guard let header = access.view(at: 12, count: 8, context: "wav", problems: &problems),
              header.matches(0, "ds64"), let size32 = header.u32(4, .little) else {
            problems.add("wav: \(form) file has no 'ds64' chunk at offset 12; its 64-bit sizes cannot be read")
            return nil
        }
        let size = UInt64(size32)
        guard size >= 28 else {
            problems.add("wav: chunk 'ds64' at offset 12 is \(size) bytes, shorter than the 28 it needs")
            return nil
        }
        guard size <= access.remaining(after: 20) else {
            problems.add("wav: chunk 'ds64' at offset 12 claims \(size) bytes but only \(access.remaining(after: 20)) remain")
            return nil
        }
        guard size <= 64 * 1024 else {
            problems.add("wav: chunk 'ds64' at offset 12 is \(size) bytes, too large to be a size table")
            return nil
        }
        guard let body = access.view(at: 20, count: Int(size), context: "wav", problems: &problems),
              let riffSize = body.u64(0, .little), let dataSize = body.u64(8, .little) else {
            return nil
        }
        var table: [String: UInt64] = [:]
        if let entries = body.u32(24, .little) {
            let count = min(Int(entries), (body.count - 28) / 12)
            if count < Int(entries) {
                problems.add("wav: chunk 'ds64' at offset 12 lists \(entries) table entries but has room for \(count)")
            }
            for index in 0..<max(0, count) {
                let at = 28 + index * 12
                if let id = body.slice(at, 4), let chunkSize = body.u64(at + 4, .little) {
                    table[String(decoding: id, as: UTF8.self)] = chunkSize
                }
            }
        }
        return DataSize64(riffSize: riffSize, dataSize: dataSize, table: table, end: 20 + size + (size & 1))
    }
}
