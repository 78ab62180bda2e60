import CustodyCore
import CustodyModel
import CustodyTestSupport
import Foundation
import Logging
import Synchronization
import Testing
@testable import CustodyIngest
@testable import CustodyMassStorage
@testable import CustodyStore

/// A FAT12 card made by mkfs.fat and mcopy (dosfstools, mtools): three clips under DCIM.
func fatCard(_ path: String, label: String, volumeID: String) throws {
    func run(_ tool: ExternalTool, _ arguments: [String]) throws {
        try tool.runBlocking(arguments, environment: ["MTOOLS_SKIP_CHECK": "1"])
    }
    try run(.truncate, ["-s", "2M", path])
    try run(.mkfsFAT, ["-F", "12", "-n", label, "-i", volumeID, path])
    try run(.mmd, ["-i", path, "::DCIM"])
    for i in 0..<3 {
        let clip = path + ".clip\(i)"
        try Data(repeating: UInt8(i + 1), count: 10_000 + i).write(to: URL(fileURLWithPath: clip))
        try run(.mcopy, ["-i", path, clip, "::DCIM/CLIP\(i).MP4"])
    }
}

/// A source whose every read fails, and which says whether its medium is gone.
struct VanishingSource: EvidenceSource {
    let gone: String?
    var descriptor: SourceDescriptor { SourceDescriptor(driver: .massStorage, location: "/dev/sdc", root: "volume:/dev/sdc") }
    func files(include: (String) -> Bool) -> [PlannedFile] { [PlannedFile(path: "a", size: 100, modifiedAt: nil)] }
    struct File: SourceFile {
        var size: Int64 { 100 }
        var modifiedAt: Date? { nil }
        mutating func read(into buffer: UnsafeMutableRawBufferPointer) throws(SourceReadError) -> Int {
            throw SourceReadError(offset: 0, reason: "I/O error")
        }
        func changedWhileRead() -> String? { nil }
        var notes: [String: JSONValue] { [:] }
        func close() {}
    }
    func open(_ file: PlannedFile) -> SourceOpening { .opened(File()) }
    func unavailable() -> String? { gone }
}

@Suite("Ingest engine: docked media")
struct MediumJobTests {
    @Test("a docked medium's job records its identity and where it was found; interrupted while queued, it reads nothing and its end is announced")
    func interruptedWhileQueued() async throws {
        let f = try IngestFixture()
        defer { f.dir.remove() }
        let card = f.dir.path + "/a.img"
        try fatCard(card, label: "CARDA", volumeID: "12345678")
        let engine = IngestEngine(store: f.store, config: f.config(), logger: Logger(label: "test"), drivers: f.drivers)
        let ends = engine.jobEnds()
        let job = try await MassStorageDriver.submit(node: card, deviceSerial: "CRD0000050", include: { _ in true },
                                                     origin: ["slot": .object(["lun": .number(1)])], engine: engine)
        #expect(job.medium == "FAT12 1234-5678 \"CARDA\" @0")
        #expect(try f.store.jobContext(job.jobID)?.medium == job.medium)
        let create = try #require(try f.store.events(EventQuery()).first { $0.action == "job.create" })
        guard case .object(let source)? = create.detail["source"] else { Issue.record("no source: \(create.detail)"); return }
        #expect(source["slot"] == .object(["lun": .number(1)]) && source["medium"] == .string(card))

        #expect(engine.interrupt(job.jobID, reason: "the medium was taken out of slot 1"))
        let done = try await f.runUntilDone(engine, job.jobID, on: f.store)
        #expect(done.state == .interrupted && done.pending == 3 && done.stored == 0)
        #expect(done.message == "the medium was taken out of slot 1; 3 files not stored")
        var iterator = ends.makeAsyncIterator()
        #expect(await iterator.next() == JobEnd(jobID: job.jobID, state: .interrupted, message: done.message))
        #expect(!engine.interrupt(job.jobID, reason: "again"), "a job neither running nor queued is not interrupted")
    }

