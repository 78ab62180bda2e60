// Segments cut off by a crash: stale header sizes, a partial trailing frame.
@testable import CustodyAudio
import CustodyTestSupport
import Foundation
import Glibc
import Testing

@Suite("Segment repair")
struct SegmentRepairTests {
    static let stereo = PCMStreamFormat(sampleFormat: .s16LE, channels: 2, rate: 48000)

    /// A writer as the session makes one, checkpointing every `checkpoint` frames.
    func writer(_ path: String, checkpoint: UInt64, rf64Threshold: UInt64 = BWFChunks.maximumRIFFSize) throws -> BWFWriter {
        let fields = BroadcastExtensionFields(description: "Courtroom court-3; hearing H-1; case C-1", originator: "Custody",
                                              originatorReference: "CUSTODY-TEST-000001",
                                              firstSample: Date(timeIntervalSince1970: 1_790_000_000), format: Self.stereo)
        let document = IXMLDocument(project: "C-1", scene: "H-1", take: "1", tape: "court-3", note: "", fileUID: "CUSTODY-TEST-000001",
                                    sampleRate: 48000, bitDepth: 16, samplesSinceMidnight: fields.timeReference,
                                    tracks: IXMLDocument.tracks(named: ["Judge", "Witness"]))
        return try BWFWriter(path: path, format: Self.stereo, broadcastExtension: fields, iXML: document,
                             checkpointFrames: checkpoint, rf64Threshold: rf64Threshold)
    }

    /// Speech from the fixture, `frames` frames of it.
    func speech(frames: Int) async throws -> [UInt8] {
        let fixtures = try await ALSAFixtures.shared()
        return Array(try fileBytes(fixtures.raw(ALSAFixtures.speechPCM)).prefix(frames * 4))
    }

    @Test("a segment copied mid-write (stale sizes, a partial frame) is repaired to every whole frame; sox and mediainfo agree")
    func crashMidWrite() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let audio = try await speech(frames: 35_000)
        let path = directory.file("live.wav")
        let live = try writer(path, checkpoint: 12_000)
        // In reads of 1,000 frames, as a session appends them.
        for first in stride(from: 0, to: 35_000, by: 1000) {
            try audio.withUnsafeBytes { try live.append(UnsafeRawBufferPointer(rebasing: $0[(first * 4)..<((first + 1000) * 4)])) }
        }
        // The header was brought up to date at 12,000 and 24,000 frames; 11,000 more
        // are on the disk. A crash also left half of a frame after them.
        #expect(live.dataBytesInHeader == 24_000 * 4)
        try live.abandon()
        let crashed = directory.file("crashed.wav")
        try FileManager.default.copyItem(atPath: path, toPath: crashed)
        let handle = try #require(FileHandle(forWritingAtPath: crashed))
        try handle.seekToEnd()
        try handle.write(contentsOf: Data([0x11, 0x22]))
        try handle.close()
        #expect(try await ExternalTool.soxiFrames(crashed) == 24_000, "before the repair, readers see the last checkpoint")

        let report = try SegmentRepair.repair(path: crashed)
        #expect(report.outcome == .repaired)
        #expect(report.statedDataBytes == 24_000 * 4)
        #expect(report.frames == 35_000)
        #expect(report.dataBytes == 35_000 * 4)
        #expect(report.discardedPartialFrameBytes == 2)
        #expect(!report.padByteAdded)
        #expect(!report.isRF64)
        #expect(report.channels == 2 && report.rate == 48000 && report.blockAlign == 4)

