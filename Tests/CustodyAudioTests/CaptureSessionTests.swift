// The session driver over the scripted PCM: gaps, alarms, faults, stop, status.
@testable import CustodyAudio
import CustodyTestSupport
import Foundation
import Glibc
import Synchronization
import Testing

@Suite("Capture session (scripted PCM)")
struct CaptureSessionTests {
    static let stereo = PCMStreamFormat(sampleFormat: .s16LE, channels: 2, rate: 48000)

    /// `frames` frames of a counting pattern, starting at frame `from`.
    func pattern(frames: Int, from: Int = 0) -> [UInt8] {
        (from..<(from + frames)).flatMap { frame -> [UInt8] in
            let left = UInt16(truncatingIfNeeded: frame), right = UInt16(truncatingIfNeeded: frame &* 3 &+ 1)
            return [UInt8(left & 0xFF), UInt8(left >> 8), UInt8(right & 0xFF), UInt8(right >> 8)]
        }
    }

    @Test("gaps are reported with their frame counts, in the segment that holds them; time references skip them")
    func gaps() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let start = Date(timeIntervalSince1970: 1_790_000_000.25)
        let source = ScriptedPCMSource(name: "scripted-court", steps: [
            .bytes(pattern(frames: 1000)), .gap(lostFrames: 480, cause: .overrun),
            .bytes(pattern(frames: 2000, from: 1000)), .gap(lostFrames: nil, cause: .suspend),
            .bytes(pattern(frames: 1000, from: 3000)),
        ], startTime: start, framesPerRead: 256)
        let events = await record(courtroom("scripted-court", Self.stereo, directory: directory.path,
                                            segmentFrames: 2500, durationFrames: 4000), source: source)
        #expect(events.faults.isEmpty)
        let gaps = events.gaps
        #expect(gaps.map(\.frameIndex) == [1000, 3000])
        #expect(gaps.map(\.lostFrames) == [480, nil])
        #expect(gaps.map(\.cause) == [.overrun, .suspend])
        #expect(gaps.map(\.measurement) == [.exact, .unknown])
        #expect(gaps.map(\.segmentSequence) == [1, 2])

