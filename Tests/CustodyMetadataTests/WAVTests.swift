// WAV and Broadcast Wave: ffmpeg/sox output cross-checked against exiftool and
// mediainfo, and handmade chunks for every malformed case.
import CustodyMetadata
import CustodyTestSupport
import Foundation
import Testing

@Suite("WAV and BWF")
struct WAVTests {
    // MARK: Real files, cross-checked

    @Test("ffmpeg Broadcast Wave: bext time and duration agree with exiftool and mediainfo")
    func broadcastWave() async throws {
        let dir = try TempDir()
        let wav = try await MediaFactory.broadcastWave(in: dir, name: "HEARING.WAV", date: "2026-03-16", time: "09:00:00", seconds: 1.5)
        let exif = try await ExternalTool.exiftoolObject(wav.path, slots: .media)
        let info = try await ExternalTool.mediainfoTracks(wav.path, slots: .media)
        let meta = try readMetadata(of: wav)

        #expect(meta.mediaType == "audio/wav")
        #expect(meta.container == "bwf")
        #expect(meta.recordedAtSource == "bwf.bext")
        #expect(meta.problems == [])
        #expect(meta.utcOffsetSeconds == nil)
        #expect(exif["Description"] as? String == "Courtroom 3")
        #expect(meta.recordedAt == (try ToolTime.utc(try #require(exif["DateTimeOriginal"] as? String))))
        #expect(meta.recordedAt == (try ToolTime.utc(try #require(info["General"]?["Encoded_Date"] as? String))))
        #expect(meta.recordedAt == (try ToolTime.iso8601("2026-03-16T09:00:00Z")))

        let mediainfoDuration = try #require(ExternalTool.number(info["Audio"]?["Duration"]))
        let samples = try #require(ExternalTool.number(info["Audio"]?["SamplingCount"]))
        let rate = try #require(ExternalTool.number(info["Audio"]?["SamplingRate"]))
        #expect(abs((meta.durationSeconds ?? -1) - mediainfoDuration) < 0.001)
        #expect(meta.durationSeconds == samples / rate)
    }

    @Test("RF64 (ds64) Broadcast Wave with ':' and '-' separators")
    func rf64() async throws {
        let dir = try TempDir()
        let wav = try await MediaFactory.broadcastWave(in: dir, name: "long.wav", date: "2026:03:16", time: "13-30-00",
                                                 seconds: 1, extra: ["-rf64", "always"])
        let info = try await ExternalTool.mediainfoTracks(wav.path, slots: .media)
        #expect(info["General"]?["Format_Profile"] as? String == "RF64")
        let meta = try readMetadata(of: wav)
        #expect(meta.container == "bwf")
        #expect(meta.problems == [])
        #expect(meta.recordedAt == (try ToolTime.iso8601("2026-03-16T13:30:00Z")))
        #expect(meta.recordedAt == (try ToolTime.utc(try #require(try await ExternalTool.exiftoolObject(wav.path, slots: .media)["DateTimeOriginal"] as? String))))
        #expect(abs((meta.durationSeconds ?? -1) - (ExternalTool.number(info["Audio"]?["Duration"]) ?? 0)) < 0.001)
    }

    @Test("sox plain WAV (PCM and WAVE_FORMAT_EXTENSIBLE): no recording time, duration agrees with mediainfo",
          arguments: [(16000, 1, 16), (48000, 4, 24)])
    func soxWave(rate: Int, channels: Int, bits: Int) async throws {
        let dir = try TempDir()
        let wav = try await MediaFactory.soxWave(in: dir, name: "note.wav", rate: rate, channels: channels, bits: bits, seconds: 1.25)
        let info = try await ExternalTool.mediainfoTracks(wav.path, slots: .media)
        let meta = try readMetadata(of: wav)
        #expect(meta.mediaType == "audio/wav")
        #expect(meta.container == "wav")
        #expect(meta.recordedAt == nil)
        #expect(meta.recordedAtSource == nil)
        #expect(meta.problems == [])
        #expect(abs((meta.durationSeconds ?? -1) - (ExternalTool.number(info["Audio"]?["Duration"]) ?? 0)) < 0.001)
        #expect(abs((meta.durationSeconds ?? -1) - 1.25) < 0.001)
        if channels > 2 {
            // sox writes WAVE_FORMAT_EXTENSIBLE for more than two channels.
            let bytes = try bytes(of: wav)
            #expect(bytes[20] == 0xFE && bytes[21] == 0xFF)
        }
    }

