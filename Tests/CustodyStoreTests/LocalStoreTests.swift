import CustodyCore
import CustodyLedger
import CustodyModel
import CustodyTagging
import CustodyTestSupport
import Crypto
import Foundation
import GRDB
import Testing
@testable import CustodyStore

/// A store in a fresh directory, with helpers to stage real blobs.
struct StoreFixture {
    let dir: TemporaryDirectory
    let clock = FakeWallClock()
    let store: LocalStore
    let operatorCaller = Caller(uid: 1001, gid: 1001, name: "ana", roles: [.operator_])

    init(tagger: Tagger = Tagger()) throws {
        dir = try TemporaryDirectory("custody-store")
        store = try LocalStore(stateDirectory: dir.path + "/state", clock: clock, tagger: tagger)
    }

    /// Writes bytes into a staged blob and returns it with their hash.
    func stage(_ bytes: [UInt8]) throws -> (TemporaryBlob, sha256: String) {
        let blob = try store.stageBlob()
        _ = bytes.withUnsafeBytes { write(blob.fd, $0.baseAddress, $0.count) }
        return (blob, SHA256.hash(data: bytes).hexString)
    }

    func facts(_ sha: String, size: Int, recordedAt: Date = Date(timeIntervalSince1970: 1_773_480_413)) -> StoredFileFacts {
        StoredFileFacts(sha256: sha, size: Int64(size), mediaType: "video/mp4", container: "mp4", recordedAt: recordedAt,
                        recordedAtSource: "mp4.mvhd", utcOffsetSeconds: nil, durationSeconds: 3.5, metadataProblems: [],
                        fileModifiedAt: Date(timeIntervalSince1970: 1_775_000_000))
    }

    /// Creates a job for `root` with these paths and stores each with `bytes(path)`.
    @discardableResult
    func ingest(root: String, paths: [String], bytes: (String) -> [UInt8]) throws -> JobContext {
        let job = try store.createJob(JobPlan(root: root, deviceSerial: nil, files: paths.map {
            PlannedFile(path: $0, size: Int64(bytes($0).count), modifiedAt: nil)
        }), caller: operatorCaller)
        var staged: [(TemporaryBlob, sha256: String)] = []
        var outcomes: [FileOutcome] = []
        for p in paths {
            let b = bytes(p)
            let s = try stage(b)
            staged.append(s)
            outcomes.append(FileOutcome(path: p, size: Int64(b.count), result: .stored(facts(s.sha256, size: b.count))))
        }
        _ = try store.installBlobs(staged)
        try store.commit(outcomes, job: job)
        return job
    }
}

@Suite("Local store")
struct LocalStoreTests {
    @Test("commits are durable: the writer runs with synchronous=FULL (GRDB's WAL setup would leave NORMAL)")
    func durableCommits() throws {
        let f = try StoreFixture()
        let level = try f.store.db.writeWithoutTransaction { try Int.fetchOne($0, sql: "PRAGMA synchronous") }
        #expect(level == 2, "2 is FULL: the WAL is synced at every commit")
        let mode = try f.store.db.writeWithoutTransaction { try String.fetchOne($0, sql: "PRAGMA journal_mode") }
        #expect(mode == "wal")
    }

    @Test("a blob is installed under its hash, read-only, and re-hashes to it")
    func blobInstall() throws {
        let f = try StoreFixture()
        defer { f.dir.remove() }
        let (blob, sha) = try f.stage(Array("body camera footage".utf8))
        let created = try f.store.installBlobs([(blob, sha)])
        #expect(created == [true])
        let path = f.store.blobPath(sha)
        #expect(path.hasSuffix("/blobs/sha256/\(sha.prefix(2))/\(sha.dropFirst(2).prefix(2))/\(sha)"))
        let attributes = try FileManager.default.attributesOfItem(atPath: path)
        #expect((attributes[.posixPermissions] as? Int) == 0o440)
        #expect(try f.store.rehashBlob(sha) == sha)
        #expect(try FileManager.default.contentsOfDirectory(atPath: f.dir.path + "/state/tmp").isEmpty)
        // The same bytes again: no new blob, the temporary file is gone.
        let again = try f.stage(Array("body camera footage".utf8))
        #expect(try f.store.installBlobs([again]) == [false])
        #expect(try FileManager.default.contentsOfDirectory(atPath: f.dir.path + "/state/tmp").isEmpty)
    }

