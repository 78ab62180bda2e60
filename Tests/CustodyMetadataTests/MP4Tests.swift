// MP4 and QuickTime: real ffmpeg output cross-checked against exiftool and mediainfo,
// and handmade boxes for every malformed structure.
import CustodyMetadata
import CustodyTestSupport
import Foundation
import Testing

@Suite("MP4 and MOV")
struct MP4Tests {
    static let recorded = "2026-03-14T09:26:53Z"

    // MARK: Real files, cross-checked

    @Test("ffmpeg MP4: recording time and duration agree with exiftool and mediainfo")
    func mp4MatchesIndependentTools() async throws {
        let dir = try TempDir()
        let clip = try await MediaFactory.clip(in: dir, name: "clip.mp4", creationTime: Self.recorded, seconds: 3)
        let meta = try readMetadata(of: clip)
        let exif = try await ExternalTool.exiftoolObject(clip.path, slots: .media)
        let info = try await ExternalTool.mediainfoTracks(clip.path, slots: .media)

        #expect(meta.mediaType == "video/mp4")
        #expect(meta.container == "mp4")
        #expect(exif["MIMEType"] as? String == "video/mp4")
        #expect(meta.problems == [])
        #expect(meta.recordedAtSource == "mp4.mvhd")
        #expect(meta.utcOffsetSeconds == nil)

        let exiftoolTime = try ToolTime.utc(try #require(exif["CreateDate"] as? String))
        let mediainfoTime = try ToolTime.utc(try #require(info["General"]?["Encoded_Date"] as? String))
        #expect(meta.recordedAt == exiftoolTime)
        #expect(meta.recordedAt == mediainfoTime)
        #expect(meta.recordedAt == (try ToolTime.iso8601(Self.recorded)))

        let duration = try #require(meta.durationSeconds)
        let exiftoolDuration = try #require(ExternalTool.number(exif["Duration"]))
        let mediainfoDuration = try #require(ExternalTool.number(info["General"]?["Duration"]))
        #expect(abs(duration - exiftoolDuration) < 0.001)
        #expect(abs(duration - mediainfoDuration) < 0.05)
        #expect(abs(duration - 3) < 0.1)
    }

    @Test("ffmpeg -f mov: QuickTime by its 'qt  ' brand, time from mvhd")
    func movMatchesIndependentTools() async throws {
        let dir = try TempDir()
        // Named .mp4 on purpose: the brand decides, not the name.
        let clip = try await MediaFactory.clip(in: dir, name: "looks-like.mp4", creationTime: "2026-03-14T10:30:12Z",
                                         extra: ["-f", "mov"])
        let meta = try readMetadata(of: clip)
        let exif = try await ExternalTool.exiftoolObject(clip.path, slots: .media)

        #expect(exif["MajorBrand"] as? String == "qt  ")
        #expect(exif["MIMEType"] as? String == "video/quicktime")
        #expect(meta.mediaType == "video/quicktime")
        #expect(meta.container == "mov")
        #expect(meta.recordedAtSource == "mp4.mvhd")
        #expect(meta.recordedAt == (try ToolTime.utc(try #require(exif["CreateDate"] as? String))))
        #expect(meta.recordedAt == (try ToolTime.iso8601("2026-03-14T10:30:12Z")))
        let exiftoolDuration = try #require(ExternalTool.number(exif["Duration"]))
        #expect(abs((meta.durationSeconds ?? -1) - exiftoolDuration) < 0.001)
        #expect(meta.problems == [])
    }

    @Test("an MP4 without creation_time has no recording time, and says so")
    func mp4WithoutCreationTime() async throws {
        let dir = try TempDir()
        let clip = try await MediaFactory.clip(in: dir, name: "clip.mp4", creationTime: nil)
        let meta = try readMetadata(of: clip)
        let exif = try await ExternalTool.exiftoolObject(clip.path, slots: .media)

        #expect(exif["CreateDate"] as? String == "0000:00:00 00:00:00")
        #expect(meta.container == "mp4")
        #expect(meta.recordedAt == nil)
        #expect(meta.recordedAtSource == nil)
        #expect(meta.problems.contains { $0.hasPrefix("mp4: box 'mvhd' at offset") && $0.contains("creation_time 0 (not set)") })
        #expect(meta.durationSeconds != nil)
    }

    @Test("an MP4 cut in half (moov at the end is gone): no recording time, problems name mdat and moov")
    func truncatedMP4() async throws {
        let dir = try TempDir()
        let clip = try await MediaFactory.clip(in: dir, name: "clip.mp4", creationTime: Self.recorded)
        let whole = try bytes(of: clip)
        let half = dir.file("CLIP0004_TRUNCATED.MP4")
        try Data(whole.prefix(whole.count / 2)).write(to: half)

        let meta = try readMetadata(of: half)
        let exif = try await ExternalTool.exiftoolObject(half.path, slots: .media)
        let info = try await ExternalTool.mediainfoTracks(half.path, slots: .media)

        // The independent tools agree the file is truncated and carries no creation date.
        #expect(exif["CreateDate"] == nil)
        #expect((exif["Warning"] as? String)?.contains("Truncated") == true)
        #expect((info["General"]?["extra"] as? [String: Any])?["IsTruncated"] as? String == "Yes")

        #expect(meta.mediaType == "video/mp4")
        #expect(meta.container == "mp4")
        #expect(meta.recordedAt == nil)
        #expect(meta.recordedAtSource == nil)
        #expect(meta.durationSeconds == nil)
        let mdatOffset = try #require(ExternalTool.number(exif["MediaDataOffset"])).rounded() - 8
        #expect(meta.problems.contains("mp4: box 'mdat' at offset \(Int(mdatOffset)) claims \(Int(try #require(ExternalTool.number(exif["MediaDataSize"]))) + 8) bytes but only \(whole.count / 2 - Int(mdatOffset)) remain"))
        #expect(meta.problems.contains { $0.hasPrefix("mp4: no 'moov' box found") })
    }

    @Test("a faststart MP4 cut in half keeps its intact moov: time read, truncation reported")
    func truncatedFaststartMP4() async throws {
        let dir = try TempDir()
        let clip = try await MediaFactory.clip(in: dir, name: "clip.mp4", creationTime: Self.recorded, seconds: 3,
                                         extra: ["-movflags", "+faststart"])
        let whole = try bytes(of: clip)
        let meta = MetadataReader.read(BytesInput(Array(whole.prefix(whole.count / 2))))
        #expect(meta.recordedAt == (try ToolTime.iso8601(Self.recorded)))
        #expect(meta.problems.count == 1)
        #expect(meta.problems.first?.hasPrefix("mp4: box 'mdat' at offset") == true)
        #expect(meta.problems.first?.contains("remain") == true)
    }

    // MARK: Handmade structures

    static let moovGood = Box.make("moov", Box.mvhdV0(creation: UInt32(Box.seconds1904(recorded)), timescale: 600, duration: 1500))

    @Test("handmade MP4: version 0 mvhd")
    func handmadeVersion0() throws {
        let file = Box.ftyp("isom") + Self.moovGood + Box.make("mdat", [1, 2, 3])
        let meta = MetadataReader.read(BytesInput(file))
        #expect(meta == MediaMetadata(mediaType: "video/mp4", container: "mp4",
                                      recordedAt: try ToolTime.iso8601(Self.recorded), recordedAtSource: "mp4.mvhd",
                                      durationSeconds: 2.5, problems: []))
    }

