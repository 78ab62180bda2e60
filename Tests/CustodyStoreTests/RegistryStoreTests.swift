import CustodyCore
import CustodyModel
import CustodyTagging
import CustodyTestSupport
import Crypto
import Foundation
import GRDB
import Testing
@testable import CustodyStore

func t(_ text: String) -> Date { StrictRFC3339.parse(text)! }

/// A store with a registry: helpers to import files and to ingest recordings made
/// by a device at given times.
struct RegistryFixture {
    let f: StoreFixture
    var store: LocalStore { f.store }
    var clock: FakeWallClock { f.clock }
    let supervisor = Caller(uid: 1002, gid: 1002, name: "vesna", roles: [.supervisor])

    init(tagger: Tagger = Tagger()) throws { f = try StoreFixture(tagger: tagger) }
    func remove() { f.dir.remove() }

    @discardableResult
    func load(_ kind: String, _ text: String, name: String? = nil) throws -> ImportReport {
        let file = try RegistryImport.parse(kind: kind, format: nil, name: name ?? "\(kind).csv", bytes: Array(text.utf8)).get()
        return try store.importRegistry(file, actor: supervisor)
    }

    /// Stores one recording per entry (unique bytes), as a job of `device`; returns the item ids in order.
    @discardableResult
    func record(_ device: String?, _ recordings: [(path: String, at: String, seconds: Double?)], bytes: ((String) -> [UInt8])? = nil) throws -> [Int64] {
        let root = "/media/card-\(UUID().uuidString)"
        let content = bytes ?? { Array("\(root)/\($0)".utf8) }
        let job = try store.createJob(JobPlan(root: root, deviceSerial: device, files: recordings.map {
            PlannedFile(path: $0.path, size: Int64(content($0.path).count), modifiedAt: nil)
        }), caller: f.operatorCaller)
        var staged: [(TemporaryBlob, sha256: String)] = []
        var outcomes: [FileOutcome] = []
        for r in recordings {
            let s = try f.stage(content(r.path))
            staged.append(s)
            let facts = StoredFileFacts(sha256: s.sha256, size: Int64(content(r.path).count), mediaType: "audio/wav", container: "wav",
                                        recordedAt: t(r.at), recordedAtSource: "bwf.bext", utcOffsetSeconds: nil, durationSeconds: r.seconds,
                                        metadataProblems: [], fileModifiedAt: nil)
            outcomes.append(FileOutcome(path: r.path, size: facts.size, result: .stored(facts)))
        }
        _ = try store.installBlobs(staged)
        try store.commit(outcomes, job: job)
        var q = ItemQuery()
        q.jobID = job.jobID
        let byPath = Dictionary(uniqueKeysWithValues: try store.items(q).items.map { ($0.source.path, $0.id) })
        return recordings.map { byPath[$0.path]! }
    }

    func item(_ id: Int64) throws -> Item { try store.item(id)! }
    func eventCount() throws -> Int { try store.events({ var q = EventQuery(); q.limit = 100_000; return q }()).count }
    func events(_ subject: String) throws -> [CustodyEvent] { try store.events({ var q = EventQuery(); q.subject = subject; return q }()) }

    func importError(_ kind: String, _ text: String) -> RegistryError? {
        do { try load(kind, text) } catch let e as RegistryError { return e } catch { Issue.record("\(error)") }
        return nil
    }
}

@Suite("Registry store")
struct RegistryStoreTests {
    @Test("an import is recorded row by row; the same file again writes nothing, not even an event")
    func idempotentImport() throws {
        let r = try RegistryFixture()
        defer { r.remove() }
        let officers = "badge,name,unit\nB-1,Ана Петровић,North\nB-2,Bo Berg,South\n"
        let first = try r.load("officers", officers)
        #expect((first.created, first.updated, first.unchanged) == (2, 0, 0))
        let events = try r.eventCount()
        #expect(try r.events("officer:B-1").map(\.action) == ["officer.create"])
        #expect(try r.events("registry:officers").first?.detail["created"] == .number(2))
        let again = try r.load("officers", officers)
        #expect((again.created, again.updated, again.unchanged) == (0, 0, 2))
        #expect(try r.eventCount() == events)
        let renamed = try r.load("officers", "badge,name,unit\nB-1,Ана Петровић-Јовић,North\n")
        #expect(renamed.updated == 1)
        let update = try r.events("officer:B-1").last!
        #expect(update.action == "officer.update" && update.actor.uid == 1002)
        #expect(update.detail["name"] == .string("Ана Петровић-Јовић") && update.detail["name.was"] == .string("Ана Петровић"))
        #expect(update.detail["unit"] == nil, "only what changed")
    }

