import CustodyCore
import CustodyModel
import CustodyTestSupport
import Foundation
import Testing
@testable import CustodyStore

/// What an item's custody record holds, and how an export that was never written is recorded.
@Suite("Export records")
struct ExportRecordTests {
    @Test("an item's events are its own and its job's, without the failures of the job's other files")
    func itemEventsLeaveOtherFilesOut() throws {
        let f = try StoreFixture()
        defer { f.dir.remove() }
        let job = try f.ingest(root: "/media/card", paths: ["a.mp4", "b.mp4"]) { Array($0.utf8) }
        try f.store.commit([FileOutcome(path: "c.mp4", size: 1, result: .failed("cannot read: I/O error"))], job: job)
        try f.store.setJobState(job.jobID, .completedWithErrors, message: nil, actor: f.operatorCaller)
        let a = try #require(try f.store.items(ItemQuery()).items.first { $0.source.path == "a.mp4" })
        var q = EventQuery()
        q.itemID = a.id
        let events = try f.store.events(q)
        #expect(events.map(\.action).contains("item.store") && events.map(\.action).contains("job.create"))
        #expect(events.map(\.action).contains("job.finish"))
        #expect(!events.contains { $0.action == "file.fail" }, "c.mp4's failure is not a.mp4's")
        #expect(!events.contains { $0.subject == "item:\(a.id + 1)" })
        // The job's own record still has every failure.
        var jobQuery = EventQuery()
        jobQuery.subject = "job:\(job.jobID)"
        #expect(try f.store.events(jobQuery).filter { $0.action == "file.fail" }.count == 1)
    }

    @Test("an export is recorded abandoned once, naming it and why; an event that is not an export cannot be")
    func abandonOnce() throws {
        let f = try StoreFixture()
        defer { f.dir.remove() }
        try f.ingest(root: "/media/card", paths: ["a.mp4"]) { Array($0.utf8) }
        let item = try #require(try f.store.items(ItemQuery()).items.first)
        let id = try f.store.recordExport(actor: f.operatorCaller, selection: "items 1", reason: nil, items: [(item.id, item.sha256)])
        let first = try #require(try f.store.recordExportAbandon(id, actor: f.operatorCaller, reason: "the disc is full"))
        #expect(first.isNew && first.event.action == "export.abandon" && first.event.outcome == "error")
        #expect(first.event.detail == ["export": .number(Double(id)), "reason": .string("the disc is full")])
        let again = try #require(try f.store.recordExportAbandon(id, actor: .daemon, reason: "the client went away"))
        #expect(!again.isNew && again.event == first.event, "the first record stands")
        #expect(try f.store.recordExportAbandon(1, actor: .daemon, reason: "x") == nil, "event 1 is not an export")
        let long = try #require(try f.store.recordExportAbandon(
            try f.store.recordExport(actor: f.operatorCaller, selection: "items 1", reason: nil, items: [(item.id, item.sha256)]),
            actor: .daemon, reason: String(repeating: "x", count: 10_000)))
        #expect(long.event.detail["reason"]?.stringValue?.count == LocalStore.maxAbandonReason + 1, "a long reason is cut, and says so")
    }
}
