import CustodyCore
import CustodyModel
import CustodyTestSupport
import Crypto
import Foundation
import Logging
import Synchronization
import Testing
import CustodyDirectory
import CustodyMassStorage
@testable import CustodyIngest
@testable import CustodyStore

/// Wraps the real store and fails the way a full disk does: staging or installing
/// blobs throws ENOSPC once `budget` blob installs have succeeded.
final class FullDiskStore: EvidenceStore {
    let inner: LocalStore
    let budget: Int
    private let installs = Mutex(0)
    init(_ inner: LocalStore, installsBeforeFull budget: Int) { self.inner = inner; self.budget = budget }

    private var full: Bool { installs.withLock { $0 >= budget } }
    func stageBlob() throws -> TemporaryBlob {
        if full { throw SystemCallError(call: "mkostemp", subject: inner.stateDirectory + "/tmp", errno: ENOSPC) }
        return try inner.stageBlob()
    }
    func installBlobs(_ blobs: [(TemporaryBlob, sha256: String)]) throws -> [Bool] {
        let allowed = installs.withLock { count -> Bool in
            guard count + blobs.count <= budget else { count = budget; return false }
            count += blobs.count
            return true
        }
        guard allowed else { throw SystemCallError(call: "syncfs", subject: inner.stateDirectory, errno: ENOSPC) }
        return try inner.installBlobs(blobs)
    }
    func rehashBlob(_ sha256: String) throws -> String { try inner.rehashBlob(sha256) }
    func blobPath(_ sha256: String) -> String { inner.blobPath(sha256) }
    func createJob(_ plan: JobPlan, caller: Caller) throws -> JobContext { try inner.createJob(plan, caller: caller) }
    func pendingFiles(job: Int64) throws -> [PlannedFile] { try inner.pendingFiles(job: job) }
    func jobContext(_ id: Int64) throws -> JobContext? { try inner.jobContext(id) }
    func relocateJob(_ id: Int64, root: String, location: String?, actor: Caller) throws {
        try inner.relocateJob(id, root: root, location: location, actor: actor)
    }
    func commit(_ outcomes: [FileOutcome], job: JobContext) throws { try inner.commit(outcomes, job: job) }
    func setJobState(_ id: Int64, _ state: JobState, message: String?, actor: Caller) throws {
        try inner.setJobState(id, state, message: message, actor: actor)
    }
    func jobIDs(in states: [JobState]) throws -> [Int64] { try inner.jobIDs(in: states) }
    func knownFiles(sourceID: Int64) throws -> [String: KnownFile] { try inner.knownFiles(sourceID: sourceID) }
    func job(_ id: Int64, withFiles: Bool) throws -> Job? { try inner.job(id, withFiles: withFiles) }
    func jobs(limit: Int) throws -> [Job] { try inner.jobs(limit: limit) }
    func item(_ id: Int64) throws -> Item? { try inner.item(id) }
    func items(_ query: ItemQuery) throws -> ItemPage { try inner.items(query) }
    func events(_ query: EventQuery) throws -> [CustodyEvent] { try inner.events(query) }
    func totals() throws -> StoreTotals { try inner.totals() }
    func record(_ event: EventInput) throws { try inner.record(event) }
    func latestEventSeq() throws -> Int64 { try inner.latestEventSeq() }
    var changes: ChangePublisher { inner.changes }
    func recover() throws -> RecoveryReport { try inner.recover() }
}

struct IngestFixture {
    let dir: TemporaryDirectory
    let store: LocalStore
    let card: String
    let caller = Caller(uid: 1001, gid: 1001, name: "ana", roles: [.operator_])
    /// The drivers the daemon registers with its engine.
    let drivers = SourceDrivers([DirectoryDriver(), MassStorageDriver()])

    init() throws {
        dir = try TemporaryDirectory("custody-ingest")
        store = try LocalStore(stateDirectory: dir.path + "/state")
        card = dir.path + "/card"
        try FileManager.default.createDirectory(atPath: card, withIntermediateDirectories: true)
    }

    func config(concurrency: Int = 2, batch: Int = 3) -> IngestConfiguration {
        var c = IngestConfiguration()
        c.allowedPaths = [dir.path]
        c.concurrency = concurrency
        c.commitBatchFiles = batch
        c.chunkBytes = 4096
        c.syncLargeFilesBytes = 16 << 10
        return c
    }