    @Test("an import with bad rows writes nothing and names every bad line: unknown officer, overlaps, duplicates")
    func allOrNothing() throws {
        let r = try RegistryFixture()
        defer { r.remove() }
        try r.load("officers", "badge,name,unit\nB-1,Ana,North\nB-2,Bo,North\n")
        let events = try r.eventCount()
        let error = r.importError("assignments", """
            device_serial,badge,from,to
            BWC-1,B-1,2026-03-14T06:00:00Z,2026-03-14T14:00:00Z
            BWC-1,B-2,2026-03-14T13:00:00Z,2026-03-14T22:00:00Z
            BWC-2,B-9,2026-03-14T06:00:00Z,
            BWC-3,B-1,2026-03-14T06:00:00Z,
            BWC-3,B-2,2026-03-14T06:00:00Z,2026-03-15T00:00:00Z
            """)
        #expect(error?.code == .invalidImport)
        #expect(error?.errors.map { "\($0.line):\($0.field ?? "")" } == ["3:from", "4:badge", "6:from"])
        #expect(error?.errors[0].message.contains("overlaps the assignment of BWC-1 to B-1") == true)
        #expect(error?.errors[0].message.contains("(line 2)") == true)
        #expect(error?.errors[2].message.contains("duplicate") == true)
        #expect(error?.message.hasPrefix("assignments.csv: 3 problems on 3 lines; nothing was imported") == true)
        #expect(try r.store.assignments(AssignmentQuery()).isEmpty)
        #expect(try r.store.equipment().isEmpty, "devices named by the refused file are not registered either")
        #expect(try r.eventCount() == events)
    }