    @Test("a Broadcast Wave cut short: bext still read, duration from the bytes present, problems named")
    func truncatedBroadcastWave() async throws {
        let dir = try TempDir()
        let wav = try await MediaFactory.broadcastWave(in: dir, name: "cut.wav", date: "2026-03-16", time: "09:00:00", seconds: 2)
        let whole = try bytes(of: wav)
        let cut = Array(whole.prefix(whole.count - 48000))
        let meta = MetadataReader.read(BytesInput(cut))
        #expect(meta.container == "bwf")
        #expect(meta.recordedAt == (try ToolTime.iso8601("2026-03-16T09:00:00Z")))
        try #require(meta.problems.count == 3)
        #expect(meta.problems[0] == "wav: RIFF header at offset 0 claims \(whole.count) bytes but the file has only \(cut.count) (truncated?)")
        #expect(meta.problems[1].hasPrefix("wav: chunk 'data' at offset"))
        #expect(meta.problems[1].hasSuffix("claims 192000 bytes but only 144000 remain"))
        #expect(meta.durationSeconds == 1.5)
    }

    // MARK: Handmade chunks

    static func bwf(date: String, time: String) -> [UInt8] {
        Chunk.wave([Chunk.pcmFormat(), Chunk.make("bext", Chunk.bextPayload(date: date, time: time)),
                    Chunk.make("data", [UInt8](repeating: 0, count: 16000))])
    }

    @Test("bext separators EBU Tech 3285 allows, and '/'",
          arguments: ["2026-03-16", "2026:03:16", "2026/03/16", "2026 03 16", "2026_03_16", "2026.03.16"])
    func separators(date: String) throws {
        let meta = MetadataReader.read(BytesInput(Self.bwf(date: date, time: "09:00:00")))
        #expect(meta.problems == [])
        #expect(meta.recordedAt == (try ToolTime.iso8601("2026-03-16T09:00:00Z")))
        #expect(meta.durationSeconds == 1)
    }

    @Test("TimeReference within OriginationTime's second gives the first sample's instant to the sample")
    func timeReferenceRefinesTheSecond() throws {
        func read(_ time: String, _ reference: UInt64) -> Date? {
            MetadataReader.read(BytesInput(Chunk.wave([
                Chunk.pcmFormat(), Chunk.make("bext", Chunk.bextPayload(date: "2026-03-16", time: time, timeReference: reference)),
                Chunk.make("data", [UInt8](repeating: 0, count: 16000))]))).recordedAt
        }
        let nine = try ToolTime.iso8601("2026-03-16T09:00:00Z")
        // 09:00:00 and 2000 samples at 8 kHz: 09:00:00.250.
        #expect(read("09:00:00", 9 * 3600 * 8000 + 2000) == nine.addingTimeInterval(0.25))
        #expect(read("09:00:00", 9 * 3600 * 8000) == nine)
        // A TimeReference counting from something else (another second, another day) is not used.
        #expect(read("09:00:00", 9 * 3600 * 8000 + 8000) == nine)
        #expect(read("09:00:00", 0) == nine)
    }

    @Test("bext with an empty, invalid or half-set date: still BWF, a problem, no recording time")
    func badBextTimes() {
        let empty = MetadataReader.read(BytesInput(Self.bwf(date: "", time: "")))
        #expect(empty.container == "bwf")
        #expect(empty.recordedAt == nil)
        #expect(empty.recordedAtSource == nil)
        #expect(empty.problems == ["wav: chunk 'bext' at offset 36 has an empty OriginationDate; no recording time"])

        let invalid = MetadataReader.read(BytesInput(Self.bwf(date: "2026-13-01", time: "09:00:00")))
        #expect(invalid.recordedAt == nil)
        #expect(invalid.problems == ["wav: chunk 'bext' at offset 36 has OriginationDate \"2026-13-01\" and OriginationTime \"09:00:00\", not a valid \"yyyy-mm-dd\" \"hh:mm:ss\" time; no recording time"])

        let noTime = MetadataReader.read(BytesInput(Self.bwf(date: "2026-03-16", time: "")))
        #expect(noTime.recordedAt == nil)
        #expect(noTime.problems == ["wav: chunk 'bext' at offset 36 has OriginationDate \"2026-03-16\" but an empty OriginationTime; no recording time"])
    }

