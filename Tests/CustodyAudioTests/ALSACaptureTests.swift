// The real alsa-lib: file PCMs replaying known recordings, null PCMs, PCMs that
// refuse, and a PCM that does not exist.
@testable import CustodyAudio
import Foundation
import Glibc
import Testing

@Suite("ALSA capture (real alsa-lib, file and null PCMs)")
struct ALSACaptureTests {
    /// A recording to capture, and how much of it.
    struct Recording: Sendable, CustomTestStringConvertible {
        var pcm: String
        var format: PCMStreamFormat
        var seconds: Double
        var testDescription: String { "\(format.sampleFormat.rawValue) \(format.channels) ch from \(pcm)" }
    }

    static let recordings = [
        Recording(pcm: ALSAFixtures.speechPCM, format: PCMStreamFormat(sampleFormat: .s16LE, channels: 2, rate: 48000), seconds: 3),
        Recording(pcm: ALSAFixtures.multichannelPCM, format: PCMStreamFormat(sampleFormat: .s24LE3, channels: 16, rate: 48000), seconds: 2.5),
        Recording(pcm: ALSAFixtures.noisePCM, format: PCMStreamFormat(sampleFormat: .s32LE, channels: 2, rate: 48000), seconds: 1.5),
    ]

    @Test("the segment's PCM payload is byte-identical to the recording the PCM replays", arguments: recordings)
    func payloadIsByteIdentical(_ recording: Recording) async throws {
        let fixtures = try await ALSAFixtures.shared()
        let input = try fileBytes(fixtures.raw(recording.pcm))
        let frames = UInt64(recording.seconds * Double(recording.format.rate))
        #expect(UInt64(input.count / recording.format.bytesPerFrame) >= frames, "the fixture is long enough")
        let directory = try TemporaryDirectory()
        defer { directory.remove() }

        let events = await record(courtroom(recording.pcm, recording.format, directory: directory.path,
                                            segmentFrames: frames, durationFrames: frames))
        #expect(events.faults.isEmpty)
        #expect(events.stop == CaptureStop(reason: .durationReached, framesCaptured: frames, segments: 1,
                                           droppedFrames: 0, gapsOfUnknownLength: 0))
        let granted = try #require(events.start?.configuration)
        #expect(granted.pcmType == "FILE")
        #expect(granted.format == recording.format)
        let segment = try #require(events.segments.first)
        #expect(segment.frameCount == frames)
        let wav = try WAVFile(path: segment.path)
        #expect(wav.form == "RIFF")
        #expect(wav.chunks.map(\.id) == ["JUNK", "fmt ", "bext", "iXML", "data"])
        #expect(wav.data.elementsEqual(input.prefix(Int(frames) * recording.format.bytesPerFrame)))
        #expect(UInt64(wav.bytes.count) == wav.riffSize + 8)
    }

    @Test("a `null` PCM delivers silence; the session records it and raises silence alarms")
    func nullPCM() async throws {
        _ = try await ALSAFixtures.shared()
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let format = PCMStreamFormat(sampleFormat: .s16LE, channels: 2, rate: 48000)
        var configuration = courtroom(ALSAFixtures.nullPCM, format, directory: directory.path,
                                      segmentFrames: 48000, durationFrames: 24000, names: ["Judge", "Witness"])
        configuration.silenceAlarmFrames = 4800
        let events = await record(configuration)
        #expect(events.faults.isEmpty)
        #expect(events.start?.configuration.pcmType == "NULL")
        let segment = try #require(events.segments.first)
        let wav = try WAVFile(path: segment.path)
        #expect(wav.data.count == 24000 * 4)
        #expect(segment.summary.channels.map(\.peakDBFS) == [nil, nil])
        #expect(events.raisedAlarms.map(\.channelName) == ["Judge", "Witness"])
        #expect(events.raisedAlarms.allSatisfy { $0.kind == .silence && $0.startFrame == 0 })
        #expect(events.clearedAlarms.allSatisfy { $0.endedWithSession && $0.endFrame == 24000 })
    }

    @Test("a PCM that does not exist: snd_pcm_open's error names it")
    func missingPCM() async throws {
        _ = try await ALSAFixtures.shared()
        let pcm = ALSACapturePCM(name: "custody_no_such_pcm")
        let request = PCMRequest(format: PCMStreamFormat(sampleFormat: .s16LE, channels: 2, rate: 48000))
        let error = try #require(throws: ALSAError.self) { try pcm.open(request) }
        #expect(error.call == "snd_pcm_open")
        #expect(error.pcm == "custody_no_such_pcm")
        #expect(error.code == -ENOENT)
        #expect(error.name == "ENOENT")
        #expect(error.description.contains("custody_no_such_pcm"))
        #expect(error.message.hasPrefix(ALSAError.alsaMessage(-ENOENT)))
    }

    @Test("a session on a PCM that does not exist reports a fault naming it, and records nothing")
    func missingPCMSession() async throws {
        _ = try await ALSAFixtures.shared()
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let format = PCMStreamFormat(sampleFormat: .s16LE, channels: 2, rate: 48000)
        let session = CaptureSession(configuration: courtroom("custody_no_such_pcm", format, directory: directory.path,
                                                              segmentFrames: 48000, durationFrames: 48000))
        session.start()
        var events: [CaptureEvent] = []
        for await event in session.events { events.append(event) }
        let fault = try #require(events.faults.first)
        #expect(fault.code == .pcmOpen)
        #expect(fault.pcmName == "custody_no_such_pcm")
        #expect(fault.call == "snd_pcm_open")
        #expect(fault.errorCode == -ENOENT)
        #expect(fault.description.contains("custody_no_such_pcm"))
        #expect(events.start == nil)
        #expect(events.segments.isEmpty)
        #expect(events.stop?.reason == .fault)
        #expect(session.status.state == .faulted)
        #expect(session.status.lastFault == fault)
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path).isEmpty)
    }

    /// A device that cannot give the exact format, and the call that refuses it.
    struct Refusal: Sendable, CustomTestStringConvertible {
        var pcm: String
        var format: PCMStreamFormat
        var call: String
        var offered: String
        var testDescription: String { "\(pcm) refuses \(format)" }
    }

    static let refusals = [
        Refusal(pcm: ALSAFixtures.only44100PCM, format: PCMStreamFormat(sampleFormat: .s16LE, channels: 2, rate: 48000),
                call: "snd_pcm_hw_params_set_rate", offered: "44100 Hz"),
        Refusal(pcm: ALSAFixtures.onlyTwoChannelsPCM, format: PCMStreamFormat(sampleFormat: .s16LE, channels: 4, rate: 48000),
                call: "snd_pcm_hw_params_set_channels", offered: "offers 2)"),
        Refusal(pcm: ALSAFixtures.onlyMuLawPCM, format: PCMStreamFormat(sampleFormat: .s24LE3, channels: 2, rate: 48000),
                call: "snd_pcm_hw_params_set_format", offered: "MU_LAW"),
    ]

    @Test("a device that cannot give the exact rate, channels or format is refused, never converted", arguments: refusals)
    func refusesInexactFormat(_ refusal: Refusal) async throws {
        _ = try await ALSAFixtures.shared()
        let pcm = ALSACapturePCM(name: refusal.pcm)
        let error = try #require(throws: ALSAError.self) { try pcm.open(PCMRequest(format: refusal.format)) }
        #expect(error.call == refusal.call)
        #expect(error.pcm == refusal.pcm)
        #expect(error.code == -EINVAL)
        #expect(error.message.contains(refusal.offered), "\(error)")
    }

    @Test("a `file` PCM at the end of its infile goes on delivering frames (no error, no end): sessions are bounded in frames")
    func fileEndOfInput() async throws {
        let fixtures = try await ALSAFixtures.shared()
        let pcm = ALSACapturePCM(name: ALSAFixtures.squarePCM)
        defer { pcm.close() }
        let format = PCMStreamFormat(sampleFormat: .s16LE, channels: 1, rate: 48000)
        _ = try pcm.open(PCMRequest(format: format, periodFrames: 1000, bufferFrames: 8000))
        _ = try pcm.start()
        let inputFrames = try fileBytes(fixtures.raw(ALSAFixtures.squarePCM)).count / 2
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 8000 * 2, alignment: 16)
        defer { buffer.deallocate() }
        var delivered = 0
        while delivered < inputFrames + 24_000 {
            guard case .frames(let count) = try pcm.read(into: buffer, timeoutMilliseconds: 100) else {
                Issue.record("a read past the end of the infile did not deliver frames")
                return
            }
            delivered += count
        }
        #expect(delivered >= inputFrames + 24_000)
    }

    @Test("open reports what was granted; reads return frames; close is idempotent")
    func grantedConfiguration() async throws {
        let fixtures = try await ALSAFixtures.shared()
        let pcm = ALSACapturePCM(name: ALSAFixtures.speechPCM)
        let format = PCMStreamFormat(sampleFormat: .s16LE, channels: 2, rate: 48000)
        let granted = try pcm.open(PCMRequest(format: format, periodFrames: 480, bufferFrames: 4800))
        #expect(granted == PCMConfiguration(pcmName: ALSAFixtures.speechPCM, pcmType: "FILE", format: format,
                                            periodFrames: 480, bufferFrames: 4800))
        _ = try pcm.start()
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 1000 * 4, alignment: 16)
        defer { buffer.deallocate() }
        let result = try pcm.read(into: buffer, timeoutMilliseconds: 100)
        #expect(result == .frames(1000))
        #expect(Array(buffer) == Array(try fileBytes(fixtures.raw(ALSAFixtures.speechPCM)).prefix(4000)))
        pcm.close()
        pcm.close()
        #expect(throws: ALSAError.self) { try pcm.read(into: buffer, timeoutMilliseconds: 10) }
    }
}