    @Test("overlaps are judged against the registry too; restating an assignment changes it in place")
    func overlapsAgainstRegistry() throws {
        let r = try RegistryFixture()
        defer { r.remove() }
        try r.load("officers", "badge,name,unit\nB-1,Ana,North\nB-2,Bo,North\n")
        try r.load("assignments", "device_serial,badge,from,to\nBWC-1,B-1,2026-03-01T00:00:00Z,\n")
        let clash = r.importError("assignments", "device_serial,badge,from,to\nBWC-1,B-2,2026-03-10T00:00:00Z,\n")
        #expect(clash?.errors.first?.message.contains("registered assignment 1") == true)
        // Closing the open assignment (same device and start) and starting the next one is one file.
        let report = try r.load("assignments", "device_serial,badge,from,to\nBWC-1,B-1,2026-03-01T00:00:00Z,2026-03-10T00:00:00Z\nBWC-1,B-2,2026-03-10T00:00:00Z,\n")
        #expect((report.created, report.updated) == (1, 1))
        #expect(try r.store.assignments(AssignmentQuery()).map { "\($0.officer) \($0.to ?? "open")" }
                == ["B-1 2026-03-10T00:00:00.000Z", "B-2 open"])
        #expect(try r.events("assignment:1").last?.detail["to.was"] == .null)
    }

    @Test("a realistic shift roster: dozens of officers, three shifts a day, recordings exactly at the changes")
    func shiftRoster() throws {
        let r = try RegistryFixture()
        defer { r.remove() }
        let officers = (1...36).map { "B-\(1000 + $0),Officer \($0),Unit \($0 % 4)" }
        try r.load("officers", "badge,name,unit\n" + officers.joined(separator: "\n"))
        // 12 pool cameras over 3 days, 3 shifts a day (06-14, 14-22, 22-06), each shift a different officer.
        var rows: [String] = []
        var holder: [String: String] = [:]  // "camera@start" -> badge
        for camera in 1...12 {
            for shift in 0..<9 {
                let start = t("2026-03-13T06:00:00Z").addingTimeInterval(Double(shift) * 8 * 3600)
                let badge = "B-\(1000 + (camera * 3 + shift) % 36 + 1)"
                rows.append("POOL-\(camera),\(badge),\(RFC3339.format(start)),\(RFC3339.format(start + 8 * 3600)),shift")
                holder["\(camera)@\(shift)"] = badge
            }
        }
        let report = try r.load("assignments", "device_serial,badge,from,to,kind\n" + rows.joined(separator: "\n"))
        #expect(report.created == 108)
        #expect(try r.store.equipment().count == 12, "cameras named by assignments are registered")
        for camera in [1, 7, 12] {
            let ids = try r.record("POOL-\(camera)", [
                ("before.wav", "2026-03-13T13:59:59.999Z", 1), ("change.wav", "2026-03-13T14:00:00Z", 1),
                ("night.wav", "2026-03-14T05:59:59Z", 1), ("morning.wav", "2026-03-14T06:00:00.000Z", 1),
                ("after.wav", "2026-03-16T06:00:00Z", 1),
            ])
            let officers = try ids.map { try r.item($0).tags.officer }
            #expect(officers == [holder["\(camera)@0"], holder["\(camera)@1"], holder["\(camera)@2"], holder["\(camera)@3"], nil])
            let store = try r.events("item:\(ids[1])").first!
            #expect(store.action == "item.store" && store.detail["officer"] == .string(holder["\(camera)@1"]!))
        }
        var q = ItemQuery()
        q.officer = holder["7@1"]
        q.from = t("2026-03-13T00:00:00Z")
        q.to = t("2026-03-20T00:00:00Z")
        #expect(try r.store.items(q).items.map(\.source.path).contains("change.wav"))
    }

    static let courtrooms = "id,name\nCR1,Courtroom 1\nCR2,Courtroom 2\nCR3,Courtroom 3\n"
    static let recorders = "serial,model,kind,courtroom\nREC-1,Recorder,audioRecorder,CR1\nREC-2,Recorder,audioRecorder,CR2\nREC-3,Recorder,audioRecorder,CR3\n"

    @Test("hearings in several courtrooms across days, one on a daylight-saving change day, from a calendar")
    func hearings() throws {
        let r = try RegistryFixture()
        defer { r.remove() }
        try r.load("courtrooms", Self.courtrooms)
        try r.load("devices", Self.recorders)
        try r.load("hearings", """
            id,case,courtroom,judge,start,end
            H-1,K-1/2026,CR1,Judge A,2026-03-27T09:00:00+01:00,2026-03-27T11:00:00+01:00
            H-2,K-2/2026,CR2,Judge B,2026-03-27T09:00:00+01:00,2026-03-27T12:00:00+01:00
            H-3,K-1/2026,CR1,Judge A,2026-03-27T11:00:00+01:00,2026-03-27T12:30:00+01:00
            """)
        let ics = RegistryImportTests.calendar.replacingOccurrences(of: "LOCATION:CR3", with: "LOCATION:Courtroom 2")
        let report = try r.load("hearings", ics, name: "court.ics")
        #expect(report.created == 2 && report.format == "ics")
        let ids = try r.record("REC-1", [("a.wav", "2026-03-27T08:00:00Z", 60), ("b.wav", "2026-03-27T10:00:00Z", 60),
                                         ("c.wav", "2026-03-27T11:30:00Z", 60)])
        #expect(try ids.map { try r.item($0).tags.hearing } == ["H-1", "H-3", nil], "a recording at the end of H-3 is in no hearing")
        #expect(try r.item(ids[0]).tags.case == "K-1/2026" && r.item(ids[0]).tags.courtroom == "CR1")
        // 2026-03-29 in Belgrade: 09:00 local is 07:00Z (summer time began at 02:00 that night).
        let dst = try r.record("REC-3", [("d.wav", "2026-03-29T06:59:59Z", 1), ("e.wav", "2026-03-29T07:00:00Z", 1),
                                         ("f.wav", "2026-03-29T09:29:59Z", 1), ("g.wav", "2026-03-29T09:30:00Z", 1)])
        #expect(try dst.map { try r.item($0).tags.hearing } == [nil, "H-2026-0142", "H-2026-0142", nil])
        let cr2 = try r.record("REC-2", [("h.wav", "2026-03-30T12:44:59Z", 1)])
        #expect(try r.item(cr2[0]).tags.hearing == "H-2026-0143" && r.item(cr2[0]).tags.case == "K-18/2026")
        let clash = r.importError("hearings", "id,case,courtroom,judge,start,end\nH-9,K-9,CR2,Judge C,2026-03-27T11:59:00+01:00,2026-03-27T13:00:00+01:00\n")
        #expect(clash?.errors.first?.message.contains("overlaps hearing H-2") == true)
        let unknown = r.importError("hearings", "id,case,courtroom,judge,start,end\nH-9,K-9,CR9,Judge C,2026-04-01T09:00:00Z,2026-04-01T10:00:00Z\n")
        #expect(unknown?.errors.first.map { "\($0.line):\($0.field ?? ""):\($0.value ?? "")" } == "2:courtroom:CR9")
        #expect(try r.store.cases().map(\.number) == ["K-1/2026", "K-17/2026", "K-18/2026", "K-2/2026"])
    }

    @Test("the device's clock offset, when checked, is applied before tagging and recorded on the item")
    func clockOffset() throws {
        let r = try RegistryFixture()
        defer { r.remove() }
        try r.load("officers", "badge,name,unit\nB-1,Ana,North\nB-2,Bo,North\n")
        try r.load("assignments", "device_serial,badge,from,to\nBWC-1,B-1,2026-03-14T06:00:00Z,2026-03-14T14:00:00Z\nBWC-1,B-2,2026-03-14T14:00:00Z,\n")
        let check = try r.store.recordClockCheck(device: "BWC-1", offsetSeconds: 150, dockID: nil, actor: r.f.operatorCaller)
        #expect(check.source == "operator")
        // The camera says 14:01:00; it runs 150 s fast, so it was 13:58:30: B-1's shift.
        let ids = try r.record("BWC-1", [("clip.mp4", "2026-03-14T14:01:00Z", 5), ("late.mp4", "2026-03-14T14:03:00Z", 5)])
        let first = try r.item(ids[0])
        #expect(first.tags.officer == "B-1" && first.clockOffsetSeconds == 150)
        #expect(first.correctedRecordedAt == "2026-03-14T13:58:30.000Z" && first.recordedAt == "2026-03-14T14:01:00.000Z")
        #expect(try r.item(ids[1]).tags.officer == "B-2")
        #expect(try r.events("item:\(ids[0])").first?.detail["clockOffsetSeconds"] == .number(150))
        // A check more than a day before the job no longer applies.
        r.clock.advance(by: 25 * 3600)
        let stale = try r.record("BWC-1", [("next.mp4", "2026-03-14T14:01:00Z", 5)])
        #expect(try r.item(stale[0]).clockOffsetSeconds == nil && r.item(stale[0]).tags.officer == "B-2")
    }

    @Test("the store tags with the Tagger it is given: a check two hours old applies under a day's validity, not under an hour's")
    func storeRunsItsTagger() throws {
        for (tagger, offset, officer) in [(Tagger(), 150 as Int?, "B-1"), (Tagger(clockCheckValidity: 3600), nil, "B-2")] {
            let r = try RegistryFixture(tagger: tagger)
            defer { r.remove() }
            try r.load("officers", "badge,name,unit\nB-1,Ana,North\nB-2,Bo,North\n")
            try r.load("assignments", "device_serial,badge,from,to\nBWC-1,B-1,2026-03-14T06:00:00Z,2026-03-14T14:00:00Z\nBWC-1,B-2,2026-03-14T14:00:00Z,\n")
            _ = try r.store.recordClockCheck(device: "BWC-1", offsetSeconds: 150, dockID: nil, actor: r.f.operatorCaller)
            r.clock.advance(by: 2 * 3600)
            // The camera says 14:01:00: 13:58:30 (B-1's shift) if its 150 s offset applies, else B-2's.
            let id = try r.record("BWC-1", [("clip.mp4", "2026-03-14T14:01:00Z", 5)])[0]
            #expect(try r.item(id).clockOffsetSeconds == offset && r.item(id).tags.officer == officer)
            #expect(try r.events("item:\(id)").first?.detail["officer"] == .string(officer))
        }
    }

    @Test("recordings stored before the registry knew are tagged when it learns; a person's tag is never overridden")
    func retagAfterImport() throws {
        let r = try RegistryFixture()
        defer { r.remove() }
        let ids = try r.record("BWC-1", [("a.mp4", "2026-03-14T08:00:00Z", 5), ("b.mp4", "2026-03-14T09:00:00Z", 5)])
        #expect(try r.item(ids[0]).tags.officer == nil)
        try r.load("officers", "badge,name,unit\nB-1,Ana,North\nB-2,Bo,North\nB-3,Cy,North\n")
        _ = try r.store.tag(TagChange(item: ids[1], officer: "B-3"), categories: ["unclassified"], actor: r.supervisor)
        let report = try r.load("assignments", "device_serial,badge,from,to\nBWC-1,B-1,2026-03-14T06:00:00Z,\n")
        #expect(report.retagged == 1)
        #expect(try r.item(ids[0]).tags.officer == "B-1" && r.item(ids[1]).tags.officer == "B-3")
        let auto = try r.events("item:\(ids[0])").last!
        #expect(auto.action == "item.tag" && auto.detail["by"] == .string("auto") && auto.detail["officer.was"] == .null)
        #expect(auto.detail["reason"] == .string("import of assignments.csv") && auto.actor.uid == 1002)
        // Moving the start of the assignment past the recording untags it again, with an event.
        try r.load("assignments", "device_serial,badge,from,to\nBWC-1,B-1,2026-03-14T06:00:00Z,2026-03-14T07:00:00Z\nBWC-1,B-2,2026-03-14T07:00:00Z,\n")
        #expect(try r.item(ids[0]).tags.officer == "B-2")
        #expect(try r.events("item:\(ids[0])").filter { $0.action == "item.tag" }.count == 2)
    }

    @Test("a person's tags: every change an event with the old value, a hearing brings its case, notes accumulate")
    func manualTags() throws {
        let r = try RegistryFixture()
        defer { r.remove() }
        try r.load("officers", "badge,name,unit\nB-1,Ana,North\nB-2,Bo,North\n")
        try r.load("courtrooms", Self.courtrooms)
        try r.load("hearings", "id,case,courtroom,judge,start,end\nH-1,K-1,CR1,Judge A,2026-03-16T09:00:00Z,2026-03-16T10:00:00Z\n")
        let id = try r.record(nil, [("x.wav", "2026-03-16T09:30:00Z", 5)])[0]
        let categories: Set<String> = ["unclassified", "evidential"]
        var item = try r.store.tag(TagChange(item: id, officer: "B-1", note: "first note"), categories: categories, actor: r.supervisor)
        #expect(item.tags.officer == "B-1" && item.notes == ["first note"])
        item = try r.store.tag(TagChange(item: id, officer: "B-2", hearing: "H-1", category: "evidential", note: "second"),
                               categories: categories, actor: r.supervisor)
        #expect(item.tags == ItemTags(officer: "B-2", hearing: "H-1", case: "K-1", category: "evidential", courtroom: "CR1"))
        #expect(item.notes == ["first note", "second"])
        let events = try r.events("item:\(id)").filter { $0.action == "item.tag" }
        #expect(events.count == 2)
        #expect(events[1].detail["officer"] == .string("B-2") && events[1].detail["officer.was"] == .string("B-1"))
        #expect(events[1].detail["case"] == .string("K-1") && events[1].detail["case.was"] == .null)
        #expect(events[1].detail["category.was"] == .string("unclassified") && events[1].detail["by"] == .string("manual"))
        // The same again: nothing changes, no event.
        _ = try r.store.tag(TagChange(item: id, officer: "B-2"), categories: categories, actor: r.supervisor)
        #expect(try r.events("item:\(id)").filter { $0.action == "item.tag" }.count == 2)
        item = try r.store.tag(TagChange(item: id, officer: ""), categories: categories, actor: r.supervisor)
        #expect(item.tags.officer == nil)
        var q = ItemQuery()
        q.text = "second"
        #expect(try r.store.items(q).items.map(\.id) == [id])
        #expect(throws: RegistryError(.notFound, "no category \"bogus\" (configured: evidential, unclassified)")) {
            try r.store.tag(TagChange(item: id, category: "bogus"), categories: categories, actor: r.supervisor)
        }
        #expect(throws: RegistryError.self) { try r.store.tag(TagChange(item: id), categories: categories, actor: r.supervisor) }
        #expect(throws: RegistryError(.notFound, "no hearing H-9")) {
            try r.store.tag(TagChange(item: id, hearing: "H-9"), categories: categories, actor: r.supervisor)
        }
    }

    @Test("shift checkout and checkin from a pool")
    func checkoutCheckin() throws {
        let r = try RegistryFixture()
        defer { r.remove() }
        try r.load("officers", "badge,name,unit\nB-1,Ana,North\nB-2,Bo,North\n")
        try r.load("devices", "serial,model\nPOOL-1,Camera\nBWC-9,Camera\n")
        try r.load("assignments", "device_serial,badge,from,to\nBWC-9,B-2,2026-01-01T00:00:00Z,\n")
        let start = r.clock.now()
        let out = try r.store.checkout(device: "POOL-1", badge: "B-1", actor: r.f.operatorCaller)
        #expect(out.kind == "shift" && out.from == RFC3339.format(start) && out.to == nil)
        #expect(throws: RegistryError.self) { try r.store.checkout(device: "POOL-1", badge: "B-2", actor: r.f.operatorCaller) }
        #expect(throws: RegistryError.self) { try r.store.checkout(device: "BWC-9", badge: "B-1", actor: r.f.operatorCaller) }
        #expect(throws: RegistryError(.notFound, "no officer with badge B-7 (custodyctl officers lists them; import officers first)")) {
            try r.store.checkout(device: "POOL-1", badge: "B-7", actor: r.f.operatorCaller)
        }
        r.clock.advance(by: 8 * 3600)
        let back = try r.store.checkin(device: "POOL-1", actor: r.f.operatorCaller)
        #expect(back.to == RFC3339.format(start + 8 * 3600))
        #expect(throws: RegistryError.self) { try r.store.checkin(device: "POOL-1", actor: r.f.operatorCaller) }
        #expect(throws: RegistryError.self) { try r.store.checkin(device: "BWC-9", actor: r.f.operatorCaller) }
        let ids = try r.record("POOL-1", [("in.mp4", RFC3339.format(start + 3600), 5), ("out.mp4", RFC3339.format(start + 9 * 3600), 5)])
        #expect(try ids.map { try r.item($0).tags.officer } == ["B-1", nil])
        #expect(try r.events("device:POOL-1").map(\.action) == ["device.register", "device.checkout", "device.checkin"])
    }

    @Test("a hearing's actual times, from its recordings, move the recordings into it")
    func hearingActual() throws {
        let r = try RegistryFixture()
        defer { r.remove() }
        try r.load("courtrooms", Self.courtrooms)
        try r.load("devices", Self.recorders)
        try r.load("hearings", "id,case,courtroom,judge,start,end\nH-1,K-1,CR1,Judge A,2026-03-16T09:00:00Z,2026-03-16T10:00:00Z\n")
        let ids = try r.record("REC-1", [("overrun.wav", "2026-03-16T10:10:00Z", 300)])
        #expect(try r.item(ids[0]).tags.hearing == nil)
        let h = try r.store.recordHearingActual(hearing: "H-1", start: t("2026-03-16T09:05:00Z"), end: t("2026-03-16T10:20:00Z"),
                                                actor: .daemon)
        #expect(h.actualStart == "2026-03-16T09:05:00.000Z" && h.actualEnd == "2026-03-16T10:20:00.000Z")
        #expect(try r.item(ids[0]).tags.hearing == "H-1" && r.item(ids[0]).tags.case == "K-1")
        #expect(try r.events("hearing:H-1").last?.action == "hearing.actual")
        #expect(throws: RegistryError.self) {
            try r.store.recordHearingActual(hearing: "H-1", start: nil, end: t("2026-03-16T09:00:00Z"), actor: .daemon)
        }
        #expect(throws: RegistryError(.notFound, "no hearing H-2")) {
            try r.store.recordHearingActual(hearing: "H-2", start: nil, end: nil, actor: .daemon)
        }
    }
}

