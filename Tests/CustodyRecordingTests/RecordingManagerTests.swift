import CustodyAudio
import CustodyCore
import CustodyModel
@testable import CustodyRecording
import CustodyStore
import CustodyTestSupport
import Foundation
import Testing

@Suite("Courtroom recording sessions")
struct RecordingManagerTests {
    @Test("a bounded session's segments are filed in order, contiguous, byte for byte, tagged and summarised")
    func boundedSession() async throws {
        let now = Date()
        let schedule = FakeSchedule([ScheduledHearing(id: "H-1", caseNumber: "K-1", courtroom: "3", start: now.addingTimeInterval(-60),
                                                      end: now.addingTimeInterval(3600))])
        var room = RecordingHarness.courtroom("3", segmentFrames: 1000)
        room.automatic = false
        let h = try RecordingHarness(courtrooms: [room], schedule: schedule)
        let audio = stereoFrames(2500)
        h.book.scripts.withLock { $0["scripted-3"] = [.bytes(audio)] }
        await h.waitUntilRunning()
        let started = try await h.manager.start(RecordingRequest(courtroom: "3", hearing: "H-1", case: "K-1", durationFrames: 2500),
                                                caller: RecordingHarness.operatorCaller)
        #expect(started.state == .recording || started.state == .stopped)
        try await h.eventually("three segments filed") { try h.store.segmentCounts(courtroom: "3").filed == 3 }

        let segments = try h.store.recordingSegments(SegmentQuery(hearing: "H-1"))
        #expect(segments.map(\.sequence) == [1, 2, 3])
        #expect(segments.map(\.frames) == [1000, 1000, 500])
        #expect(segments.map(\.firstFrame) == [0, 1000, 2000])
        #expect(segments.map(\.gapBeforeSeconds) == [nil, 0, 0], "contiguous: no gap between segments")
        #expect(segments.allSatisfy { $0.state == .filed && $0.item != nil && $0.case == "K-1" && !$0.repaired })
        #expect(segments[0].firstSampleTime == "2026-09-21T14:13:20.500Z")

        // The stored copies hold exactly the frames delivered, in order, none twice.
        var joined: [UInt8] = []
        for segment in segments {
            let item = try #require(try h.store.item(segment.item!))
            #expect(item.tags.hearing == "H-1" && item.tags.case == "K-1")
            #expect(item.recordedAtSource == "bwf.bext")
            #expect(item.recordedAt == segment.firstSampleTime, "recorded at its first sample, to the sample")
            joined += try payload(of: h.store.blobPath(item.sha256))
        }
        #expect(joined == audio)
        // Filed segments leave no working file behind.
        try await h.eventually("the working files removed") {
            try FileManager.default.contentsOfDirectory(atPath: h.directory.path + "/recordings/3").isEmpty
        }

        let start = try #require(try h.events("recording.start").first)
        #expect(start.actor.uid == 1042 && start.subject == "courtroom:3" && start.detail["hearing"] == .string("H-1"))
        #expect(start.detail["durationFrames"] == .number(2500))
        try await h.eventually("the end recorded") { try h.events("recording.stop").count == 1 }
        let stop = try #require(try h.events("recording.stop").first)
        #expect(stop.detail["reason"] == .string("durationReached") && stop.detail["framesCaptured"] == .number(2500))
        let filed = try h.events("recording.segment")
        #expect(filed.count == 3)
        #expect(filed.map(\.subject) == segments.map { "item:\($0.item!)" })
        let first = filed[0].detail
        #expect(first["frames"] == .number(1000) && first["droppedFrames"] == .number(0) && first["gaps"] == .array([]))
        guard case .array(let channels)? = first["channels"], channels.count == 2 else {
            Issue.record("no channel levels in \(first)")
            return
        }
        // Each item's own events include its summary.
        var query = EventQuery()
        query.itemID = segments[0].item
        #expect(try h.store.events(query).map(\.action).contains("recording.segment"))
        await h.stop()
        h.directory.remove()
    }