    @Test("resumed at another node, a medium's job reads it there; another medium at that node is never read into it")
    func resumedElsewhere() async throws {
        let f = try IngestFixture()
        defer { f.dir.remove() }
        let (a, b, aAgain) = (f.dir.path + "/sdc.img", f.dir.path + "/sdd.img", f.dir.path + "/sde.img")
        try fatCard(a, label: "CARDA", volumeID: "12345678")
        try fatCard(b, label: "CARDB", volumeID: "9abcdef0")
        let engine = IngestEngine(store: f.store, config: f.config(), logger: Logger(label: "test"), drivers: f.drivers)
        let job = try await MassStorageDriver.submit(node: a, deviceSerial: "CRD0000050", include: { _ in true }, origin: [:], engine: engine)
        engine.interrupt(job.jobID, reason: "taken out")
        _ = try await f.runUntilDone(engine, job.jobID, on: f.store)

        // Card B where card A is expected: stopped before a byte is read.
        let wrong = IngestEngine(store: f.store, config: f.config(), logger: Logger(label: "test"), drivers: f.drivers)
        try wrong.resume(job.jobID, caller: .daemon, at: b)
        let refused = try await f.runUntilDone(wrong, job.jobID, on: f.store)
        #expect(refused.state == .interrupted && refused.stored == 0 && refused.pending == 3)
        #expect(refused.message?.contains("holds FAT12 \"CARDB\" 9ABC-DEF0, not the medium job \(job.jobID) reads") == true)

        // Card A again, at a third node: read there.
        try FileManager.default.copyItem(atPath: a, toPath: aAgain)
        try FileManager.default.removeItem(atPath: a)
        let right = IngestEngine(store: f.store, config: f.config(), logger: Logger(label: "test"), drivers: f.drivers)
        try right.resume(job.jobID, caller: .daemon, at: aAgain)
        let done = try await f.runUntilDone(right, job.jobID, on: f.store)
        #expect(done.state == .completed && done.stored == 3 && done.root == "volume:" + aAgain)
        let moves = try f.store.events(EventQuery()).filter { $0.action == "job.relocate" }.map(\.detail)
        #expect(moves == [["from": .string("volume:" + a), "to": .string("volume:" + b)],
                          ["from": .string("volume:" + b), "to": .string("volume:" + aAgain)]])
    }

    @Test("at start, a docked medium's unfinished job waits for its medium instead of reading whatever is at its node")
    func startLeavesMediumJobs() async throws {
        let f = try IngestFixture()
        defer { f.dir.remove() }
        let card = f.dir.path + "/sdc.img"
        try fatCard(card, label: "CARDA", volumeID: "12345678")
        let first = IngestEngine(store: f.store, config: f.config(), logger: Logger(label: "test"), drivers: f.drivers)
        let job = try await MassStorageDriver.submit(node: card, deviceSerial: "CRD0000050", include: { _ in true }, origin: [:], engine: first)
        // custodyd stopped before the job ran: at the next start it is left for the device manager.
        let next = IngestEngine(store: f.store, config: f.config(), logger: Logger(label: "test"), drivers: f.drivers)
        let done = try await f.runUntilDone(next, job.jobID, on: f.store)
        #expect(done.state == .interrupted && done.stored == 0 && done.pending == 3)
        #expect(done.message == "custodyd stopped; 3 files not stored yet, resumed when its medium is docked again")
    }

    @Test("the device manager, starting first, finds a medium's job left running by a crash already interrupted; it is held once")
    func heldBeforeTheManagerLooks() async throws {
        let f = try IngestFixture()
        defer { f.dir.remove() }
        let card = f.dir.path + "/sdc.img"
        try fatCard(card, label: "CARDA", volumeID: "12345678")
        let crashed = IngestEngine(store: f.store, config: f.config(), logger: Logger(label: "test"), drivers: f.drivers)
        let job = try await MassStorageDriver.submit(node: card, deviceSerial: "CRD0000050", include: { _ in true }, origin: [:], engine: crashed)
        try f.store.setJobState(job.jobID, .running, message: nil, actor: .daemon)
        let next = IngestEngine(store: f.store, config: f.config(), logger: Logger(label: "test"), drivers: f.drivers)
        #expect(try f.store.interruptedJob(deviceSerial: "CRD0000050", medium: try #require(job.medium)) == nil)
        next.holdUnfinishedMediumJobs()
        #expect(try f.store.interruptedJob(deviceSerial: "CRD0000050", medium: try #require(job.medium)) == job.jobID)
        next.holdUnfinishedMediumJobs()
        let done = try await f.runUntilDone(next, job.jobID, on: f.store)
        #expect(done.state == .interrupted && done.pending == 3)
        #expect(try f.store.events(EventQuery()).filter { $0.action == "job.interrupt" }.count == 1)
    }

    @Test("a file whose read fails because its whole medium went away stays pending; one that fails alone fails")
    func vanishedMedium() throws {
        let f = try IngestFixture()
        defer { f.dir.remove() }
        let job = try f.store.createJob(JobPlan(root: "volume:/dev/sdc", deviceSerial: nil, files: [PlannedFile(path: "a", size: 100, modifiedAt: nil)]),
                                        caller: .daemon)
        let ingester = FileIngester(store: f.store, chunkBytes: 4096, syncLargeFilesBytes: 1 << 20, known: [:])
        let file = PlannedFile(path: "a", size: 100, modifiedAt: nil)
        switch ingester.ingest(file, from: VanishingSource(gone: "the medium was taken out of /dev/sdc"), job: job, cancel: CancellationFlag()) {
        case .sourceGone(let why): #expect(why == "the medium was taken out of /dev/sdc")
        default: Issue.record("expected the source to be gone")
        }
        switch ingester.ingest(file, from: VanishingSource(gone: nil), job: job, cancel: CancellationFlag()) {
        case .done(let outcome, _): #expect(outcome.result == .failed("read error at byte 0: I/O error"))
        default: Issue.record("expected the file to fail")
        }
    }
}
