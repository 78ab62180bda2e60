import CustodyCore
import CustodyModel
import CustodyTestSupport
import Foundation
import Synchronization
import Testing
@testable import CustodyStore

extension RegistryFixture {
    /// Ingests one file (`bytes`) at `path` under `root` (the same root is the same
    /// source), recorded at `recordedAt` as its medium claims; returns what the job did.
    @discardableResult
    func ingestOne(root: String, path: String, bytes: [UInt8], recordedAt: Date, device: String? = nil) throws -> Job {
        let job = try store.createJob(JobPlan(root: root, deviceSerial: device, files: [PlannedFile(path: path, size: Int64(bytes.count), modifiedAt: nil)]),
                                      caller: f.operatorCaller)
        let staged = try f.stage(bytes)
        let facts = StoredFileFacts(sha256: staged.sha256, size: Int64(bytes.count), mediaType: "video/mp4", container: "mp4",
                                    recordedAt: recordedAt, recordedAtSource: "mp4.mvhd", utcOffsetSeconds: nil, durationSeconds: 5,
                                    metadataProblems: [], fileModifiedAt: nil)
        try store.installAndCommit([staged], [FileOutcome(path: path, size: facts.size, result: .stored(facts))], job: job)
        return try #require(try store.job(job.jobID, withFiles: true))
    }

    func expire(_ item: Int64) throws {
        _ = try store.tag(TagChange(item: item, category: "non-evidential"), categories: Set(RetentionStoreTests.periods.keys), actor: supervisor)
    }
}

@Suite("Retention counts from the later of recording and ingest; implausible recording times are flagged")
struct RetentionTimeTests {
    static let periods = RetentionStoreTests.periods
    /// 1999-06-01T12:00:00Z: a camera whose clock was reset.
    static let reset = Date(timeIntervalSince1970: 928_238_400)

    @Test("a recording a reset clock dates 1999 is kept its whole period from its ingest, and its time is flagged")
    func resetClock() throws {
        let r = try RegistryFixture()
        defer { r.remove() }
        let job = try r.ingestOne(root: "/media/cam", path: "CLIP0001.MP4", bytes: Array("today's evidence".utf8), recordedAt: Self.reset)
        let id = try #require(job.files?.first?.itemId)
        try r.expire(id)
        let item = try r.item(id)
        #expect(item.recordedAt == "1999-06-01T12:00:00.000Z", "the time the medium claims is kept as evidence of what it said")
        #expect(item.recordedAtImplausible?.contains("before 2000-01-01") == true, "\(item)")
        let store = try #require(try r.events("item:\(id)").first { $0.action == "item.store" })
        #expect(store.detail["recordedAtImplausible"] == item.recordedAtImplausible.map { .string($0) })

        r.clock.advance(by: 86_400)
        let plan = try r.store.makeRetentionPlan(periods: Self.periods, actor: r.supervisor)
        #expect(plan.expired.isEmpty && plan.held.isEmpty, "ingested yesterday: 31 days have not passed (\(plan.expired))")
        #expect(try r.store.applyRetentionPlan(plan.id, periods: Self.periods, actor: r.supervisor).deleted.isEmpty)

        r.clock.advance(by: 31 * 86_400)
        let later = try r.store.makeRetentionPlan(periods: Self.periods, actor: r.supervisor)
        #expect(later.expired.map(\.item) == [id])
        #expect(later.expired.first?.expiresAt == RFC3339.format(Date(timeIntervalSince1970: 1_790_000_000 + 31 * 86_400)))
        #expect(later.expired.first?.reason.contains("counted from its ingest") == true)
    }

    @Test("a recording time in year 1, in year 0 or before: retention, gaps and the item answer, nothing traps", arguments: [
        -62_135_596_800.0, -62_135_596_800.0 - 14 * 3600, -62_167_219_200.0 - 400 * 86_400, -1e13,
    ])
    func ancientTimes(seconds: Double) throws {
        let r = try RegistryFixture()
        defer { r.remove() }
        try r.load("courtrooms", RegistryStoreTests.courtrooms)
        try r.load("devices", RegistryStoreTests.recorders)
        try r.load("hearings", "id,case,courtroom,judge,start,end\nH-1,K-1,CR1,Judge A,2026-03-16T09:00:00Z,2026-03-16T10:00:00Z\n")
        let job = try r.ingestOne(root: "/media/rec", path: "S1.WAV", bytes: Array("ancient \(seconds)".utf8),
                                  recordedAt: Date(timeIntervalSince1970: seconds), device: "REC-1")
        let id = try #require(job.files?.first?.itemId)
        _ = try r.store.tag(TagChange(item: id, hearing: "H-1"), categories: Set(Self.periods.keys), actor: r.supervisor)
        try r.expire(id)
        let item = try r.item(id)
        #expect(item.recordedAt.hasPrefix("000"), "years 0000–0001, bounded: \(item.recordedAt)")
        #expect(RFC3339.parse(item.recordedAt) != nil)
        #expect(item.recordedAtImplausible != nil)
        r.clock.advance(by: 86_400)
        let plan = try r.store.makeRetentionPlan(periods: Self.periods, actor: r.supervisor)
        #expect(plan.expired.isEmpty, "kept: ingested a day ago")
        _ = try r.store.applyRetentionPlan(plan.id, periods: Self.periods, actor: r.supervisor)
        #expect(try r.item(id).deletedAt == nil)
        let report = try r.store.gaps(GapQuery())
        #expect(report.gaps.contains { $0.hearing == "H-1" })
    }