@Suite("Holds and retention")
struct RetentionStoreTests {
    static let periods = ["unclassified": 0, "non-evidential": 31, "evidential": 2557]

    @Test("an expired item loses its blob and keeps its record; held items and held cases survive")
    func retention() throws {
        let r = try RegistryFixture()
        defer { r.remove() }
        // Ingested at 2026-09-21T14:13:20Z; a period counts from the later of recording and ingest.
        var ids = try r.record(nil, [("expired.mp4", "2026-09-01T08:00:00Z", 5), ("held.mp4", "2026-09-01T09:00:00Z", 5),
                                     ("case.mp4", "2026-09-01T10:00:00Z", 5)])
        r.clock.advance(by: 40 * 86_400)
        ids += try r.record(nil, [("young.mp4", "2026-09-01T10:00:00Z", 5)])
        ids += try r.record(nil, [("unclassified.mp4", "2020-01-01T10:00:00Z", 5), ("kept-longer.mp4", "2026-01-01T11:00:00Z", 5)])
        let categories = Set(Self.periods.keys)
        for (i, category) in [(0, "non-evidential"), (1, "non-evidential"), (2, "non-evidential"), (3, "non-evidential"), (5, "evidential")] {
            _ = try r.store.tag(TagChange(item: ids[i], category: category), categories: categories, actor: r.supervisor)
        }
        _ = try r.store.tag(TagChange(item: ids[2], case: "K-5/2026"), categories: categories, actor: r.supervisor)
        let itemHold = try r.store.placeHold(item: ids[1], caseNumber: nil, reason: "complaint 3/2026", actor: r.supervisor)
        let caseHold = try r.store.placeHold(item: nil, caseNumber: "K-5/2026", reason: "appeal", actor: r.supervisor)
        #expect(caseHold.case == "K-5/2026" && itemHold.item == ids[1])

        let plan = try r.store.makeRetentionPlan(periods: Self.periods, actor: r.supervisor)
        #expect(plan.expired.map(\.item) == [ids[0]])
        #expect(plan.held.map(\.item) == [ids[1], ids[2]])
        #expect(plan.expired[0].reason == "category non-evidential keeps recordings 31 days; expired 2026-10-22T14:13:20.000Z (counted from its ingest, the later of the two)")
        #expect(plan.held[1].reason.contains("hold \(caseHold.id) on case K-5/2026 (appeal"))
        #expect(try r.events("retention:\(plan.id)").first?.action == "retention.plan")

        let sha = try r.item(ids[0]).sha256
        let result = try r.store.applyRetentionPlan(plan.id, periods: Self.periods, actor: r.supervisor)
        #expect(result.deleted == [ids[0]] && result.blobsDeleted == 1 && result.kept.isEmpty)
        let gone = try r.item(ids[0])
        #expect(gone.sha256 == sha && gone.deletedAt == RFC3339.format(r.clock.now()))
        #expect(!FileManager.default.fileExists(atPath: r.store.blobPath(sha)))
        let tombstone = try r.events("item:\(ids[0])").last!
        #expect(tombstone.action == "item.delete" && tombstone.detail["sha256"] == .string(sha) && tombstone.detail["plan"] == .number(Double(plan.id)))
        for survivor in ids.dropFirst() {
            let item = try r.item(survivor)
            #expect(item.deletedAt == nil && FileManager.default.fileExists(atPath: r.store.blobPath(item.sha256)))
        }
        #expect(throws: RegistryError.self) { try r.store.applyRetentionPlan(plan.id, periods: Self.periods, actor: r.supervisor) }
        // The index and the disk agree: recovery finds nothing missing; verify --full skips the deleted blob.
        #expect(try r.store.recover().missingBlobs.isEmpty)
    }

