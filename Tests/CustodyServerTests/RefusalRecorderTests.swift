import CustodyCore
import CustodyModel
import CustodyStore
import CustodyTestSupport
import Foundation
import Testing
@testable import CustodyServer

@Suite("Refused requests in the ledger: bounded, aggregated, never lost")
struct RefusalRecorderTests {
    let dir: TemporaryDirectory
    let store: LocalStore
    let clock = FakeWallClock(Date(timeIntervalSince1970: 1_790_000_000))  // 14:13:20 UTC, 20 s into a minute

    init() throws {
        dir = try TemporaryDirectory("custody-refusals")
        store = try LocalStore(stateDirectory: dir.path + "/state")
    }

    func caller(_ uid: UInt32) -> Caller { Caller(uid: uid, gid: uid, name: "user\(uid)", roles: []) }

    func refusals() throws -> [CustodyEvent] {
        try store.events(EventQuery()).filter { $0.outcome == "denied" }
    }

    @Test("a path of 80 KiB is recorded cut to 256 scalars, with its full length")
    func longPathIsCut() throws {
        defer { dir.remove() }
        let recorder = RefusalRecorder(store: store, clock: clock)
        let path = "/v1/blobs/" + String(repeating: "a", count: 80 * 1024)
        recorder.refuse(caller(1000), method: "GET", path: path, detail: ["needs": .string("admin")])
        let event = try #require(try refusals().first)
        #expect(event.action == "request.deny" && event.subject.unicodeScalars.count == 4 + 256 + 1)
        #expect(event.subject.hasPrefix("api:/v1/blobs/aaa") && event.subject.hasSuffix("…"))
        #expect(event.detail["pathBytes"] == .number(Double(path.utf8.count)))
        #expect(event.detail["method"] == .string("GET") && event.detail["needs"] == .string("admin"))
    }

    @Test("one combining mark repeated is cut by scalars, not kept whole as one character")
    func graphemeBombIsCut() throws {
        defer { dir.remove() }
        let recorder = RefusalRecorder(store: store, clock: clock)
        let path = "/v1/x" + String(repeating: "\u{0301}", count: 40_000)
        recorder.refuse(caller(1000), method: "GET", path: path)
        let event = try #require(try refusals().first)
        #expect(event.subject.utf8.count < 1024)
    }

    @Test("a thousand refusals of one uid in a minute are two events: the first, and a summary of the rest")
    func floodIsSummarised() throws {
        defer { dir.remove() }
        let recorder = RefusalRecorder(store: store, clock: clock)
        for i in 0..<1000 {
            recorder.refuse(caller(1000), method: "GET", path: "/v1/events?n=\(i % 7)")
            clock.advance(by: 1.0 / 32)  // exact in binary: the times below are exact
        }
        #expect(try refusals().count == 1, "the first is recorded at once; the rest wait for the minute's end")
        recorder.flush()
        #expect(try refusals().count == 1, "the minute is not over yet")
        clock.advance(by: 60)
        recorder.flush()
        let events = try refusals()
        #expect(events.count == 2)
        let summary = events[1]
        #expect(summary.action == "request.deny.summary" && summary.actor.uid == 1000 && summary.subject == "api")
        #expect(summary.detail["count"] == .number(999))
        #expect(summary.detail["firstAt"] == .string(RFC3339.format(Date(timeIntervalSince1970: 1_790_000_000 + 1.0 / 32))))
        #expect(summary.detail["lastAt"] == .string(RFC3339.format(Date(timeIntervalSince1970: 1_790_000_000 + 999.0 / 32))))
        #expect(summary.detail["minute"] == .string("2026-09-21T14:13:00.000Z"))
        guard case .array(let paths)? = summary.detail["paths"] else { Issue.record("no paths"); return }
        #expect(paths.count == RefusalRecorder.samplePaths)
        #expect(paths.first == .string("GET /v1/events?n=1"))
    }

    @Test("each uid and each minute is counted apart; a new minute writes the last one's summary first")
    func perUidAndMinute() throws {
        defer { dir.remove() }
        let recorder = RefusalRecorder(store: store, clock: clock)
        recorder.refuse(caller(1000), method: "GET", path: "/a")
        recorder.refuse(caller(1000), method: "GET", path: "/b")
        recorder.refuse(caller(2000), method: "GET", path: "/c")
        clock.advance(by: 60)
        recorder.refuse(caller(1000), method: "GET", path: "/d")
        let events = try refusals()
        #expect(events.map(\.action) == ["request.deny", "request.deny", "request.deny.summary", "request.deny"])
        #expect(events.map(\.actor.uid) == [1000, 2000, 1000, 1000])
        #expect(events[2].detail["count"] == .number(1))
        recorder.flush(all: true)
        #expect(try refusals().count == 4, "uid 2000 had one refusal, recorded on its own; nothing is left to summarise")
    }

    @Test("the daemon stopping writes what is pending")
    func flushAll() throws {
        defer { dir.remove() }
        let recorder = RefusalRecorder(store: store, clock: clock)
        for _ in 0..<3 { recorder.refuse(caller(1000), method: "POST", path: "/v1/jobs") }
        recorder.flush(all: true)
        let events = try refusals()
        #expect(events.count == 2 && events[1].detail["count"] == .number(2))
    }
}