    @Test("64-bit box sizes (size field 1) and a version 1 mvhd")
    func sixtyFourBitSizes() throws {
        let moov = Box.large("moov", Box.mvhdV1(creation: Box.seconds1904("2030-01-02T03:04:05Z"), timescale: 90000,
                                                duration: 90000 * 7))
        let file = Box.ftyp("mp42") + Box.large("mdat", [UInt8](repeating: 0xAB, count: 40)) + moov
        let meta = MetadataReader.read(BytesInput(file))
        #expect(meta.problems == [])
        #expect(meta.recordedAt == (try ToolTime.iso8601("2030-01-02T03:04:05Z")))
        #expect(meta.durationSeconds == 7)
    }

    @Test("size 0 means 'to the end', at the top level and inside moov")
    func zeroSizeBoxes() throws {
        let moov = Box.make("moov", Box.mvhdV0(creation: UInt32(Box.seconds1904(Self.recorded)), timescale: 1000, duration: 4000)
                            + Box.raw(size: 0, "free", [0, 0, 0, 0]))
        let file = Box.ftyp("isom") + moov + Box.raw(size: 0, "mdat", [UInt8](repeating: 7, count: 100))
        let meta = MetadataReader.read(BytesInput(file))
        #expect(meta.problems == [])
        #expect(meta.recordedAt == (try ToolTime.iso8601(Self.recorded)))
        #expect(meta.durationSeconds == 4)
    }