    @Test("deletion needs a plan made today, and re-checks holds placed since the plan")
    func planSameDay() throws {
        let r = try RegistryFixture()
        defer { r.remove() }
        let ids = try r.record(nil, [("a.mp4", "2026-01-01T08:00:00Z", 5), ("b.mp4", "2026-01-01T09:00:00Z", 5)])
        r.clock.advance(by: 40 * 86_400)
        for id in ids {
            _ = try r.store.tag(TagChange(item: id, category: "non-evidential"), categories: Set(Self.periods.keys), actor: r.supervisor)
        }
        let old = try r.store.makeRetentionPlan(periods: Self.periods, actor: r.supervisor)
        r.clock.advance(by: 86_400)
        do {
            _ = try r.store.applyRetentionPlan(old.id, periods: Self.periods, actor: r.supervisor)
            Issue.record("a plan from yesterday was applied")
        } catch let e as RegistryError {
            #expect(e.code == .conflict && e.message.contains("deletion needs a plan made today"))
        }
        let plan = try r.store.makeRetentionPlan(periods: Self.periods, actor: r.supervisor)
        #expect(plan.expired.count == 2)
        _ = try r.store.placeHold(item: ids[1], caseNumber: nil, reason: "late request", actor: r.supervisor)
        let result = try r.store.applyRetentionPlan(plan.id, periods: Self.periods, actor: r.supervisor)
        #expect(result.deleted == [ids[0]] && result.kept.map(\.item) == [ids[1]])
        #expect(result.kept[0].reason.contains("late request"))
        #expect(try r.item(ids[1]).deletedAt == nil)
    }

