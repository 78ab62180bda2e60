import CustodyAudio
import CustodyCore
import CustodyModel
@testable import CustodyRecording
import CustodyStore
import CustodyTestSupport
import Foundation
import Testing

@Suite("Recording after a crash")
struct RecordingRecoveryTests {
    /// What a crash leaves: a session row without an end, one segment closed but not
    /// filed, and the next one half-written (its header at the last checkpoint, more
    /// frames and half a frame after it).
    @Test("an unfinished segment is repaired (nothing discarded but half a frame) and filed with the closed one before it")
    func repairAndFile() async throws {
        let directory = try TemporaryDirectory("custody-recording-crash")
        defer { directory.remove() }
        let room = RecordingHarness.courtroom("5", segmentFrames: 1000)
        let session = "0123456789AB"
        let first = Date(timeIntervalSince1970: 1_790_000_000)
        do {
            let store = try LocalStore(stateDirectory: directory.path)
            try store.recordSessionStart(RecordingSessionRecord(
                reference: session, courtroom: "5", hearing: "H-9", caseNumber: "K-9", pcm: "scripted-5", pcmType: "FILE",
                interfaceSerial: nil, sampleFormat: "S16_LE", channels: 2, rate: 8000, channelNames: ["judge", "witness"],
                segmentFrames: 1000, durationFrames: nil, automatic: false, startedBy: RecordingHarness.operatorCaller,
                firstSampleTime: first), detail: [:])
            try FileManager.default.createDirectory(atPath: directory.path + "/recordings/5", withIntermediateDirectories: true)
            // Segment 1: closed (recorded as such), not filed.
            let one = directory.path + "/recordings/5/5_20260921T141320Z_\(session)_0001.wav"
            let w1 = try writer(one, first: first, checkpoint: 1000)
            try stereoFrames(1000).withUnsafeBytes { try w1.append($0) }
            _ = try w1.finish()
            try store.recordSegmentClosed(ClosedSegment(
                path: one, session: session, sequence: 1, courtroom: "5", hearing: "H-9", caseNumber: "K-9", firstFrame: 0, frames: 1000,
                rate: 8000, firstSample: 1_790_000_000 * 8000, firstSampleTime: first, droppedFrames: 0, gaps: 0, alarms: 0, repaired: false, summary: [:],
                deviceSerial: nil, requester: RecordingHarness.operatorCaller))
            // Segment 2: its header says 400 frames (the last checkpoint); 650 and half a frame are on the disk.
            let two = directory.path + "/recordings/5/5_20260921T141320Z_\(session)_0002.wav"
            do {
                // 400 frames reach a checkpoint (data synced, header sizes written)…
                let w2 = try writer(two, first: first.addingTimeInterval(1000.0 / 8000), checkpoint: 400)
                try stereoFrames(400, from: 1000).withUnsafeBytes { try w2.append($0) }
            }
            // …250 more were written after it, and half of the next one, when the power went.
            let handle = try #require(FileHandle(forWritingAtPath: two))
            try handle.seekToEnd()
            try handle.write(contentsOf: Data(stereoFrames(250, from: 1400) + [0x42, 0x43]))
            try handle.close()
        }

        let h = try RecordingHarness(courtrooms: [room], directory: directory)
        try await h.eventually("both segments filed") { try h.store.segmentCounts(courtroom: "5").filed == 2 }
        let segments = try h.store.recordingSegments(SegmentQuery(session: session))
        #expect(segments.map(\.frames) == [1000, 650])
        #expect(segments.map(\.repaired) == [false, true])
        #expect(segments.map(\.gapBeforeSeconds) == [nil, 0])
        #expect(segments.allSatisfy { $0.hearing == "H-9" && $0.case == "K-9" && $0.state == .filed })
        var joined: [UInt8] = []
        for segment in segments {
            let item = try #require(try h.store.item(segment.item!))
            #expect(item.tags.hearing == "H-9")
            joined += try payload(of: h.store.blobPath(item.sha256))
        }
        #expect(joined == stereoFrames(1650), "every whole frame on the disk is kept, in order")
        let repair = try #require(try h.events("recording.repair").first)
        #expect(repair.detail["frames"] == .number(650) && repair.detail["discardedPartialFrameBytes"] == .number(2))
        #expect(repair.detail["statedDataBytes"] == .number(1600))
        let stop = try #require(try h.events("recording.stop").first)
        #expect(stop.detail["reason"] == .string("crash") && stop.detail["framesCaptured"] == .number(1650) && stop.outcome == "error")
        await h.stop()
    }

    func writer(_ path: String, first: Date, checkpoint: UInt64) throws -> BWFWriter {
        let format = RecordingHarness.stereo
        let fields = BroadcastExtensionFields(description: "Courtroom 5; hearing H-9; case K-9", originator: "Custody",
                                              originatorReference: "CUSTODY-TEST", firstSample: first, format: format)
        let document = IXMLDocument(project: "K-9", scene: "H-9", take: "1", tape: "5", note: "", fileUID: "CUSTODY-TEST",
                                    sampleRate: 8000, bitDepth: 16, samplesSinceMidnight: fields.timeReference,
                                    tracks: IXMLDocument.tracks(named: ["judge", "witness"]))
        return try BWFWriter(path: path, format: format, broadcastExtension: fields, iXML: document, checkpointFrames: checkpoint)
    }

    @Test("segment file names are read from the right (courtroom ids may hold '_')")
    func fileNames() {
        #expect(SegmentFileName("court_3_20260921T141320Z_0123456789AB_0012.wav") == SegmentFileName("x_20260921T141320Z_0123456789AB_0012.wav"))
        #expect(SegmentFileName("court_3_20260921T141320Z_0123456789AB_0012.wav")?.sequence == 12)
        #expect(SegmentFileName("court_3_20260921T141320Z_0123456789AB_0012.wav")?.session == "0123456789AB")
        #expect(SegmentFileName("notes.wav") == nil)
        #expect(SegmentFileName("3_20260921T141320Z_XYZ_0001.wav") == nil)
    }
}