    @Test("a PCM that cannot be opened is an error naming it; the courtroom shows the fault and a recording.fault event is recorded")
    func pcmOpenFails() async throws {
        let h = try RecordingHarness(courtrooms: [RecordingHarness.courtroom("7", pcm: "hw:CARD=Nowhere")])
        h.book.openErrors.withLock {
            $0["hw:CARD=Nowhere"] = ALSAError(call: "snd_pcm_open", pcm: "hw:CARD=Nowhere", code: ALSAError.Code.notFound,
                                              detail: "no capture PCM named 'hw:CARD=Nowhere' exists")
        }
        await h.waitUntilRunning()
        await #expect(throws: RecordingError.self) {
            _ = try await h.manager.start(RecordingRequest(courtroom: "7"), caller: RecordingHarness.operatorCaller)
        }
        do {
            _ = try await h.manager.start(RecordingRequest(courtroom: "7"), caller: RecordingHarness.operatorCaller)
        } catch {
            #expect(error.code == .pcmOpen)
            #expect(error.message.contains("hw:CARD=Nowhere"))
        }
        let room = try #require(try h.manager.courtroom("7", segments: 0))
        #expect(room.state == .faulted)
        #expect(room.session?.fault?.code == "capture.pcm-open" && room.session?.fault?.message.contains("hw:CARD=Nowhere") == true)
        let faults = try h.events("recording.fault")
        #expect(faults.count == 2 && faults.allSatisfy { $0.actor.uid == 1042 && $0.outcome == "error" })
        #expect(try h.events("recording.start").isEmpty, "nothing was recorded")
        await h.stop()
        h.directory.remove()
    }

    @Test("stop by hand: the segment being written is finished and filed; the stop is the caller's")
    func manualStop() async throws {
        let h = try RecordingHarness(courtrooms: [RecordingHarness.courtroom("1", segmentFrames: 4000)])
        // 1,500 frames, then the PCM goes quiet until stopped.
        h.book.scripts.withLock { $0["scripted-1"] = [.bytes(stereoFrames(1500))] }
        await h.waitUntilRunning()
        _ = try await h.manager.start(RecordingRequest(courtroom: "1"), caller: RecordingHarness.operatorCaller)
        do {
            _ = try await h.manager.start(RecordingRequest(courtroom: "1"), caller: .daemon)
            Issue.record("a second session started in the same courtroom")
        } catch {
            #expect(error.code == .alreadyRecording && error.message.contains("clerk (uid 1042)"), "\(error)")
        }
        try await h.eventually("1,500 frames captured") { h.manager.liveStatus(h.manager.roomsByID["1"]!).session?.framesCaptured == 1500 }
        try await h.eventually("the no-data alarm") { try !h.events("recording.alarm.raise").isEmpty }
        #expect(h.manager.liveStatus(h.manager.roomsByID["1"]!).session?.activeAlarms.map(\.kind) == ["noData"])
        let stopped = try await h.manager.stop(courtroom: "1", caller: RecordingHarness.operatorCaller)
        #expect(stopped.state == .stopped && stopped.session?.stopReason == "stopRequested" && stopped.session?.stoppedBy?.uid == 1042)
        let stop = try #require(try h.events("recording.stop").first)
        #expect(stop.actor.uid == 1042 && stop.detail["reason"] == .string("stopRequested"))
        try await h.eventually("the short last segment filed") { try h.store.segmentCounts(courtroom: "1").filed == 1 }
        #expect(try h.store.recordingSegments(SegmentQuery(courtroom: "1")).map(\.frames) == [1500])
        // The PCM delivering nothing raised the no-data alarm, closed with the session.
        let raised = try h.events("recording.alarm.raise")
        #expect(raised.contains { $0.detail["kind"] == .string("noData") })
        // Stopping again changes nothing.
        let again = try await h.manager.stop(courtroom: "1", caller: .daemon)
        #expect(again.session?.stoppedBy?.uid == 1042)
        #expect(try h.events("recording.stop").count == 1)
        await h.stop()
        h.directory.remove()
    }

    @Test("gaps and silence are custody events and are in the segment's summary")
    func gapsAndAlarms() async throws {
        let h = try RecordingHarness(courtrooms: [RecordingHarness.courtroom("2", segmentFrames: 4000)])
        let silence = [UInt8](repeating: 0, count: 3000 * 4)
        h.book.scripts.withLock { $0["scripted-2"] = [.bytes(stereoFrames(500)), .gap(lostFrames: 80, cause: .overrun), .bytes(silence)] }
        await h.waitUntilRunning()
        _ = try await h.manager.start(RecordingRequest(courtroom: "2", durationFrames: 3500), caller: RecordingHarness.operatorCaller)
        try await h.eventually("the segment filed") { try h.store.segmentCounts(courtroom: "2").filed == 1 }
        let gap = try #require(try h.events("recording.gap").first)
        #expect(gap.detail["lostFrames"] == .number(80) && gap.detail["frameIndex"] == .number(500) && gap.outcome == "error")
        #expect(try h.events("recording.alarm.raise").contains { $0.detail["kind"] == .string("silence") })
        let segment = try #require(try h.store.recordingSegments(SegmentQuery(courtroom: "2")).first)
        #expect(segment.droppedFrames == 80 && segment.gaps == 1 && segment.alarms >= 1)
        let filed = try #require(try h.events("recording.segment").first)
        #expect(filed.detail["droppedFrames"] == .number(80))
        guard case .array(let alarms)? = filed.detail["alarms"], !alarms.isEmpty else {
            Issue.record("no alarms in the summary: \(filed.detail)")
            return
        }
        await h.stop()
        h.directory.remove()
    }

    @Test("unknown courtrooms, bad durations and bad hearings are refused before anything is opened")
    func refusals() async throws {
        let h = try RecordingHarness(courtrooms: [RecordingHarness.courtroom("3")])
        await h.waitUntilRunning()
        for (body, code) in [(RecordingRequest(courtroom: "9"), RecordingError.Code.notFound),
                             (RecordingRequest(courtroom: "3", durationFrames: 0), .badRequest),
                             (RecordingRequest(courtroom: "3", durationFrames: 5, durationSeconds: 1), .badRequest),
                             (RecordingRequest(courtroom: "3", durationSeconds: 0.00001), .badRequest),
                             (RecordingRequest(courtroom: "3", hearing: ""), .badRequest)] {
            do {
                _ = try await h.manager.start(body, caller: .daemon)
                Issue.record("accepted \(body)")
            } catch {
                #expect(error.code == code, "\(body): \(error)")
            }
        }
        await #expect(throws: RecordingError.self) { _ = try await h.manager.stop(courtroom: "9", caller: .daemon) }
        #expect(try RecordingManager.durationFrames(RecordingRequest(courtroom: "3", durationSeconds: 1.5), rate: 48000) == 72_000)
        #expect(try h.events("recording.fault").isEmpty)
        #expect(h.manager.liveStatus(h.manager.roomsByID["3"]!).state == .idle)
        await h.stop()
        h.directory.remove()
    }

    @Test("shutdown ends every session and files its last segment before returning")
    func shutdownFilesTheLastSegment() async throws {
        let h = try RecordingHarness(courtrooms: [RecordingHarness.courtroom("4", segmentFrames: 10_000)])
        h.book.scripts.withLock { $0["scripted-4"] = [.bytes(stereoFrames(700))] }
        await h.waitUntilRunning()
        _ = try await h.manager.start(RecordingRequest(courtroom: "4"), caller: RecordingHarness.operatorCaller)
        try await h.eventually("700 frames") { h.manager.liveStatus(h.manager.roomsByID["4"]!).session?.framesCaptured == 700 }
        await h.stop()
        let counts = try h.store.segmentCounts(courtroom: "4")
        #expect(counts.filed == 1 && counts.pending == 0)
        let stop = try #require(try h.events("recording.stop").first)
        #expect(stop.detail["reason"] == .string("shutdown") && stop.actor.name == "custodyd")
        h.directory.remove()
    }
}
