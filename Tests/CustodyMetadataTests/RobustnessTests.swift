// Content sniffing, hostile and random input, I/O failures and bounded reads.
import CustodyMetadata
import CustodyTestSupport
import Foundation
import Testing

/// An input that records every read, backed by a function of the offset, so it can
/// claim to be far larger than memory.
final class SyntheticInput: MetadataInput, @unchecked Sendable {
    let size: UInt64
    private let byte: @Sendable (UInt64) -> UInt8
    private let lock = NSLock()
    private var reads: [(offset: UInt64, count: Int)] = []

    init(size: UInt64, prefix: [UInt8], filler: @escaping @Sendable (UInt64) -> UInt8 = { _ in 0 }) {
        self.size = size
        self.byte = { offset in offset < UInt64(prefix.count) ? prefix[Int(offset)] : filler(offset) }
    }

    func read(at offset: UInt64, count: Int) throws -> [UInt8] {
        lock.withLock { reads.append((offset, count)) }
        guard offset < size, count > 0 else { return [] }
        let n = Int(min(UInt64(count), size - offset))
        return (0..<n).map { byte(offset + UInt64($0)) }
    }

    var largestRead: Int { lock.withLock { reads.map(\.count).max() ?? 0 } }
    var totalRead: Int { lock.withLock { reads.reduce(0) { $0 + $1.count } } }
}

/// An input whose reads fail from a given offset on.
struct FailingInput: MetadataInput {
    var bytes: [UInt8]
    var size: UInt64
    var failFrom: UInt64

    func read(at offset: UInt64, count: Int) throws -> [UInt8] {
        if offset >= failFrom { throw MetadataInputError(message: "simulated EIO", errno: 5) }
        return try BytesInput(bytes).read(at: offset, count: count)
    }
}

@Suite("Sniffing and robustness")
struct RobustnessTests {
    @Test("content beats extension: a JPEG named .mp4, an MP4 named .jpg, a WAV named .mov")
    func contentBeatsExtension() async throws {
        let dir = try TempDir()
        let photo = try await MediaFactory.photo(in: dir, name: "photo.jpg", dateTimeOriginal: "2026:03:14 10:26:53",
                                           offsetTimeOriginal: "+01:00")
        let clip = try await MediaFactory.clip(in: dir, name: "clip.mp4", creationTime: "2026-03-14T09:26:53Z", seconds: 1)
        let wave = try await MediaFactory.soxWave(in: dir, name: "note.wav")
        let fakeMP4 = dir.file("CLIP0009.MP4")
        let fakeJPG = dir.file("IMG_0009.JPG")
        let fakeMOV = dir.file("CLIP0010.MOV")
        try FileManager.default.moveItem(at: photo, to: fakeMP4)
        try FileManager.default.moveItem(at: clip, to: fakeJPG)
        try FileManager.default.moveItem(at: wave, to: fakeMOV)

        #expect(try await ExternalTool.exiftoolObject(fakeMP4.path, slots: .media)["MIMEType"] as? String == "image/jpeg")
        let jpeg = try readMetadata(of: fakeMP4)
        #expect(jpeg.mediaType == "image/jpeg")
        #expect(jpeg.container == "jpeg")
        #expect(jpeg.recordedAt == (try ToolTime.iso8601("2026-03-14T09:26:53Z")))

        let mp4 = try readMetadata(of: fakeJPG)
        #expect(mp4.mediaType == "video/mp4")
        #expect(mp4.recordedAtSource == "mp4.mvhd")

        let wav = try readMetadata(of: fakeMOV)
        #expect(wav.mediaType == "audio/wav")
        #expect(wav.container == "wav")
    }

    @Test("empty and unrecognised input: octet-stream, 'other', no problems")
    func emptyAndUnknown() throws {
        #expect(MetadataReader.read(BytesInput([])) == MediaMetadata(mediaType: "application/octet-stream", container: "other"))
        #expect(MetadataReader.read(BytesInput(Enc.ascii("%PDF-1.7\n"))) == MediaMetadata())
        #expect(MetadataReader.read(BytesInput([0xFF, 0xD8])) == MediaMetadata())  // too short to be JPEG
        let dir = try TempDir()
        let empty = dir.file("EMPTY.MP4")
        try Data().write(to: empty)
        #expect(try readMetadata(of: empty) == MediaMetadata())
    }