    @Test("moov claiming more bytes than remain: named problem, no recording time")
    func moovPastEnd() {
        let ftyp = Box.ftyp("isom")
        let body = Array(Self.moovGood.dropFirst(8))
        let file = ftyp + Box.raw(size: 5000, "moov", body)
        let meta = MetadataReader.read(BytesInput(file))
        #expect(meta.container == "mp4")
        #expect(meta.recordedAt == nil)
        #expect(meta.problems.contains("mp4: box 'moov' at offset \(ftyp.count) claims 5000 bytes but only \(body.count + 8) remain"))
        #expect(meta.problems.contains("mp4: box 'moov' at offset \(ftyp.count) is cut off; recording time and duration not read"))
    }

    @Test("a child box running past the end of its parent is named with the parent")
    func childPastParent() {
        let mvhd = Box.mvhdV0(creation: 1, timescale: 1, duration: 1)
        let trak = Box.raw(size: 400, "trak", [0, 0, 0, 8] + Enc.ascii("tkhd"))
        let file = Box.ftyp("isom") + Box.make("moov", mvhd + trak)
        let meta = MetadataReader.read(BytesInput(file))
        let trakOffset = Box.ftyp("isom").count + 8 + mvhd.count
        #expect(meta.problems.contains("mp4: box 'trak' at offset \(trakOffset) claims 400 bytes but only 16 remain in its parent 'moov'"))
    }

    @Test("a box smaller than its own header stops the walk with a named problem")
    func boxSmallerThanHeader() {
        let file = Box.ftyp("isom") + Box.raw(size: 4, "free") + Self.moovGood
        let meta = MetadataReader.read(BytesInput(file))
        #expect(meta.recordedAt == nil)
        #expect(meta.problems.contains("mp4: box 'free' at offset \(Box.ftyp("isom").count) claims 4 bytes, smaller than its 8-byte header"))
        #expect(meta.problems.contains { $0.hasPrefix("mp4: no 'moov' box found") })
    }

    @Test("a 64-bit size cut off by the end of the file")
    func largeSizeCutOff() {
        let file = Box.ftyp("isom") + Enc.be32(1) + Enc.ascii("mdat") + [0, 0, 0]
        let meta = MetadataReader.read(BytesInput(file))
        #expect(meta.problems.contains("mp4: box 'mdat' at offset \(Box.ftyp("isom").count) has a 64-bit size that is cut off"))
    }

    @Test("boxes nested 40 deep: the walk stops at 32 levels and says so, mvhd still read")
    func deepNesting() throws {
        var nested = Box.make("free")
        for _ in 0..<40 { nested = Box.make("trak", nested) }
        let file = Box.ftyp("isom") + Box.make("moov", Box.mvhdV0(creation: UInt32(Box.seconds1904(Self.recorded)),
                                                                 timescale: 10, duration: 10) + nested)
        let meta = MetadataReader.read(BytesInput(file))
        #expect(meta.recordedAt == (try ToolTime.iso8601(Self.recorded)))
        #expect(meta.problems.count == 1)
        #expect(meta.problems.first?.contains("box 'trak'") == true)
        #expect(meta.problems.first?.contains("nested deeper than the 32 levels") == true)
    }

    @Test("mvhd problems: missing, unknown version, too short, timescale 0, year past 9999, second copies")
    func movieHeaderProblems() {
        func read(_ moovPayload: [UInt8], extra: [UInt8] = []) -> MediaMetadata {
            MetadataReader.read(BytesInput(Box.ftyp("isom") + Box.make("moov", moovPayload) + extra))
        }
        let at = Box.ftyp("isom").count + 8

        let missing = read(Box.make("trak", Box.make("tkhd", [0, 0, 0, 0])))
        #expect(missing.recordedAt == nil)
        #expect(missing.problems == ["mp4: box 'moov' at offset \(at - 8) has no 'mvhd' movie header; recording time and duration not read"])

        let version2 = read(Box.make("mvhd", [2, 0, 0, 0] + [UInt8](repeating: 1, count: 96)))
        #expect(version2.recordedAt == nil)
        #expect(version2.problems == ["mp4: box 'mvhd' at offset \(at) has version 2; only versions 0 and 1 are defined"])

        let short = read(Box.make("mvhd", [0, 0, 0, 0] + Enc.be32(5)))
        #expect(short.problems == ["mp4: box 'mvhd' at offset \(at) is 16 bytes, too short for a version 0 movie header"])

        let noScale = read(Box.mvhdV0(creation: UInt32(Box.seconds1904(Self.recorded)), timescale: 0, duration: 100))
        #expect(noScale.durationSeconds == nil)
        #expect(noScale.recordedAt != nil)
        #expect(noScale.problems == ["mp4: box 'mvhd' at offset \(at) has timescale 0; duration unknown"])

        let farFuture = read(Box.mvhdV1(creation: UInt64.max - 5, timescale: 1, duration: UInt64.max))
        #expect(farFuture.recordedAt == nil)
        #expect(farFuture.durationSeconds == nil)  // all ones: unknown
        #expect(farFuture.problems.count == 1)
        #expect(farFuture.problems.first?.contains("past the year 9999") == true)

        let twice = read(Self.moovGood.dropFirst(8) + Box.mvhdV0(creation: 5, timescale: 1, duration: 1), extra: Self.moovGood)
        #expect(twice.recordedAt == (try? ToolTime.iso8601(Self.recorded)))
        #expect(twice.problems.count == 2)
        #expect(twice.problems.contains { $0.hasPrefix("mp4: a second 'mvhd' box at offset") })
        #expect(twice.problems.contains { $0.hasPrefix("mp4: a second 'moov' box at offset") })
    }