@Suite("The hearing schedule")
struct RecordingScheduleTests {
    static let t0 = Date(timeIntervalSince1970: 1_790_000_000)
    static func hearing(_ id: String, _ start: Double, _ end: Double) -> ScheduledHearing {
        ScheduledHearing(id: id, caseNumber: "K-\(id)", courtroom: "3", start: t0.addingTimeInterval(start), end: t0.addingTimeInterval(end))
    }

    func decide(_ now: Double, _ hearings: [ScheduledHearing], active: (Bool, String?)? = nil, leftAlone: Set<String> = [],
                attempts: [String: Double] = [:]) -> ScheduleAction {
        ScheduleAction.decide(now: Self.t0.addingTimeInterval(now), hearings: hearings, active: active, leftAlone: leftAlone,
                              lastAttempts: attempts.mapValues { Self.t0.addingTimeInterval($0) }, lead: 60, margin: 300, retry: 60)
    }

    @Test("start a lead before, stop a margin after; the next hearing takes over when it begins")
    func rules() {
        let a = Self.hearing("A", 0, 3600), b = Self.hearing("B", 3700, 7200)
        #expect(decide(-61, [a]) == .none)
        #expect(decide(-60, [a]) == .start(a))
        #expect(decide(100, [a], active: (true, "A")) == .none)
        #expect(decide(3899, [a], active: (true, "A")) == .none)
        #expect(decide(3900, [a], active: (true, "A")) == .stop(hearing: "A"))
        // B's lead begins while A's margin runs: A goes on until B begins.
        #expect(decide(3650, [a, b], active: (true, "A")) == .none)
        #expect(decide(3700, [a, b], active: (true, "A")) == .stop(hearing: "A"))
        #expect(decide(3700, [a, b], leftAlone: ["A"]) == .start(b))
        // Idle in A's margin with B ahead: A is still due (unless left alone).
        #expect(decide(3650, [a, b]) == .start(a))
    }

    @Test("a person's session is never touched; a hearing a person took charge of is not started; failures retry after a while")
    func overrides() {
        let a = Self.hearing("A", 0, 3600)
        #expect(decide(100, [a], active: (false, "A")) == .none)
        #expect(decide(100, [a], active: (false, nil)) == .none)
        #expect(decide(100, [a], leftAlone: ["A"]) == .none)
        #expect(decide(100, [a], attempts: ["A": 50]) == .none)
        #expect(decide(100, [a], attempts: ["A": 40]) == .start(a))
        // An automatic session whose hearing left the schedule stops.
        #expect(decide(100, [], active: (true, "A")) == .stop(hearing: "A"))
    }

    @Test("the schedule starts and stops a courtroom's recording; a manual start defaults to the hearing in session")
    func automaticSessions() async throws {
        let clock = FakeWallClock(Self.t0)
        // A starts 5 s after the manager's own first look at the schedule, and that loop
        // does not look again during the test: the test's ticks alone act.
        let schedule = FakeSchedule([Self.hearing("A", 5, 600)])
        var recording = RecordingConfiguration()
        recording.scheduleLeadSeconds = 0
        recording.scheduleMarginSeconds = 60
        recording.scheduleIntervalSeconds = 3600
        let h = try RecordingHarness(courtrooms: [RecordingHarness.courtroom("3", segmentFrames: 100_000)], recording: recording,
                                     schedule: schedule, clock: clock)
        h.book.scripts.withLock { $0["scripted-3"] = [.bytes(stereoFrames(300))] }
        await h.waitUntilRunning()
        clock.advance(by: 10)
        await h.manager.scheduleTick()
        let room = try #require(try h.manager.courtroom("3", segments: 0))
        #expect(room.state == .recording && room.session?.automatic == true && room.session?.hearing == "A" && room.session?.case == "K-A",
                "\(room)")
        let starts = try h.events("recording.start")
        #expect(starts.first?.actor.name == "custodyd", "\(starts)")
        clock.advance(by: 640)
        await h.manager.scheduleTick()
        #expect(try h.manager.courtroom("3", segments: 0)?.state == .recording, "within the margin after its end")
        clock.advance(by: 20)
        await h.manager.scheduleTick()
        #expect(try h.manager.courtroom("3", segments: 0)?.session?.stopReason == "schedule")
        #expect(schedule.actuals.withLock { $0.map(\.0) } == ["A", "A"])
        // Not started again.
        await h.manager.scheduleTick()
        #expect(try h.events("recording.start").count == 1)
        try await h.eventually("its segment filed") { try h.store.segmentCounts(courtroom: "3").filed == 1 }
        #expect(try h.store.recordingSegments(SegmentQuery(hearing: "A")).count == 1)

        // A person starting during hearing B gets B's tags; the schedule leaves that session alone.
        schedule.entries.withLock { $0.append(Self.hearing("B", 700, 900)) }
        clock.advance(by: 80)
        _ = try await h.manager.start(RecordingRequest(courtroom: "3"), caller: RecordingHarness.operatorCaller)
        let manual = try #require(try h.manager.courtroom("3", segments: 0)?.session)
        #expect(manual.hearing == "B" && manual.case == "K-B" && !manual.automatic)
        clock.advance(by: 1000)
        await h.manager.scheduleTick()
        #expect(try h.manager.courtroom("3", segments: 0)?.state == .recording, "a person's session is theirs to stop")
        _ = try await h.manager.stop(courtroom: "3", caller: RecordingHarness.operatorCaller)
        await h.stop()
        h.directory.remove()
    }
}