    @Test("installing blobs leaves no descriptor open")
    func noDescriptorLeak() throws {
        let f = try StoreFixture()
        defer { f.dir.remove() }
        for round in 0..<4 {
            let staged = try (0..<50).map { try f.stage(Array("blob \(round) \($0)".utf8)) }
            _ = try f.store.installBlobs(staged)
            let again = try f.stage(Array("blob \(round) 0".utf8))
            _ = try f.store.installBlobs([again])
        }
        // The store keeps one descriptor on its directory (for syncfs) and SQLite its files.
        let open = openDescriptors(under: f.dir.path + "/state/blobs") + openDescriptors(under: f.dir.path + "/state/tmp")
        #expect(open == 0, "\(open) blob descriptors leaked by 204 installs")
    }

    @Test("the same bytes from two sources are two items sharing one blob")
    func twoSourcesOneBlob() throws {
        let f = try StoreFixture()
        defer { f.dir.remove() }
        try f.ingest(root: "/media/cardA", paths: ["a.mp4"]) { _ in Array(repeating: 7, count: 1000) }
        try f.ingest(root: "/media/cardB", paths: ["b.mp4"]) { _ in Array(repeating: 7, count: 1000) }
        let items = try f.store.items(ItemQuery()).items
        #expect(items.count == 2)
        #expect(Set(items.map(\.sha256)).count == 1)
        #expect(Set(items.map(\.source.root)) == ["/media/cardA", "/media/cardB"])
        let totals = try f.store.totals()
        #expect(totals == StoreTotals(items: 2, blobs: 1, bytesStored: 1000))
    }

    @Test("the same file from the same source twice is one item")
    func sameFileTwice() throws {
        let f = try StoreFixture()
        defer { f.dir.remove() }
        try f.ingest(root: "/media/card", paths: ["a.mp4", "b.mp4"]) { Array($0.utf8) }
        let second = try f.ingest(root: "/media/card", paths: ["a.mp4", "b.mp4"]) { Array($0.utf8) }
        #expect(try f.store.items(ItemQuery()).total == 2)
        let job = try #require(try f.store.job(second.jobID, withFiles: true))
        #expect(job.stored == 0 && job.duplicates == 2)
        #expect(job.files?.map(\.state) == [.duplicate, .duplicate])
        let known = try f.store.knownFiles(sourceID: second.sourceID)
        #expect(known.keys.sorted() == ["a.mp4", "b.mp4"])
        #expect(known["a.mp4"]?.sha256 == SHA256.hash(data: Array("a.mp4".utf8)).hexString)
        #expect(known["a.mp4"]?.matches(size: 5, modifiedAt: Date(timeIntervalSince1970: 1_775_000_000)) == true)
        #expect(known["a.mp4"]?.matches(size: 5, modifiedAt: Date(timeIntervalSince1970: 1_775_000_001)) == false)
    }

    @Test("custody events cannot be changed or deleted")
    func eventsAreAppendOnly() throws {
        let f = try StoreFixture()
        defer { f.dir.remove() }
        try f.ingest(root: "/media/card", paths: ["a.mp4"]) { Array($0.utf8) }
        #expect(throws: DatabaseError.self) { try f.store.db.write { try $0.execute(sql: "UPDATE events SET actor_uid = 0") } }
        #expect(throws: DatabaseError.self) { try f.store.db.write { try $0.execute(sql: "DELETE FROM events") } }
        let events = try f.store.events(EventQuery())
        #expect(events.map(\.action) == ["job.create", "item.store"])
        #expect(events.allSatisfy { $0.actor == Author(uid: 1001, name: "ana") })
        #expect(events[0].time == RFC3339.format(f.clock.now()))
    }

