// Contiguous segments: no frame lost or written twice at a boundary.
@testable import CustodyAudio
import CustodyTestSupport
import Foundation
import Testing

@Suite("Segment boundaries")
struct SegmentBoundaryTests {
    @Test("segments of a prime length: their payloads, concatenated, are the recording's prefix")
    func contiguousSegments() async throws {
        let fixtures = try await ALSAFixtures.shared()
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let format = PCMStreamFormat(sampleFormat: .s16LE, channels: 2, rate: 48000)
        let total: UInt64 = 100_000
        let events = await record(courtroom(ALSAFixtures.speechPCM, format, directory: directory.path,
                                            segmentFrames: 20_011, durationFrames: total))
        #expect(events.faults.isEmpty)
        let segments = events.segments
        #expect(segments.map(\.sequence) == [1, 2, 3, 4, 5])
        #expect(segments.map(\.frameCount) == [20_011, 20_011, 20_011, 20_011, 19_956])
        #expect(segments.map(\.firstFrame) == [0, 20_011, 40_022, 60_033, 80_044])
        #expect(events.stop?.framesCaptured == total)
        #expect(events.stop?.segments == 5)

        var concatenated: [UInt8] = []
        for segment in segments {
            let wav = try WAVFile(path: segment.path)
            #expect(UInt64(wav.data.count) == segment.frameCount * 4)
            concatenated += wav.data
        }
        #expect(concatenated == Array(try fileBytes(fixtures.raw(ALSAFixtures.speechPCM)).prefix(Int(total) * 4)))

        // Each segment's first sample follows the last of the one before.
        let day: UInt64 = 86_400 * 48_000
        for (previous, next) in zip(segments, segments.dropFirst()) {
            let advance = (next.broadcastExtension.timeReference + day - previous.broadcastExtension.timeReference) % day
            #expect(advance == previous.frameCount)
            #expect(abs(next.firstSampleTime.timeIntervalSince(previous.firstSampleTime) - Double(previous.frameCount) / 48000) < 1e-6)
        }
        #expect(Set(segments.map(\.broadcastExtension.originatorReference)).count == 5)
        #expect(Set(segments.map(\.path)).count == 5)
        let files = try FileManager.default.contentsOfDirectory(atPath: directory.path).sorted()
        #expect(files == segments.map { ($0.path as NSString).lastPathComponent }.sorted())
    }

    @Test("odd-sized audio (S24_3LE mono, odd frame count) gets its pad byte; sox reads every frame")
    func padByte() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let format = PCMStreamFormat(sampleFormat: .s24LE3, channels: 1, rate: 48000)
        let bytes = (0..<(4801 * 3)).map { UInt8(truncatingIfNeeded: $0 &* 7) }
        let source = ScriptedPCMSource(name: "scripted-mono", steps: [.bytes(bytes)], framesPerRead: 1000)
        let events = await record(courtroom("scripted-mono", format, directory: directory.path,
                                            segmentFrames: 4801, durationFrames: 4801), source: source)
        let segment = try #require(events.segments.first)
        let wav = try WAVFile(path: segment.path)
        #expect(Array(wav.data) == bytes)
        #expect(wav.bytes.count == (wav.chunk("data")!.offset + 8 + bytes.count + 1))
        #expect(wav.bytes.last == 0)
        #expect(UInt64(wav.bytes.count) == wav.riffSize + 8)
        #expect(try await ExternalTool.soxiFrames(segment.path) == 4801)
        #expect(try SegmentRepair.repair(path: segment.path).outcome == .consistent)
    }
}