    @Test("a blob another kept item shares stays")
    func sharedBlob() throws {
        let r = try RegistryFixture()
        defer { r.remove() }
        let same: (String) -> [UInt8] = { _ in Array("the same bytes from two cards".utf8) }
        let a = try r.record(nil, [("a.mp4", "2026-01-01T08:00:00Z", 5)], bytes: same)[0]
        let b = try r.record(nil, [("b.mp4", "2026-01-01T08:00:00Z", 5)], bytes: same)[0]
        r.clock.advance(by: 40 * 86_400)
        _ = try r.store.tag(TagChange(item: a, category: "non-evidential"), categories: Set(Self.periods.keys), actor: r.supervisor)
        let plan = try r.store.makeRetentionPlan(periods: Self.periods, actor: r.supervisor)
        #expect(plan.bytes == 0, "nothing is freed: the other item keeps the blob")
        let result = try r.store.applyRetentionPlan(plan.id, periods: Self.periods, actor: r.supervisor)
        #expect(result.deleted == [a] && result.blobsDeleted == 0)
        #expect(FileManager.default.fileExists(atPath: r.store.blobPath(try r.item(b).sha256)))
    }

    @Test("holds: a reason is required, releasing one is recorded, a released hold stays released")
    func holds() throws {
        let r = try RegistryFixture()
        defer { r.remove() }
        let id = try r.record(nil, [("a.mp4", "2026-01-01T08:00:00Z", 5)])[0]
        #expect(throws: RegistryError.self) { try r.store.placeHold(item: id, caseNumber: nil, reason: " ", actor: r.supervisor) }
        #expect(throws: RegistryError.self) { try r.store.placeHold(item: id, caseNumber: "K-1", reason: "x", actor: r.supervisor) }
        #expect(throws: RegistryError(.notFound, "no item 99")) { try r.store.placeHold(item: 99, caseNumber: nil, reason: "x", actor: r.supervisor) }
        let hold = try r.store.placeHold(item: id, caseNumber: nil, reason: "order 7", actor: r.supervisor)
        let released = try r.store.releaseHold(hold.id, reason: "order lifted", actor: r.supervisor)
        #expect(!released.active && released.releaseReason == "order lifted" && released.releasedBy?.uid == 1002)
        #expect(throws: RegistryError.self) { try r.store.releaseHold(hold.id, reason: "again", actor: r.supervisor) }
        #expect(try r.store.holds(activeOnly: true).isEmpty && r.store.holds(activeOnly: false).count == 1)
        #expect(try r.events("item:\(id)").map(\.action).suffix(2) == ["hold.place", "hold.release"])
    }
}

