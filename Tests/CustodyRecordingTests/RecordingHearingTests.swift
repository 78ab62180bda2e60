import CustodyAudio
import CustodyCore
import CustodyModel
@testable import CustodyRecording
import CustodyStore
import CustodyTestSupport
import Foundation
import Testing

@Suite("A session's hearing and case come from the registry")
struct RecordingHearingTests {
    /// A courtroom the schedule leaves alone (the test starts every session).
    static func manualRoom(_ id: String, segmentFrames: Int64 = 1000) -> CourtroomConfiguration {
        var room = RecordingHarness.courtroom(id, segmentFrames: segmentFrames)
        room.automatic = false
        return room
    }

    static func hearing(_ id: String, case number: String?, courtroom: String, from start: TimeInterval, to end: TimeInterval) -> ScheduledHearing {
        let now = Date()
        return ScheduledHearing(id: id, caseNumber: number, courtroom: courtroom, start: now.addingTimeInterval(start), end: now.addingTimeInterval(end))
    }

    @Test("the session's first frame is one instant: the hearing's actual start is its first segment's time, to the last digit")
    func oneInstant() async throws {
        let schedule = FakeSchedule([Self.hearing("H-7", case: "K-7", courtroom: "7", from: -60, to: 3600)])
        let h = try RecordingHarness(courtrooms: [Self.manualRoom("7")], schedule: schedule, start: false)
        // The PCM's first frame 1.05 ms past a whole second, at 8 kHz: its sample (8) is at
        // 1.000 ms, a Double a hair below .001 when computed from the bext's fields.
        let raw = Date(timeIntervalSince1970: 1_790_000_000.00105)
        h.book.startTime.withLock { $0 = raw }
        h.book.scripts.withLock { $0["scripted-7"] = [.bytes(stereoFrames(1500))] }
        h.start()
        await h.waitUntilRunning()
        _ = try await h.manager.start(RecordingRequest(courtroom: "7", hearing: "H-7", durationFrames: 1500), caller: RecordingHarness.operatorCaller)
        try await h.eventually("two segments filed") { try h.store.segmentCounts(courtroom: "7").filed == 2 }
        try await h.eventually("the hearing's actual end recorded") { schedule.actuals.withLock { $0.count } == 2 }

        let expected = SampleTime.date(samples: 1_790_000_000 * 8000 + 8, rate: 8000)
        let actual = try #require(schedule.actuals.withLock { $0.first })
        #expect(actual.0 == "H-7")
        #expect(actual.1 == expected, "the actual start is the first sample's instant, not the PCM's raw time")
        let segments = try h.store.recordingSegments(SegmentQuery(hearing: "H-7"))
        #expect(segments.count == 2)
        let actualStart = try #require(actual.1)
        #expect(RFC3339.format(actualStart) == segments[0].firstSampleTime)
        #expect(segments[0].firstSampleTime == "2026-09-21T14:13:20.001Z")
        let firstItem = try #require(segments[0].item)
        let item = try #require(try h.store.item(firstItem))
        #expect(item.recordedAt == segments[0].firstSampleTime)
        let end = try #require(schedule.actuals.withLock { $0.last?.2 })
        #expect(RFC3339.format(end) == segments[1].endTime, "the actual end is the last frame's end, from the same instant")
        await h.stop()
        h.directory.remove()
    }

    @Test("a made-up hearing, another courtroom's, one not in session, or a case that is not the hearing's is refused")
    func refusals() async throws {
        let schedule = FakeSchedule([
            Self.hearing("H-NOW", case: "K-NOW", courtroom: "3", from: -600, to: 3000),
            Self.hearing("H-ELSEWHERE", case: "K-E", courtroom: "4", from: -600, to: 3000),
            Self.hearing("H-YESTERDAY", case: "K-Y", courtroom: "3", from: -86_400 - 7200, to: -86_400 - 3600),
            Self.hearing("H-NEXT-WEEK", case: "K-W", courtroom: "3", from: 7 * 86_400, to: 7 * 86_400 + 3600),
        ])
        let h = try RecordingHarness(courtrooms: [Self.manualRoom("3"), Self.manualRoom("4"), Self.manualRoom("5")], schedule: schedule)
        await h.waitUntilRunning()
        for (body, code, words) in [
            (RecordingRequest(courtroom: "3", hearing: "H-MADE-UP"), RecordingError.Code.hearingNotFound, "no registered hearing H-MADE-UP"),
            (RecordingRequest(courtroom: "3", hearing: "H-ELSEWHERE"), .hearingNotHere, "sits in courtroom 4, not 3"),
            (RecordingRequest(courtroom: "3", hearing: "H-YESTERDAY"), .hearingNotHere, "may be recorded from"),
            (RecordingRequest(courtroom: "3", hearing: "H-NEXT-WEEK"), .hearingNotHere, "may be recorded from"),
            (RecordingRequest(courtroom: "3", hearing: "H-NOW", case: "K-FORGED"), .badRequest, "(K-NOW), not K-FORGED"),
            (RecordingRequest(courtroom: "5", case: "K-FORGED"), .badRequest, "name the hearing, not case K-FORGED"),
        ] {
            do {
                _ = try await h.manager.start(body, caller: RecordingHarness.operatorCaller)
                Issue.record("accepted \(body)")
            } catch {
                #expect(error.code == code && error.message.contains(words), "\(body): \(error)")
            }
        }
        #expect(try h.events("recording.start").isEmpty, "nothing refused was opened or recorded")
        #expect(try h.events("recording.fault").isEmpty)
        await h.stop()
        h.directory.remove()
    }

    @Test("a registered hearing in session is recorded with the registry's case; the same case given is accepted")
    func registryCase() async throws {
        let schedule = FakeSchedule([Self.hearing("H-3", case: "K-3/2026", courtroom: "3", from: 1800, to: 5400),
                                     Self.hearing("H-4", case: "K-4/2026", courtroom: "4", from: -3600, to: -600)])
        let h = try RecordingHarness(courtrooms: [Self.manualRoom("3", segmentFrames: 100_000), Self.manualRoom("4", segmentFrames: 100_000)],
                                     schedule: schedule)
        h.book.scripts.withLock { $0["scripted-3"] = [.bytes(stereoFrames(300))]; $0["scripted-4"] = [.bytes(stereoFrames(300))] }
        await h.waitUntilRunning()
        // Half an hour before its start (a clerk setting up), and ten minutes after the other's end.
        let early = try await h.manager.start(RecordingRequest(courtroom: "3", hearing: "H-3"), caller: RecordingHarness.operatorCaller)
        #expect(early.session?.hearing == "H-3" && early.session?.case == "K-3/2026")
        let late = try await h.manager.start(RecordingRequest(courtroom: "4", hearing: "H-4", case: "K-4/2026"), caller: RecordingHarness.operatorCaller)
        #expect(late.session?.hearing == "H-4" && late.session?.case == "K-4/2026")
        let starts = try h.events("recording.start")
        let cases = starts.compactMap { event -> String? in if case .string(let c)? = event.detail["case"] { c } else { nil } }
        #expect(Set(cases) == ["K-3/2026", "K-4/2026"])
        _ = try await h.manager.stop(courtroom: "3", caller: RecordingHarness.operatorCaller)
        _ = try await h.manager.stop(courtroom: "4", caller: RecordingHarness.operatorCaller)
        await h.stop()
        h.directory.remove()
    }
}