        let wav = try WAVFile(path: crashed)
        #expect(Array(wav.data) == audio)
        #expect(UInt64(wav.bytes.count) == wav.riffSize + 8)
        #expect(try await ExternalTool.soxiFrames(crashed) == 35_000)
        let info = try await ExternalTool.mediainfoTracks(crashed)
        #expect(info["Audio"]?["SamplingCount"] as? String == "35000")
        #expect(try SegmentRepair.repair(path: crashed).outcome == .consistent, "a second repair finds nothing to do")
    }

    @Test("a finished segment with bytes cut off its end keeps every whole frame left")
    func cutShort() async throws {
        _ = try await ALSAFixtures.shared()
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let events = await record(courtroom(ALSAFixtures.speechPCM, Self.stereo, directory: directory.path,
                                            segmentFrames: 48_000, durationFrames: 48_000))
        let segment = try #require(events.segments.first)
        let whole = try fileBytes(segment.path)
        #expect(try SegmentRepair.repair(path: segment.path).outcome == .consistent)
        #expect(try fileBytes(segment.path) == whole, "a consistent segment is not touched")

        let cut = directory.file("cut.wav")
        try Data(whole.prefix(whole.count - 10_001)).write(to: URL(fileURLWithPath: cut))
        let report = try SegmentRepair.repair(path: cut)
        let expectedFrames = UInt64(48_000 - 10_001 / 4 - 1)
        #expect(report.frames == expectedFrames)
        #expect(report.discardedPartialFrameBytes == 3)
        #expect(report.statedDataBytes == 48_000 * 4)
        #expect(try await ExternalTool.soxiFrames(cut) == expectedFrames)
        #expect(try WAVFile(path: cut).data.elementsEqual(try WAVFile(bytes: whole).data.prefix(Int(expectedFrames) * 4)))
    }

    @Test("a segment that passed the (lowered) RF64 limit after its last checkpoint becomes RF64 on repair")
    func repairBecomesRF64() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let audio = try await speech(frames: 40_000)
        let path = directory.file("big.wav")
        let live = try writer(path, checkpoint: 10_000, rf64Threshold: 100_000)
        try audio.withUnsafeBytes { try live.append(UnsafeRawBufferPointer(rebasing: $0[0..<(20_000 * 4)])) }
        #expect(!live.isRF64, "80,000 bytes of audio: still RIFF")
        try audio.withUnsafeBytes { try live.append(UnsafeRawBufferPointer(rebasing: $0[(20_000 * 4)...].prefix(5_000 * 4))) }
        try live.abandon()
        // Frames 25,000 to 40,000 reached the disk after the checkpoint at 20,000.
        let handle = try #require(FileHandle(forWritingAtPath: path))
        try handle.seekToEnd()
        try handle.write(contentsOf: Data(audio[(25_000 * 4)...]))
        try handle.close()
        #expect(try WAVFile(path: path).form == "RIFF")

        let report = try SegmentRepair.repair(rf64Threshold: 100_000, path: path)
        #expect(report.isRF64 && !report.wasRF64)
        #expect(report.frames == 40_000)
        let wav = try WAVFile(path: path)
        #expect(wav.form == "RF64")
        #expect(wav.chunks.first?.id == "ds64")
        #expect(Array(wav.data) == audio)
        let info = try await ExternalTool.mediainfoTracks(path)
        #expect(info["General"]?["Format_Profile"] as? String == "RF64")
        #expect(info["Audio"]?["SamplingCount"] as? String == "40000")
    }

    @Test("a file cut before its audio began, or not a WAV at all, is refused with a stable code")
    func unrepairable() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = directory.file("header-only.wav")
        let live = try writer(path, checkpoint: 1000)
        try live.abandon()
        let whole = try fileBytes(path)
        let cut = directory.file("cut.wav")
        try Data(whole.prefix(whole.count - 8)).write(to: URL(fileURLWithPath: cut))
        let noData = try #require(throws: BWFError.self) { try SegmentRepair.repair(path: cut) }
        #expect(noData.code == .noDataChunk)
        #expect(noData.path == cut)

        let text = directory.file("notes.txt")
        try Data("not audio at all".utf8).write(to: URL(fileURLWithPath: text))
        #expect(throws: BWFError.self) { try SegmentRepair.repair(path: text) }
        #expect((try? SegmentRepair.repair(path: text)) == nil)
        let missing = try #require(throws: BWFError.self) { try SegmentRepair.repair(path: directory.file("none.wav")) }
        #expect(missing.code == .systemCall && missing.call == "open" && missing.errno == ENOENT)

        // An empty segment (header only) is consistent.
        #expect(try SegmentRepair.repair(path: path).frames == 0)
    }
}

extension SegmentRepair {
    /// The test hook with the arguments in an order that reads well at the call site.
    static func repair(rf64Threshold: UInt64, path: String) throws(BWFError) -> SegmentRepairReport {
        try repair(path: path, rf64Threshold: rf64Threshold)
    }
}