        let segments = events.segments
        #expect(segments.map(\.frameCount) == [2500, 1500])
        #expect(segments[0].summary.gaps == [gaps[0]])
        #expect(segments[0].summary.droppedFrames == 480)
        #expect(segments[1].summary.gaps == [gaps[1]])
        #expect(segments[1].summary.gapsOfUnknownLength == 1)
        #expect(events.stop == CaptureStop(reason: .durationReached, framesCaptured: 4000, segments: 2,
                                           droppedFrames: 480, gapsOfUnknownLength: 1))
        // Segment 2 begins 2,500 captured + 480 lost frames after the first sample.
        #expect(segments[1].broadcastExtension.timeReference - segments[0].broadcastExtension.timeReference == 2980)
        #expect(abs(segments[1].firstSampleTime.timeIntervalSince(start) - 2980.0 / 48000) < 1e-6)
        #expect(segments[0].broadcastExtension.timeReference == (1_790_000_000 % 86_400) * 48000 + 12000)

        var payload: [UInt8] = []
        for segment in segments { payload += try WAVFile(path: segment.path).data }
        #expect(payload == pattern(frames: 4000), "gaps are reported, never filled in")
        #expect(try await ExternalTool.soxiFrames(segments[1].path) == 1500)
    }

    @Test("a PCM that delivers nothing raises the no-data alarm; frames arriving clear it")
    func noDataAlarm() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let source = ScriptedPCMSource(name: "scripted-court", steps: [
            .bytes(pattern(frames: 1000)), .timeouts(30), .bytes(pattern(frames: 1000, from: 1000)),
        ])
        var configuration = courtroom("scripted-court", Self.stereo, directory: directory.path,
                                      segmentFrames: 48000, durationFrames: 2000)
        configuration.readTimeoutMilliseconds = 50
        configuration.noDataAlarmMilliseconds = 500
        configuration.silenceAlarmFrames = 48000
        let events = await record(configuration, source: source)
        let raised = try #require(events.raisedAlarms.first)
        #expect(events.raisedAlarms.count == 1)
        #expect(raised.kind == .noData)
        #expect(raised.startFrame == 1000)
        let cleared = try #require(events.clearedAlarms.first)
        #expect(cleared.id == raised.id)
        #expect(cleared.endFrame == 1000)
        #expect(!cleared.endedWithSession)
        #expect(events.segments.first?.summary.alarms == [cleared])
        #expect(events.segments.first?.frameCount == 2000)
    }

    @Test("a PCM failing mid-session: the segment so far is kept valid, the fault names the PCM and the call")
    func faultMidSession() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let unplugged = ALSAError(call: "snd_pcm_readi", pcm: "scripted-court", code: -ENODEV)
        let source = ScriptedPCMSource(name: "scripted-court", steps: [.bytes(pattern(frames: 3000)), .failure(unplugged)])
        let events = await record(courtroom("scripted-court", Self.stereo, directory: directory.path,
                                            segmentFrames: 48000, durationFrames: 48000), source: source)
        let fault = try #require(events.faults.first)
        #expect(fault.code == .pcmRead)
        #expect(fault.pcmName == "scripted-court")
        #expect(fault.call == "snd_pcm_readi")
        #expect(fault.errorCode == -ENODEV)
        #expect(fault.frameIndex == 3000)
        #expect(fault.message.contains("ENODEV"))
        let segment = try #require(events.segments.first)
        #expect(segment.frameCount == 3000)
        #expect(try await ExternalTool.soxiFrames(segment.path) == 3000)
        #expect(events.stop?.reason == .fault)
        guard case .stopped = events.last else {
            Issue.record("the last event is not `stopped`")
            return
        }
    }

    @Test("a PCM that cannot be opened, or cannot give the format: a fault, no recording")
    func openFaults() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let busy = ALSAError(call: "snd_pcm_open", pcm: "hw:CARD=Interface", code: -EBUSY)
        let events = await record(courtroom("hw:CARD=Interface", Self.stereo, directory: directory.path,
                                            segmentFrames: 4800, durationFrames: 4800),
                                  source: ScriptedPCMSource(name: "hw:CARD=Interface", steps: [], openError: busy))
        #expect(events.faults.map(\.code) == [.pcmOpen])
        #expect(events.faults.first?.call == "snd_pcm_open")
        #expect(events.faults.first?.errorCode == -EBUSY)
        #expect(events.faults.first?.pcmName == "hw:CARD=Interface")
        #expect(events.start == nil && events.segments.isEmpty)

        let only44100 = ScriptedPCMSource(name: "scripted-44100", steps: [],
                                          offeredFormats: [PCMStreamFormat(sampleFormat: .s16LE, channels: 2, rate: 44100)])
        let refused = await record(courtroom("scripted-44100", Self.stereo, directory: directory.path,
                                             segmentFrames: 4800, durationFrames: 4800), source: only44100)
        #expect(refused.faults.first?.call == "snd_pcm_hw_params_set_rate")
        #expect(refused.stop?.reason == .fault)
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path).isEmpty)
    }

    @Test("an unusable configuration is a fault naming the field, before the PCM is touched")
    func invalidConfiguration() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        var wrongNames = courtroom("scripted", Self.stereo, directory: directory.path, segmentFrames: 100, durationFrames: 100)
        wrongNames.channelNames = ["Judge"]
        let source = ScriptedPCMSource(name: "scripted", steps: [])
        let events = await record(wrongNames, source: source)
        #expect(events.faults.map(\.code) == [.invalidConfiguration])
        #expect(events.faults.first?.message.contains("channelNames") == true)

        let missing = courtroom("scripted", Self.stereo, directory: directory.path + "/absent", segmentFrames: 100, durationFrames: 100)
        #expect(throws: CaptureConfigurationError.self) { try missing.validate() }
        let noDirectory = await record(missing, source: ScriptedPCMSource(name: "scripted", steps: []))
        #expect(noDirectory.faults.first?.message.contains("outputDirectory") == true)
    }

    @Test("stop() ends a session that has no duration limit; status is readable while it runs")
    func stopAndStatus() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        // 600 frames, then a PCM that goes quiet: the session waits until stopped.
        let source = ScriptedPCMSource(name: "scripted-court", steps: [.bytes(pattern(frames: 600))], framesPerRead: 100)
        var configuration = courtroom("scripted-court", Self.stereo, directory: directory.path,
                                      segmentFrames: 48000, durationFrames: nil)
        configuration.readTimeoutMilliseconds = 10
        configuration.statusWindowFrames = 100
        let session = CaptureSession(configuration: configuration, source: source)
        #expect(session.status.state == .idle)
        #expect(session.start())
        #expect(!session.start(), "a session starts once")
        var seen = 0
        for await event in session.events {
            if case .started = event { #expect(session.status.state == .recording) }
            seen += 1
            if session.status.framesCaptured == 600 { break }
        }
        #expect(seen >= 1)
        let status = session.status
        #expect(status.currentSegment?.frames == 600)
        #expect(status.currentSegment?.sequence == 1)
        #expect(status.levels.count == 2)
        session.stop()
        let result = await session.waitUntilStopped()
        #expect(result.reason == .stopRequested)
        #expect(result.framesCaptured == 600)
        #expect(result.segments == 1)
        #expect(session.result == result)
        #expect(session.status.state == .stopped)
        #expect(session.status.currentSegment == nil)
        #expect(await session.waitUntilStopped() == result)
    }

    @Test("events are also delivered to the callback, in the same order")
    func callback() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let collected = EventLog()
        let session = CaptureSession(
            configuration: courtroom("scripted", Self.stereo, directory: directory.path, segmentFrames: 500, durationFrames: 1200),
            source: ScriptedPCMSource(name: "scripted", steps: [.bytes(pattern(frames: 1200))]),
            onEvent: { collected.append($0) })
        session.start()
        var streamed: [CaptureEvent] = []
        for await event in session.events { streamed.append(event) }
        #expect(collected.events == streamed)
        #expect(streamed.segments.map(\.frameCount) == [500, 500, 200])
        let decoded = try JSONDecoder().decode([CaptureEvent].self, from: JSONEncoder().encode(streamed))
        #expect(decoded.segments.map(\.path) == streamed.segments.map(\.path))
        #expect(decoded.count == streamed.count)
    }
}

/// Events gathered by a callback on the capture thread.
final class EventLog: Sendable {
    private let storage = Mutex<[CaptureEvent]>([])
    func append(_ event: CaptureEvent) { storage.withLock { $0.append(event) } }
    var events: [CaptureEvent] { storage.withLock { $0 } }
}