@Suite("Gaps")
struct GapStoreTests {
    @Test("each gap names what is missing")
    func gaps() throws {
        let r = try RegistryFixture()
        defer { r.remove() }
        try r.load("officers", "badge,name,unit\nB-1,Ana,North\n")
        try r.load("courtrooms", RegistryStoreTests.courtrooms)
        try r.load("devices", RegistryStoreTests.recorders)
        try r.load("assignments", "device_serial,badge,from,to\nBWC-1,B-1,2026-03-14T06:00:00Z,2026-03-14T14:00:00Z\nBWC-2,B-1,2026-09-01T00:00:00Z,\n")
        try r.load("hearings", """
            id,case,courtroom,judge,start,end
            H-1,K-1,CR1,Judge A,2026-03-16T09:00:00Z,2026-03-16T10:00:00Z
            H-2,K-2,CR2,Judge B,2026-03-16T09:00:00Z,2026-03-16T10:00:00Z
            H-3,K-3,CR1,Judge A,2026-03-16T10:00:00Z,2026-03-16T11:00:00Z
            H-4,K-4,CR1,Judge A,2099-01-01T10:00:00Z,2099-01-01T11:00:00Z
            """)
        try r.record("REC-1", [("s1.wav", "2026-03-16T09:00:00Z", 1200), ("s2.wav", "2026-03-16T09:20:30Z", 1200),
                               ("s3.wav", "2026-03-16T09:41:00Z", 840), ("s4.wav", "2026-03-16T10:00:00Z", 3600)])
        let unassigned = try r.record("BWC-1", [("ok.mp4", "2026-03-14T07:00:00Z", 5), ("after.mp4", "2026-03-14T15:00:00Z", 5)])
        try r.record("BWC-7", [("stray.mp4", "2026-03-14T15:00:00Z", 5)])
        _ = try r.store.recordClockCheck(device: "BWC-1", offsetSeconds: -400, dockID: nil, actor: r.f.operatorCaller)
        _ = try r.store.recordClockCheck(device: "REC-1", offsetSeconds: 30, dockID: nil, actor: r.f.operatorCaller)
        var q = GapQuery()
        q.undockedSeconds = 24 * 3600
        let report = try r.store.gaps(q)
        let lines = report.gaps.map { "\($0.kind) \($0.subject)" }
        #expect(lines == ["hearing-hole hearing:H-1", "hearing-unrecorded hearing:H-2", "device-undocked device:BWC-2",
                          "item-unassigned item:\(unassigned[1])", "item-unassigned item:\(unassigned[1] + 1)", "clock-drift device:BWC-1"])
        let hole = report.gaps[0]
        #expect(hole.from == "2026-03-16T09:55:00.000Z" && hole.to == "2026-03-16T10:00:00.000Z" && hole.seconds == 300)
        #expect(hole.message.contains("no recording from 2026-03-16T09:55:00.000Z to 2026-03-16T10:00:00.000Z (300 s)"))
        #expect(report.gaps[1].message.contains("sat 2026-03-16T09:00:00.000Z to 2026-03-16T10:00:00.000Z and has no recording"))
        #expect(report.gaps[2].message.contains("has never docked") && report.gaps[2].officer == "B-1")
        #expect(report.gaps[3].message.contains("by BWC-1, which had no assignee then"))
        #expect(report.gaps[4].message.contains("by BWC-7, which is not registered"))
        #expect(report.gaps[5].seconds == -400 && report.gaps[5].message.contains("400 s behind"))
        // Bounds: only March 14 recordings; a limit truncates.
        q.from = t("2026-03-14T00:00:00Z")
        q.to = t("2026-03-15T00:00:00Z")
        q.limit = 1
        let narrow = try r.store.gaps(q)
        #expect(narrow.truncated && narrow.gaps.map(\.kind) == ["device-undocked", "item-unassigned"])
    }
}