    /// Writes `count` distinct files of `size` bytes under the card.
    func writeFiles(_ count: Int, size: Int, prefix: String = "clip") throws -> [String: String] {
        var hashes: [String: String] = [:]
        for i in 0..<count {
            let bytes = (0..<size).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ i &* 7) }
            let rel = "\(prefix)\(i).bin"
            try dir.write("card/" + rel, Data(bytes))
            hashes[rel] = SHA256.hash(data: bytes).hexString
        }
        return hashes
    }

    /// Runs the engine until `job` is no longer queued or running.
    func runUntilDone(_ engine: IngestEngine, _ job: Int64, on store: any EvidenceStore) async throws -> Job {
        let runner = Task { await engine.run() }
        defer { engine.shutdown(); runner.cancel() }
        for _ in 0..<3000 {
            let dto = try #require(try store.job(job, withFiles: true))
            if ![.queued, .running].contains(dto.state) {
                engine.shutdown()
                await runner.value
                return try #require(try store.job(job, withFiles: true))
            }
            try await Task.sleep(for: .milliseconds(10))
        }
        Issue.record("job \(job) did not finish")
        return try #require(try store.job(job, withFiles: true))
    }

    /// Runs the engine until every one of `jobs` has ended (not only the first: a job
    /// still running when the engine shuts down would be left interrupted).
    func runUntilDone(_ engine: IngestEngine, _ jobs: [Int64], on store: any EvidenceStore) async throws -> [Job] {
        let runner = Task { await engine.run() }
        defer { engine.shutdown(); runner.cancel() }
        for _ in 0..<3000 {
            let states = try jobs.map { try #require(try store.job($0, withFiles: false)).state }
            if states.allSatisfy({ ![.queued, .running].contains($0) }) {
                engine.shutdown()
                await runner.value
                return try jobs.map { try #require(try store.job($0, withFiles: true)) }
            }
            try await Task.sleep(for: .milliseconds(10))
        }
        Issue.record("jobs \(jobs) did not all finish")
        return try jobs.map { try #require(try store.job($0, withFiles: true)) }
    }
}

@Suite("Ingest engine")
struct IngestEngineTests {
    @Test("every file is hashed, verified and stored with its hash", arguments: [1, 2, 4])
    func storesEverything(concurrency: Int) async throws {
        let f = try IngestFixture()
        defer { f.dir.remove() }
        let hashes = try f.writeFiles(9, size: 40_000)
        let engine = IngestEngine(store: f.store, config: f.config(concurrency: concurrency), logger: Logger(label: "test"), drivers: f.drivers)
        let job = try await engine.submit(IngestRequest(path: f.card), caller: f.caller)
        let done = try await f.runUntilDone(engine, job.jobID, on: f.store)
        #expect(done.state == .completed && done.stored == 9 && done.failed == 0)
        let items = try f.store.items(ItemQuery()).items
        #expect(Dictionary(uniqueKeysWithValues: items.map { ($0.source.path, $0.sha256) }) == hashes)
        for item in items { #expect(try f.store.rehashBlob(item.sha256) == item.sha256) }
        #expect(items.allSatisfy { $0.recordedAtSource == "file.mtime" && $0.mediaType == "application/octet-stream" })
    }

    @Test("a job of many files holds no descriptor per file")
    func noDescriptorLeak() async throws {
        let f = try IngestFixture()
        defer { f.dir.remove() }
        _ = try f.writeFiles(300, size: 700)
        let engine = IngestEngine(store: f.store, config: f.config(concurrency: 4, batch: 64), logger: Logger(label: "test"), drivers: f.drivers)
        let job = try await engine.submit(IngestRequest(path: f.card), caller: f.caller)
        let done = try await f.runUntilDone(engine, job.jobID, on: f.store)
        #expect(done.stored == 300)
        let open = openDescriptors(under: f.dir.path + "/state/tmp") + openDescriptors(under: f.dir.path + "/state/blobs")
            + openDescriptors(under: f.card)
        #expect(open == 0, "\(open) descriptors still open after 300 files")
    }

    @Test("a file that vanishes before it is read fails alone, with its path")
    func vanishedFile() async throws {
        let f = try IngestFixture()
        defer { f.dir.remove() }
        _ = try f.writeFiles(4, size: 1000)
        let engine = IngestEngine(store: f.store, config: f.config(), logger: Logger(label: "test"), drivers: f.drivers)
        let job = try await engine.submit(IngestRequest(path: f.card), caller: f.caller)
        try FileManager.default.removeItem(atPath: f.card + "/clip2.bin")
        let done = try await f.runUntilDone(engine, job.jobID, on: f.store)
        #expect(done.state == .completedWithErrors && done.stored == 3 && done.failed == 1, "\(done)")
        #expect(done.errors == [FailedFile(path: "clip2.bin", message: "vanished before it could be read")])
    }

    @Test("a full disk stops the job as interrupted, commits what was verified, and loses nothing")
    func fullDisk() async throws {
        let f = try IngestFixture()
        defer { f.dir.remove() }
        _ = try f.writeFiles(10, size: 2000)
        let store = FullDiskStore(f.store, installsBeforeFull: 3)
        // Groups of exactly three, by count alone: a group committed early by the clock
        // (its first file waited past commitIntervalMilliseconds on a busy machine) would
        // split the three installs the disk has room for, and then fewer files fit.
        var config = f.config(concurrency: 1, batch: 3)
        config.commitIntervalMilliseconds = 600_000
        let engine = IngestEngine(store: store, config: config, logger: Logger(label: "test"), drivers: f.drivers)
        let job = try await engine.submit(IngestRequest(path: f.card), caller: f.caller)
        let done = try await f.runUntilDone(engine, job.jobID, on: store)
        #expect(done.state == .interrupted)
        #expect(done.stored == 3 && done.failed == 0 && done.pending == 7)
        #expect(done.message?.contains("No space left on device") == true)
        #expect(done.message?.contains("7 files not stored") == true)
        #expect(try FileManager.default.contentsOfDirectory(atPath: f.dir.path + "/state/tmp").isEmpty)
        // Space freed: the same job resumes where it stopped.
        let engine2 = IngestEngine(store: f.store, config: f.config(), logger: Logger(label: "test"), drivers: f.drivers)
        #expect(throws: IngestError.self) { try engine2.resume(job.jobID + 1, caller: f.caller) }
        try engine2.resume(job.jobID, caller: f.caller)
        let resumed = try await f.runUntilDone(engine2, job.jobID, on: f.store)
        #expect(resumed.state == .completed && resumed.stored == 10 && resumed.pending == 0, "\(resumed)")
        #expect(try f.store.items(ItemQuery()).total == 10)
        #expect(throws: IngestError.self, "a completed job does not resume") { try engine2.resume(job.jobID, caller: f.caller) }
    }

    @Test("requests outside the allowed paths, relative or missing are refused")
    func refusals() async throws {
        let f = try IngestFixture()
        defer { f.dir.remove() }
        var config = f.config()
        config.allowedPaths = [f.card]
        let engine = IngestEngine(store: f.store, config: config, logger: Logger(label: "test"), drivers: f.drivers)
        await #expect(throws: IngestError.self) { _ = try await engine.submit(IngestRequest(path: "card"), caller: f.caller) }
        let outside = try #require(throws: IngestError.self) { try engine.resolveAllowed(f.dir.path + "/state") }
        #expect(outside.code == .pathNotAllowed)
        symlink(f.dir.path + "/state", f.card + "/escape")
        let escape = try #require(throws: IngestError.self) { try engine.resolveAllowed(f.card + "/escape") }
        #expect(escape.code == .pathNotAllowed)
        let missingOutside = try #require(throws: IngestError.self) { try engine.resolveAllowed(f.dir.path + "/nowhere") }
        #expect(missingOutside.code == .pathNotAllowed, "whether a path outside exists is not disclosed")
        let missingInside = try #require(throws: IngestError.self) { try engine.resolveAllowed(f.card + "/nowhere") }
        #expect(missingInside.code == .pathNotFound)
        let dotdot = try #require(throws: IngestError.self) { try engine.resolveAllowed(f.card + "/../state") }
        #expect(dotdot.code == .pathNotAllowed)
        try FileManager.default.createDirectory(atPath: f.card + "2", withIntermediateDirectories: true)
        let prefix = try #require(throws: IngestError.self) { try engine.resolveAllowed(f.card + "2") }
        #expect(prefix.code == .pathNotAllowed, "a sibling sharing the prefix is not inside")
        #expect(try engine.resolveAllowed(f.card) == f.card)
    }

    @Test("a job queued before the engine starts runs exactly once")
    func queuedJobRunsOnce() async throws {
        let f = try IngestFixture()
        defer { f.dir.remove() }
        _ = try f.writeFiles(6, size: 5000)
        let engine = IngestEngine(store: f.store, config: f.config(), logger: Logger(label: "test"), drivers: f.drivers)
        let job = try await engine.submit(IngestRequest(path: f.card), caller: f.caller)
        let done = try await f.runUntilDone(engine, job.jobID, on: f.store)
        #expect((done.stored, done.duplicates, done.failed) == (6, 0, 0))
        let starts = try f.store.events(EventQuery()).filter { $0.action == "job.start" }
        #expect(starts.count == 1)
    }

    @Test("a single file can be ingested on its own")
    func singleFile() async throws {
        let f = try IngestFixture()
        defer { f.dir.remove() }
        let hashes = try f.writeFiles(2, size: 3000)
        let engine = IngestEngine(store: f.store, config: f.config(), logger: Logger(label: "test"), drivers: f.drivers)
        let job = try await engine.submit(IngestRequest(path: f.card + "/clip1.bin"), caller: f.caller)
        let done = try await f.runUntilDone(engine, job.jobID, on: f.store)
        #expect(done.stored == 1)
        #expect(try f.store.items(ItemQuery()).items.map(\.sha256) == [hashes["clip1.bin"]!])
    }
}
