import CustodyCore
import CustodyModel
import CustodyTestSupport
import Foundation
import GRDB
import Testing
@testable import CustodyStore

@Suite("Change publisher")
struct ChangePublisherTests {
    let daemon = Caller.daemon

    func event(_ n: Int64) -> StoreChange {
        .event(CustodyEvent(seq: n, time: "2026-03-14T09:00:00Z", actor: Author(uid: 0, name: "root"), action: "test.event",
                            subject: "test", outcome: "ok", detail: [:]))
    }

    /// Every change a subscriber reads, until nothing more is buffered: a wake is asked
    /// for first, so the read that finds the buffer empty returns `.wake`, never waits.
    func drain(_ subscription: ChangeSubscription) async -> [ChangeDelivery] {
        var read: [ChangeDelivery] = []
        subscription.wake()
        while true {
            let next = await subscription.next()
            if next == .wake { return read }
            read.append(next)
            if next == .closed || next == .fellBehind { return read }
        }
    }

    @Test("custody events reach a subscriber in seq order, each once, once their transaction committed")
    func ordered() async throws {
        let f = try StoreFixture()
        defer { f.dir.remove() }
        let subscription = f.store.changes.subscribe()
        try f.store.record(EventInput(actor: daemon, action: "test.one", subject: "test"))
        try f.store.record(batch: [EventInput(actor: daemon, action: "test.two", subject: "test"),
                                   EventInput(actor: daemon, action: "test.three", subject: "test")])
        let read = await drain(subscription)
        let events = read.compactMap { (delivery: ChangeDelivery) -> CustodyEvent? in
            if case .change(.event(let e)) = delivery { return e }
            return nil
        }
        #expect(events.map(\.action) == ["test.one", "test.two", "test.three"])
        #expect(events.map(\.seq) == events.map(\.seq).sorted() && Set(events.map(\.seq)).count == 3)
        // They are what the index holds, to the byte.
        let stored = try f.store.events({ var q = EventQuery(); q.afterSeq = events[0].seq - 1; return q }())
        #expect(stored == events)
    }

    @Test("a transaction rolled back publishes none of its events")
    func rollback() async throws {
        struct Abandoned: Error {}
        let f = try StoreFixture()
        defer { f.dir.remove() }
        let subscription = f.store.changes.subscribe()
        #expect(throws: Abandoned.self) {
            try f.store.db.write { (db: Database) -> Void in
                try f.store.insertEvent(db, EventInput(actor: daemon, action: "test.rolled-back", subject: "test"))
                throw Abandoned()
            }
        }
        try f.store.record(EventInput(actor: daemon, action: "test.kept", subject: "test"))
        let read = await drain(subscription)
        let actions = read.map { (delivery: ChangeDelivery) -> String in
            if case .change(.event(let e)) = delivery { return e.action }
            return "\(delivery)"
        }
        #expect(actions == ["test.kept"])
    }

    @Test("a job's rows changing publish a jobs (and devices) change after the job's event")
    func stateTopics() async throws {
        let f = try StoreFixture()
        defer { f.dir.remove() }
        let subscription = f.store.changes.subscribe()
        try f.ingest(root: "/media/card", paths: ["/a.mp4"]) { _ in [1, 2, 3] }
        let read = await drain(subscription)
        guard let created = read.firstIndex(where: { (delivery: ChangeDelivery) -> Bool in
            if case .change(.event(let e)) = delivery { return e.action == "job.create" }
            return false
        }) else {
            Issue.record("no job.create event in \(read)")
            return
        }
        #expect(read[created...].contains(.change(.state(.jobs))))
        // A dock's state as shown follows its job's: the devices are said to change too.
        #expect(read[created...].contains(.change(.state(.devices))))
        #expect(!read.contains(.change(.state(.recordings))))
    }

    @Test("a dock's rows updated (no event in the transaction) publish a devices change")
    func dockUpdates() async throws {
        let f = try StoreFixture()
        defer { f.dir.remove() }
        let id = try DockMediaTests().dock(f)
        let subscription = f.store.changes.subscribe()
        try f.store.updateDock(id, state: .done, message: nil, jobID: nil)
        #expect(await drain(subscription) == [.change(.state(.devices))])
        try f.store.updateSlot(dock: id, DockSlotRecord(slot: 0, blockDevice: "/dev/sdc", state: .waitingForMedium))
        #expect(await drain(subscription) == [.change(.state(.devices))])
        try f.store.updateSlot(dock: id, DockSlotRecord(slot: 0, blockDevice: "/dev/sdc", state: .ingesting))
        let updated = await drain(subscription)
        #expect(updated == [.change(.state(.devices))])
    }

    @Test("a subscriber that does not read is cut once its buffer is full; the publisher and the others go on")
    func slowSubscriberCut() async {
        let publisher = ChangePublisher(bufferLimit: 3)
        let stalled = publisher.subscribe()
        let reader = publisher.subscribe()
        var read: [ChangeDelivery] = []
        for n in Int64(1)...10 {
            // Publishing returns at once, whoever does not read.
            publisher.publish([event(n)])
            read.append(await reader.next())
        }
        #expect(read == (Int64(1)...10).map { ChangeDelivery.change(event($0)) })
        // The stalled one read nothing past its limit: it is told it fell behind, then closed.
        #expect(await stalled.next() == .fellBehind)
        #expect(await stalled.next() == .closed)
        #expect(publisher.subscriberCount == 1)
    }

    @Test("a subscriber cut for falling behind resumes from its last seq through the store: nothing lost, nothing twice")
    func resumeAfterCut() async throws {
        let f = try StoreFixture()
        defer { f.dir.remove() }
        try f.store.record(EventInput(actor: daemon, action: "test.before", subject: "test"))
        let last = try f.store.latestEventSeq()
        let subscription = f.store.changes.subscribe()
        // One transaction of more events than a subscriber may have unread.
        let count = f.store.changes.bufferLimit + 10
        try f.store.record(batch: (0..<count).map { EventInput(actor: daemon, action: "test.burst", subject: "test", detail: ["n": .number(Double($0))]) })
        #expect(await subscription.next() == .fellBehind)
        var resumed: [CustodyEvent] = []
        var after = last
        while true {
            let page = try f.store.events({ var q = EventQuery(); q.afterSeq = after; q.limit = 1000; return q }())
            guard let end = page.last else { break }
            resumed += page
            after = end.seq
        }
        #expect(resumed.count == count)
        #expect(resumed.map { $0.detail["n"] } == (0..<count).map { .number(Double($0)) })
    }

    @Test("a waiting reader is woken by wake(), ended by close() and by its task's cancellation")
    func wakeCloseCancel() async {
        let publisher = ChangePublisher()
        let subscription = publisher.subscribe()
        subscription.wake()
        #expect(await subscription.next() == .wake)
        let waiting = Task { await subscription.next() }
        subscription.close()
        #expect(await waiting.value == .closed)
        #expect(publisher.subscriberCount == 0)

        let other = publisher.subscribe()
        let cancelled = Task { await other.next() }
        cancelled.cancel()
        #expect(await cancelled.value == .closed)
        #expect(publisher.subscriberCount == 0)
    }
}