@Suite("Index migration v4")
struct RegistryMigrationTests {
    @Test("an index from v3 gains the registry; its items keep their times and stay searchable")
    func fromV3() throws {
        let dir = try TemporaryDirectory("custody-v3")
        defer { dir.remove() }
        let path = dir.path + "/state"
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        let queue = try DatabaseQueue(path: path + "/index.sqlite")
        try IndexMigrations.migrator().migrate(queue, upTo: "v3")
        try queue.write { db in
            try db.execute(sql: """
                INSERT INTO sources (kind, key, root, device_serial, created_at) VALUES ('device', 'device:BWC-1:/c', '/c', 'BWC-1', '2026-01-01T00:00:00.000Z');
                INSERT INTO blobs (sha256, size, stored_at) VALUES ('\(String(repeating: "a", count: 64))', 1, '2026-01-01T00:00:00.000Z');
                INSERT INTO items (sha256, size, media_type, container, recorded_at, recorded_at_source, ingested_at, source_id, source_path)
                VALUES ('\(String(repeating: "a", count: 64))', 1, 'video/mp4', 'mp4', '2026-01-01T08:00:00.000Z', 'mp4.mvhd',
                        '2026-01-02T00:00:00.000Z', 1, 'DCIM/OLDCLIP.MP4');
                """)
        }
        try queue.close()
        let store = try LocalStore(stateDirectory: path)
        var q = ItemQuery()
        q.text = "oldclip"
        let found = try store.items(q).items
        #expect(found.count == 1 && found[0].source.device == "BWC-1" && found[0].tags.courtroom == nil)
        q = ItemQuery()
        q.device = "BWC-1"
        #expect(try store.items(q).total == 1)
        #expect(try store.officers(unit: nil).isEmpty)
    }
}