    @Test("job outcomes, counters and errors")
    func jobOutcomes() throws {
        let f = try StoreFixture()
        defer { f.dir.remove() }
        let job = try f.store.createJob(JobPlan(root: "/media/card", deviceSerial: "BWC-0042", files: [
            PlannedFile(path: "ok.mp4", size: 3, modifiedAt: nil),
            PlannedFile(path: "bad.mp4", size: 3, modifiedAt: nil),
            PlannedFile(path: "later.mp4", size: 3, modifiedAt: nil),
            PlannedFile(path: "link", size: 0, modifiedAt: nil, failure: "symbolic link; not followed"),
        ]), caller: f.operatorCaller)
        let staged = try f.stage([1, 2, 3])
        _ = try f.store.installBlobs([staged])
        try f.store.commit([
            FileOutcome(path: "ok.mp4", size: 3, result: .stored(f.facts(staged.sha256, size: 3))),
            FileOutcome(path: "bad.mp4", size: 3, result: .failed("read error at byte 0: Input/output error")),
        ], job: job)
        try f.store.setJobState(job.jobID, .interrupted, message: "device removed", actor: .daemon)
        let dto = try #require(try f.store.job(job.jobID, withFiles: true))
        #expect(dto.state == .interrupted && dto.device == "BWC-0042")
        #expect((dto.totalFiles, dto.stored, dto.failed, dto.pending) == (4, 1, 2, 1))
        #expect(dto.errors == [FailedFile(path: "bad.mp4", message: "read error at byte 0: Input/output error"),
                               FailedFile(path: "link", message: "symbolic link; not followed")])
        #expect(try f.store.pendingFiles(job: job.jobID).map(\.path) == ["later.mp4"])
        #expect(try f.store.jobIDs(in: [.interrupted]) == [job.jobID])
        let item = try #require(try f.store.items(ItemQuery()).items.first)
        #expect(item.source == ItemSource(device: "BWC-0042", path: "ok.mp4", root: "/media/card"))
    }

    @Test("items filter by recording time and text")
    func itemFilters() throws {
        let f = try StoreFixture()
        defer { f.dir.remove() }
        let job = try f.store.createJob(JobPlan(root: "/media/card", deviceSerial: nil, files: []), caller: f.operatorCaller)
        var outcomes: [FileOutcome] = []
        var staged: [(TemporaryBlob, sha256: String)] = []
        for (i, name) in ["DCIM/CLIP0001.MP4", "DCIM/CLIP0002.MP4", "AUDIO/саслушање.wav"].enumerated() {
            let s = try f.stage(Array(name.utf8))
            staged.append(s)
            outcomes.append(FileOutcome(path: name, size: 1, result: .stored(
                f.facts(s.sha256, size: name.utf8.count, recordedAt: Date(timeIntervalSince1970: 1_773_480_000 + Double(i) * 3600)))))
        }
        _ = try f.store.installBlobs(staged)
        try f.store.commit(outcomes, job: job)
        var q = ItemQuery()
        q.from = Date(timeIntervalSince1970: 1_773_480_000 + 3600)
        #expect(try f.store.items(q).items.map(\.source.path) == ["DCIM/CLIP0002.MP4", "AUDIO/саслушање.wav"])
        q = ItemQuery()
        q.to = Date(timeIntervalSince1970: 1_773_480_000 + 3600)
        #expect(try f.store.items(q).items.map(\.source.path) == ["DCIM/CLIP0001.MP4"])
        q = ItemQuery()
        q.text = "clip"
        #expect(try f.store.items(q).total == 2)
        q.text = "СЛУШ"
        #expect(try f.store.items(q).items.map(\.source.path) == ["AUDIO/саслушање.wav"])
        q.text = "00"
        #expect(try f.store.items(q).total == 2)
        q = ItemQuery()
        q.limit = 1
        q.offset = 2
        let page = try f.store.items(q)
        #expect(page.total == 3 && page.items.map(\.source.path) == ["AUDIO/саслушање.wav"])
    }

    @Test("recovery removes half-written files and reports blobs the disk lacks")
    func recovery() throws {
        let f = try StoreFixture()
        defer { f.dir.remove() }
        try f.ingest(root: "/media/card", paths: ["a.mp4"]) { Array($0.utf8) }
        let leftover = try f.store.stageBlob()
        _ = write(leftover.fd, "half", 4)
        let sha = try #require(try f.store.items(ItemQuery()).items.first?.sha256)
        chmod((f.store.blobPath(sha) as NSString).deletingLastPathComponent, 0o755)
        unlink(f.store.blobPath(sha))
        let report = try f.store.recover()
        #expect(report.temporaryFilesRemoved == 1)
        #expect(report.missingBlobs == [sha])
        #expect(try f.store.events(EventQuery()).last?.action == "store.recover")
        #expect(try f.store.events(EventQuery()).last?.outcome == "error")
    }

    @Test("an index at v1 is upgraded to v2 on open, its items and events kept")
    func upgradeFromV1() throws {
        let dir = try TemporaryDirectory("custody-upgrade")
        defer { dir.remove() }
        try FileManager.default.createDirectory(atPath: dir.path + "/state", withIntermediateDirectories: true)
        let old = try DatabaseQueue(path: dir.path + "/state/index.sqlite")
        try IndexMigrations.migrator().migrate(old, upTo: "v1")
        try old.write { db in
            try db.execute(sql: "INSERT INTO sources (kind, key, root, created_at) VALUES ('path', 'path:/media/card', '/media/card', 'x')")
            try db.execute(sql: """
                INSERT INTO jobs (source_id, root, state, requested_uid, requested_name, created_at) VALUES (1, '/media/card', 'completed', 0, 'root', 'x')
                """)
            try db.execute(sql: "INSERT INTO events (time, actor_uid, actor_name, action, subject, outcome) VALUES ('t', 0, 'root', 'job.create', 'job:1', 'ok')")
        }
        try old.close()
        let store = try LocalStore(stateDirectory: dir.path + "/state")
        #expect(try store.job(1, withFiles: false)?.state == .completed)
        #expect(try store.events(EventQuery()).first?.action == "job.create")
        let columns = try store.db.read { try $0.columns(in: "jobs").map(\.name) }
        #expect(columns.contains("dock_id"))
        #expect(try store.docks(presentOnly: false, limit: 10).isEmpty)
        // The event recorded before the ledger existed became its first leaf.
        let event = try #require(try store.events(EventQuery()).first)
        #expect(try store.leafHashes() == [MerkleTree.leafHash(CanonicalEntry.bytes(of: event))])
    }

    @Test("the schema is at its newest migration and reopening keeps everything")
    func reopen() throws {
        let f = try StoreFixture()
        defer { f.dir.remove() }
        try f.ingest(root: "/media/card", paths: ["a.mp4"]) { Array($0.utf8) }
        let applied = try f.store.db.read { try String.fetchAll($0, sql: "SELECT identifier FROM grdb_migrations") }
        #expect(applied == ["v1", "v2", "v3", "v4-registry", "v5", "v6-store", "v7-media", "v8-ingest", "v9-drivers"])
        let reopened = try LocalStore(stateDirectory: f.dir.path + "/state")
        #expect(try reopened.items(ItemQuery()).items == f.store.items(ItemQuery()).items)
        #expect(try reopened.events(EventQuery()) == f.store.events(EventQuery()))
    }
}