    @Test("a recording time more than a day after its ingest is flagged; one within the day is not")
    func futureTimes() throws {
        let r = try RegistryFixture()
        defer { r.remove() }
        let now = r.clock.now()
        let ahead = try r.ingestOne(root: "/media/a", path: "A.MP4", bytes: [1], recordedAt: now.addingTimeInterval(2 * 86_400))
        let zone = try r.ingestOne(root: "/media/b", path: "B.MP4", bytes: [2], recordedAt: now.addingTimeInterval(14 * 3600))
        let fine = try r.ingestOne(root: "/media/c", path: "C.MP4", bytes: [3], recordedAt: now.addingTimeInterval(-3600))
        let ids = try [ahead, zone, fine].map { try #require($0.files?.first?.itemId) }
        #expect(try r.item(ids[0]).recordedAtImplausible?.contains("more than a day after") == true)
        #expect(try r.item(ids[1]).recordedAtImplausible == nil)
        #expect(try r.item(ids[2]).recordedAtImplausible == nil)
    }
}

@Suite("A file retention deleted is stored again")
struct ReacquisitionTests {
    static let periods = RetentionStoreTests.periods

    @Test("the same file from the same source, after retention deleted its copy, is a new item with its blob")
    func storedAgain() throws {
        let r = try RegistryFixture()
        defer { r.remove() }
        let bytes = Array("CLIP0042 from the same card".utf8)
        let first = try r.ingestOne(root: "/media/card", path: "DCIM/CLIP0042.MP4", bytes: bytes, recordedAt: r.clock.now())
        let old = try #require(first.files?.first?.itemId)
        try r.expire(old)
        r.clock.advance(by: 40 * 86_400)
        let plan = try r.store.makeRetentionPlan(periods: Self.periods, actor: r.supervisor)
        #expect(try r.store.applyRetentionPlan(plan.id, periods: Self.periods, actor: r.supervisor).deleted == [old])
        let sha = try r.item(old).sha256
        #expect(!FileManager.default.fileExists(atPath: r.store.blobPath(sha)))
        let source = try #require(try r.store.jobContext(first.id)).sourceID
        #expect(try r.store.knownFiles(sourceID: source).isEmpty, "a deleted item is not a known file")

        let again = try r.ingestOne(root: "/media/card", path: "DCIM/CLIP0042.MP4", bytes: bytes, recordedAt: r.clock.now())
        #expect(again.stored == 1 && again.duplicates == 0, "\(again)")
        let new = try #require(again.files?.first?.itemId)
        #expect(new != old)
        #expect(try r.item(new).deletedAt == nil && r.item(old).deletedAt != nil)
        #expect(try r.store.rehashBlob(sha) == sha, "the bytes are stored again")
        #expect(try r.store.recover().missingBlobs.isEmpty)
        #expect(try r.store.knownFiles(sourceID: source)["DCIM/CLIP0042.MP4"]?.itemID == new)
    }

    @Test("retention removing a blob while the same bytes are ingested again leaves the new item its blob")
    func removalRace() throws {
        let r = try RegistryFixture()
        defer { r.remove() }
        let bytes = Array("the same bytes, ingested while retention deletes them".utf8)
        let old = try #require(try r.ingestOne(root: "/media/one", path: "A.MP4", bytes: bytes, recordedAt: r.clock.now()).files?.first?.itemId)
        try r.expire(old)
        r.clock.advance(by: 40 * 86_400)
        let plan = try r.store.makeRetentionPlan(periods: Self.periods, actor: r.supervisor)
        // Retention has committed the deletion to the index and is about to unlink the
        // blob: exactly then, the same bytes arrive from another card and are committed
        // (their install finds the blob still there).
        let reingested = Mutex<Job?>(nil)
        r.store.blobLifecycle.beforeRemoval.withLock { hook in
            hook = { shas in
                guard reingested.withLock({ $0 == nil }), let again = try? r.ingestOne(root: "/media/two", path: "B.MP4", bytes: bytes, recordedAt: r.clock.now())
                else { return }
                reingested.withLock { $0 = again }
                #expect(shas.contains(again.files?.first?.sha256 ?? ""))
            }
        }
        let result = try r.store.applyRetentionPlan(plan.id, periods: Self.periods, actor: r.supervisor)
        #expect(result.deleted == [old])
        let again = try #require(reingested.withLock { $0 })
        let new = try #require(again.files?.first?.itemId)
        let item = try r.item(new)
        #expect(item.deletedAt == nil)
        #expect(FileManager.default.fileExists(atPath: r.store.blobPath(item.sha256)), "the verified item's blob is there")
        #expect(try r.store.rehashBlob(item.sha256) == item.sha256)
        #expect(try r.store.recover().missingBlobs.isEmpty)
    }
}