    @Test("QuickTime without ftyp: a moov, wide or mdat atom first means MOV")
    func quickTimeWithoutFileType() throws {
        let moovFirst = MetadataReader.read(BytesInput(Self.moovGood + Box.make("mdat", [0])))
        #expect(moovFirst.mediaType == "video/quicktime")
        #expect(moovFirst.container == "mov")
        #expect(moovFirst.recordedAt == (try ToolTime.iso8601(Self.recorded)))
        #expect(moovFirst.problems == [])

        let wideFirst = MetadataReader.read(BytesInput(Box.make("wide") + Box.make("mdat", [1, 2]) + Self.moovGood))
        #expect(wideFirst.container == "mov")
        #expect(wideFirst.recordedAt != nil)
    }

    @Test("ftyp brands decide the family; non-video ISO files (HEIF) are 'other' with no problems")
    func brands() {
        func family(_ major: String, _ compatible: [String]) -> [String] {
            let meta = MetadataReader.read(BytesInput(Box.ftyp(major, compatible) + Self.moovGood))
            return [meta.mediaType, meta.container] + meta.problems
        }
        #expect(family("isom", []) == ["video/mp4", "mp4"])
        #expect(family("mp42", ["isom"]) == ["video/mp4", "mp4"])
        #expect(family("avc1", []) == ["video/mp4", "mp4"])
        #expect(family("iso6", []) == ["video/mp4", "mp4"])
        #expect(family("qt  ", ["qt  "]) == ["video/quicktime", "mov"])
        #expect(family("XYZW", ["qt  "]) == ["video/quicktime", "mov"])
        #expect(family("XYZW", ["abcd", "mp41"]) == ["video/mp4", "mp4"])
        #expect(family("M4A ", ["isom"]) == ["audio/mp4", "mp4"])
        #expect(family("heic", ["mif1", "heic"]) == ["application/octet-stream", "other"])
    }

    @Test("a uuid box's 16-byte user type is part of its header")
    func uuidBox() throws {
        let uuid = Box.make("uuid", [UInt8](repeating: 0x11, count: 16) + [1, 2, 3])
        let tooSmall = Box.raw(size: 20, "uuid", [UInt8](repeating: 0x11, count: 12))
        let good = MetadataReader.read(BytesInput(Box.ftyp("isom") + uuid + Self.moovGood))
        #expect(good.problems == [])
        #expect(good.recordedAt != nil)
        let bad = MetadataReader.read(BytesInput(Box.ftyp("isom") + tooSmall + Self.moovGood))
        #expect(bad.problems.contains("mp4: box 'uuid' at offset \(Box.ftyp("isom").count) claims 20 bytes, smaller than its 24-byte header"))
    }

    @Test("trailing bytes: zero padding is fine, stray bytes are named")
    func trailingBytes() {
        let padded = MetadataReader.read(BytesInput(Box.ftyp("isom") + Self.moovGood + [0, 0, 0, 0]))
        #expect(padded.problems == [])
        let file = Box.ftyp("isom") + Self.moovGood + [1, 2, 3]
        let stray = MetadataReader.read(BytesInput(file))
        #expect(stray.recordedAt != nil)
        #expect(stray.problems == ["mp4: 3 bytes at offset \(file.count - 3) are too few for a box header"])
    }
}