    @Test("FileDescriptorInput reads what BytesInput reads, and clips at the end")
    func fileDescriptorInput() throws {
        let dir = try TempDir()
        var generator = SeededGenerator(seed: 7)
        let content = generator.bytes(10_000)
        let file = dir.file("blob")
        try Data(content).write(to: file)
        let handle = try FileHandle(forReadingFrom: file)
        defer { try? handle.close() }
        let fdInput = FileDescriptorInput(fd: handle.fileDescriptor, size: UInt64(content.count))
        let memory = BytesInput(content)
        for _ in 0..<200 {
            let offset = UInt64.random(in: 0...10_100, using: &generator)
            let count = Int.random(in: 0...3000, using: &generator)
            #expect(try fdInput.read(at: offset, count: count) == (try memory.read(at: offset, count: count)))
        }
        #expect(try fdInput.read(at: 9_990, count: 100).count == 10)
        #expect(try fdInput.read(at: 10_000, count: 100) == [])

        // A bad descriptor is an I/O error, reported as a problem, never a crash.
        let closed = MetadataReader.read(FileDescriptorInput(fd: -1, size: 100))
        #expect(closed.mediaType == "application/octet-stream")
        #expect(closed.problems.count == 1)
        #expect(closed.problems.first?.hasPrefix("input: reading 64 bytes at offset 0 failed: pread of 64 bytes at offset 0 failed") == true)
    }

    @Test("I/O errors and short inputs become problems")
    func ioFailures() {
        let moov = Box.make("moov", Box.mvhdV0(creation: 3_000_000_000, timescale: 1, duration: 1))
        let file = Box.ftyp("isom") + moov
        let failing = MetadataReader.read(FailingInput(bytes: file, size: UInt64(file.count), failFrom: UInt64(Box.ftyp("isom").count)))
        #expect(failing.container == "mp4")
        #expect(failing.recordedAt == nil)
        #expect(failing.problems.first == "mp4: reading 16 bytes at offset \(Box.ftyp("isom").count) failed: simulated EIO")

        // The input claims more bytes than it has.
        let short = MetadataReader.read(FailingInput(bytes: file, size: UInt64(file.count + 1000), failFrom: .max))
        #expect(short.problems.contains { $0.contains("returned only") && $0.contains("shorter than its stated size") })
    }

    @Test("reads stay bounded on huge inputs: a 100 MiB moov is refused, a 1 GiB JPEG is scanned for 1 MiB only")
    func boundedReads() {
        let hugeMoov = SyntheticInput(size: 200 << 20, prefix: Box.ftyp("isom") + Box.raw(size: 100 << 20, "moov"))
        let movie = MetadataReader.read(hugeMoov)
        #expect(movie.problems.first == "mp4: box 'moov' at offset \(Box.ftyp("isom").count) is 104857600 bytes, more than the 67108864 bytes this reader examines; recording time and duration not read")
        #expect(hugeMoov.largestRead <= 1024)

        // A 64-bit mdat of 2^40 bytes is skipped by reading its header only.
        let skip = SyntheticInput(size: (1 << 40) + 200,
                                  prefix: Box.ftyp("isom") + Enc.be32(1) + Enc.ascii("mdat") + Enc.be64(1 << 40))
        let skipped = MetadataReader.read(skip)
        #expect(skip.totalRead < 4096)
        #expect(skipped.problems.contains { $0.hasPrefix("mp4: no 'moov' box found") })

        let jpeg = SyntheticInput(size: 1 << 30, prefix: [0xFF, 0xD8], filler: { offset in
            // Endless 4-byte COM segments: FF FE 00 02.
            [0xFF, 0xFE, 0x00, 0x02][Int((offset - 2) % 4)]
        })
        let photo = MetadataReader.read(jpeg)
        #expect(photo.mediaType == "image/jpeg")
        #expect(jpeg.totalRead <= (1 << 20) + 64)
        #expect(photo.problems == ["jpeg: no EXIF (APP1) segment in the first 1048576 bytes; no recording time"])
    }

