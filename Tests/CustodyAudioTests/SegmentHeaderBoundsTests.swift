// Segment repair over headers whose integers are out of every sensible range: the
// 64-bit sizes of ds64 at their maximum, a format chunk whose block size contradicts
// its channels and sample size, rates no recorder makes. The repair never traps, and
// never drops audio on the word of a bad format chunk.
@testable import CustodyAudio
import Foundation
import Testing

@Suite("Segment repair: header integers bounded")
struct SegmentHeaderBoundsTests {
    static let stereo = PCMStreamFormat(sampleFormat: .s16LE, channels: 2, rate: 48000)

    /// A finished stereo 16-bit segment of `frames` frames (RF64 when `rf64`), its bytes.
    func segment(_ directory: TemporaryDirectory, frames: Int, rf64: Bool) throws -> (path: String, bytes: [UInt8]) {
        let path = directory.file(rf64 ? "rf64.wav" : "riff.wav")
        let fields = BroadcastExtensionFields(description: "bounds", originator: "Custody", originatorReference: "CUSTODY-BOUNDS",
                                              firstSample: Date(timeIntervalSince1970: 1_790_000_000), format: Self.stereo)
        let document = IXMLDocument(project: "C-1", scene: "H-1", take: "1", tape: "court-3", note: "", fileUID: "CUSTODY-BOUNDS",
                                    sampleRate: 48000, bitDepth: 16, samplesSinceMidnight: fields.timeReference,
                                    tracks: IXMLDocument.tracks(named: ["Judge", "Witness"]))
        let writer = try BWFWriter(path: path, format: Self.stereo, broadcastExtension: fields, iXML: document,
                                   checkpointFrames: 1000, rf64Threshold: rf64 ? 64 : BWFChunks.maximumRIFFSize)
        let audio = (0..<(frames * 4)).map { UInt8(truncatingIfNeeded: $0 &* 7) }
        try audio.withUnsafeBytes { try writer.append($0) }
        _ = try writer.finish()
        return (path, try fileBytes(path))
    }

    func patch(_ path: String, at offset: Int, _ bytes: [UInt8]) throws {
        var whole = try fileBytes(path)
        whole.replaceSubrange(offset..<(offset + bytes.count), with: bytes)
        try Data(whole).write(to: URL(fileURLWithPath: path))
    }

    static func le64(_ v: UInt64) -> [UInt8] { (0..<8).map { UInt8(truncatingIfNeeded: v >> (8 * UInt64($0))) } }
    static func le16(_ v: UInt16) -> [UInt8] { [UInt8(v & 0xFF), UInt8(v >> 8)] }
    static func le32(_ v: UInt32) -> [UInt8] { (0..<4).map { UInt8(truncatingIfNeeded: v >> (8 * UInt32($0))) } }

    // ds64 at offset 12: riff64 at 20, data64 at 28, frames64 at 36.
    @Test("ds64 sizes at the top of their 64-bit range are stale sizes, repaired from the frames on disk", arguments: [
        (20, UInt64.max), (28, UInt64.max - 3), (28, UInt64(Int64.max) + 1), (20, UInt64.max - 7),
    ])
    func hugeDataSize64(offset: Int, value: UInt64) throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let (path, original) = try segment(directory, frames: 3000, rf64: true)
        #expect(try WAVFile(bytes: original).form == "RF64")
        try patch(path, at: offset, Self.le64(value))
        let report = try SegmentRepair.repair(path: path)
        #expect(report.outcome == .repaired)
        #expect(report.frames == 3000 && report.dataBytes == 12_000)
        #expect(report.findings.contains { $0.contains("more than any file can hold") })
        #expect(try fileBytes(path) == original, "the repair wrote back the sizes of the frames on disk")
        #expect(try SegmentRepair.repair(path: path).outcome == .consistent)
    }

    // fmt at offset 48: channels at 58, rate at 60, block align at 68, bits at 70.
    @Test("a format chunk outside what Custody records is refused and the file left as it is", arguments: [
        (68, SegmentHeaderBoundsTests.le16(65_535), "block align"),
        (68, SegmentHeaderBoundsTests.le16(3), "block align"),
        (70, SegmentHeaderBoundsTests.le16(12), "bits"),
        (58, SegmentHeaderBoundsTests.le16(0), "channels"),
        (60, SegmentHeaderBoundsTests.le32(0), "rate"),
        (60, SegmentHeaderBoundsTests.le32(4_000_000_000), "rate"),
    ])
    func badFormat(offset: Int, bytes: [UInt8], field: String) throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let (path, _) = try segment(directory, frames: 3001, rf64: false)
        try patch(path, at: offset, bytes)
        // A crash left half a frame and stale sizes: a repair would cut and rewrite.
        let handle = try #require(FileHandle(forWritingAtPath: path))
        try handle.seekToEnd()
        try handle.write(contentsOf: Data([1, 2, 3]))
        try handle.close()
        let before = try fileBytes(path)
        let error = try #require(throws: BWFError.self) { try SegmentRepair.repair(path: path) }
        #expect(error.code == .badFormatChunk)
        #expect(error.message.contains(field))
        #expect(try fileBytes(path) == before, "nothing written on the word of a bad format chunk")
    }
}