    @Test("a chunk claiming more bytes than remain is named")
    func chunkPastEnd() {
        var file = Chunk.wave([Chunk.pcmFormat(), Chunk.raw("LIST", size: 9000, [1, 2, 3, 4])])
        let meta = MetadataReader.read(BytesInput(file))
        #expect(meta.container == "wav")
        #expect(meta.problems == ["wav: chunk 'LIST' at offset 36 claims 9000 bytes but only 4 remain"])
        #expect(meta.durationSeconds == nil)

        // The RIFF size itself runs past the end of the file.
        file.replaceSubrange(4..<8, with: Enc.le32(100_000))
        let riff = MetadataReader.read(BytesInput(file))
        #expect(riff.problems.first == "wav: RIFF header at offset 0 claims 100008 bytes but the file has only \(file.count) (truncated?)")
    }

    @Test("odd-sized chunks are followed by a pad byte")
    func oddChunkPadding() {
        let file = Chunk.wave([Chunk.pcmFormat(), Chunk.make("LIST", [1, 2, 3]), Chunk.make("bext", Chunk.bextPayload(date: "2026-03-16", time: "10:11:12")),
                               Chunk.make("data", [UInt8](repeating: 0, count: 8001))])
        let meta = MetadataReader.read(BytesInput(file))
        #expect(meta.problems == [])
        #expect(meta.container == "bwf")
        #expect(meta.durationSeconds == 8001.0 / 16000.0)
        #expect(meta.recordedAt == (try? ToolTime.iso8601("2026-03-16T10:11:12Z")))
    }

    @Test("structural problems: no fmt, no data, short fmt, short bext, zero byte rate, RF64 without ds64")
    func structuralProblems() {
        let noFormat = MetadataReader.read(BytesInput(Chunk.wave([Chunk.make("data", [0, 0])])))
        #expect(noFormat.problems == ["wav: no 'fmt ' chunk; format and duration unknown"])
        #expect(noFormat.durationSeconds == nil)

        let noData = MetadataReader.read(BytesInput(Chunk.wave([Chunk.pcmFormat()])))
        #expect(noData.problems == ["wav: no 'data' chunk"])

        let shortFormat = MetadataReader.read(BytesInput(Chunk.wave([Chunk.make("fmt ", [1, 0, 1, 0]), Chunk.make("data", [0, 0])])))
        #expect(shortFormat.problems == ["wav: chunk 'fmt ' at offset 12 is 4 bytes, shorter than the 16 a format chunk needs; format and duration unknown"])

        let shortBext = MetadataReader.read(BytesInput(Chunk.wave([Chunk.pcmFormat(), Chunk.make("bext", Enc.fixed("x", 300)), Chunk.make("data", [0, 0])])))
        #expect(shortBext.container == "bwf")
        #expect(shortBext.recordedAt == nil)
        #expect(shortBext.problems == ["wav: chunk 'bext' at offset 36 is 300 bytes, too short to hold OriginationDate and OriginationTime (338 bytes needed); no recording time"])

        let zeroRate = Chunk.make("fmt ", Enc.le16(1) + Enc.le16(1) + Enc.le32(8000) + Enc.le32(0) + Enc.le16(2) + Enc.le16(16))
        let noRate = MetadataReader.read(BytesInput(Chunk.wave([zeroRate, Chunk.make("data", [0, 0])])))
        #expect(noRate.durationSeconds == nil)
        #expect(noRate.problems == ["wav: chunk 'fmt ' at offset 12 has a byte rate of 0; duration unknown"])

        let rf64 = MetadataReader.read(BytesInput(Chunk.wave([Chunk.pcmFormat(), Chunk.make("data", [0, 0])], form: "RF64")))
        #expect(rf64.mediaType == "audio/wav")
        #expect(rf64.problems.first == "wav: RF64 file has no 'ds64' chunk at offset 12; its 64-bit sizes cannot be read")
    }
}