    @Test("walks are bounded by count: 100,001 top-level boxes, and problems are capped")
    func countLimits() {
        let free = Box.make("free")
        let boxes = SyntheticInput(size: 8 * 100_010, prefix: [], filler: { offset in free[Int(offset % 8)] })
        let meta = MetadataReader.read(boxes)
        #expect(meta.container == "mov")
        #expect(meta.problems.first == "mp4: more than 100000 top-level boxes; stopped walking at offset 800000")

        let formats = [[UInt8]](repeating: Chunk.pcmFormat(), count: 150)
        let noisy = MetadataReader.read(BytesInput(Chunk.wave(formats)))
        #expect(noisy.problems.count == 101)
        #expect(noisy.problems.last == "50 further problems not listed")
    }

    @Test("thousands of seeded random inputs, bare and behind every magic number, all return")
    func randomInputs() {
        var generator = SeededGenerator(seed: 0x0C05_70D1)
        let prefixes: [[UInt8]] = [
            [],
            [0xFF, 0xD8, 0xFF],
            [0xFF, 0xD8, 0xFF, 0xE1, 0x01, 0x00] + Enc.ascii("Exif") + [0, 0] + Enc.ascii("II") + [42, 0, 8, 0, 0, 0],
            [0xFF, 0xD8, 0xFF, 0xE1, 0x01, 0x00] + Enc.ascii("Exif") + [0, 0] + Enc.ascii("MM") + [0, 42, 0, 0, 0, 8],
            Enc.ascii("RIFF") + [0x00, 0x10, 0, 0] + Enc.ascii("WAVE"),
            Enc.ascii("RF64") + [0xFF, 0xFF, 0xFF, 0xFF] + Enc.ascii("WAVEds64"),
            Enc.be32(24) + Enc.ascii("ftypisom") + [0, 0, 2, 0] + Enc.ascii("isommp41"),
            Enc.be32(0x400) + Enc.ascii("moov") + Enc.be32(108) + Enc.ascii("mvhd"),
            Enc.be32(1) + Enc.ascii("wide"),
        ]
        var returned = 0
        for round in 0..<3600 {
            let prefix = prefixes[round % prefixes.count]
            let body = generator.bytes(Int.random(in: 0...1500, using: &generator))
            let input = BytesInput(prefix + body)
            let meta = MetadataReader.read(input)
            #expect(meta.problems.count <= 101)
            if meta.container == "other" { #expect(meta.problems.isEmpty) }
            if meta.recordedAt != nil { #expect(meta.recordedAtSource != nil) }
            #expect(MetadataReader.read(input) == meta)  // deterministic
            returned += 1
        }
        #expect(returned == 3600)
    }

    @Test("real media with random byte flips and random cuts all return")
    func mutatedRealMedia() async throws {
        let dir = try TempDir()
        let seeds = [
            try await MediaFactory.clip(in: dir, name: "a.mp4", creationTime: "2026-03-14T09:26:53Z", seconds: 1, extra: ["-movflags", "+faststart"]),
            try await MediaFactory.clip(in: dir, name: "b.mov", creationTime: "2026-03-14T09:26:53Z", seconds: 1, extra: ["-f", "mov"]),
            try await MediaFactory.photo(in: dir, name: "c.jpg", byteOrder: "MM", dateTimeOriginal: "2026:03:14 10:26:53",
                                   offsetTimeOriginal: "+01:00", subSecTimeOriginal: "5"),
            try await MediaFactory.broadcastWave(in: dir, name: "d.wav", date: "2026-03-16", time: "09:00:00", seconds: 0.5),
        ]
        var generator = SeededGenerator(seed: 42)
        for seed in seeds {
            let original = try bytes(of: seed)
            let head = min(original.count, 8192)
            for _ in 0..<250 {
                var mutated = original
                for _ in 0..<Int.random(in: 1...8, using: &generator) {
                    // Mostly in the headers and metadata, where the parsers look.
                    let index = Int.random(in: 0..<head, using: &generator)
                    mutated[index] = UInt8.random(in: 0...255, using: &generator)
                }
                if Bool.random(using: &generator) {
                    mutated.removeSubrange(Int.random(in: 0..<mutated.count, using: &generator)...)
                }
                let meta = MetadataReader.read(BytesInput(mutated))
                #expect(meta.problems.count <= 101)
            }
        }
    }
}
