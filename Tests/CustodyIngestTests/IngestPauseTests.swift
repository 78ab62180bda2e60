import CustodyCore
import CustodyMetrics
import CustodyModel
import Foundation
import Logging
import Synchronization
import Testing
@testable import CustodyIngest
@testable import CustodyStore

@Suite("Ingest pauses for free space")
struct IngestPauseTests {
    @Test("a nearly full store holds files back (pending, nothing failed), and the job finishes once space returns")
    func pausesAndResumes() async throws {
        let f = try IngestFixture()
        defer { f.dir.remove() }
        let hashes = try f.writeFiles(6, size: 3000)
        let free = Atomic<Int64>(9000)
        /// Measurements taken: one per file the gate is asked to admit.
        let measured = Atomic<Int>(0)
        var limits = SpaceConfiguration()
        limits.warnBelowBytes = 20_000
        limits.pauseBelowBytes = 5000
        limits.resumeAboveBytes = 8000
        let gate = FreeSpaceGate(path: f.dir.path, limits: limits) {
            measured.add(1, ordering: .relaxed)
            return .init(freeBytes: free.load(ordering: .relaxed), totalBytes: 100_000)
        }
        let registry = MetricsRegistry()
        let engine = IngestEngine(store: f.store, config: f.config(concurrency: 1, batch: 1), logger: Logger(label: "test"),
                                  space: gate, metrics: IngestMetrics(registry: registry), drivers: f.drivers)
        // No file fits above the pause limit: 7000 free less 3000 leaves 4000 < 5000.
        free.store(7000, ordering: .relaxed)
        let job = try await engine.submit(IngestRequest(path: f.card), caller: f.caller)
        let runner = Task { await engine.run() }
        defer { engine.shutdown(); runner.cancel() }
        // Tests run in parallel on a loaded machine: wait for the pause (up to five minutes), then
        // until the engine has asked the gate three more times (counted, not timed) and was held back.
        let deadline = ContinuousClock.now + .seconds(300)
        var asked: Int?
        while ContinuousClock.now < deadline {
            let state = try f.store.job(job.jobID, withFiles: false)?.state
            if asked == nil, gate.isPaused, state == .running { asked = measured.load(ordering: .relaxed) }
            if let asked, measured.load(ordering: .relaxed) >= asked + 3 { break }
            try await Task.sleep(for: .milliseconds(20))
        }
        #expect(asked != nil && measured.load(ordering: .relaxed) >= asked! + 3, "the engine kept asking while paused")
        let paused = try #require(try f.store.job(job.jobID, withFiles: false))
        #expect(gate.isPaused)
        #expect(paused.state == .running && paused.failed == 0 && paused.stored == 0 && paused.pending == 6)
        #expect(try FileManager.default.contentsOfDirectory(atPath: f.dir.path + "/state/tmp").isEmpty, "nothing half-written")
        free.store(50_000, ordering: .relaxed)
        let done = try await f.runUntilDone(engine, job.jobID, on: f.store)
        #expect(done.state == .completed && done.stored == 6 && done.failed == 0)
        #expect(!gate.isPaused)
        #expect(Set(try f.store.items(ItemQuery()).items.map(\.sha256)) == Set(hashes.values))
        let text = try registry.exposition()
        #expect(text.contains("\ncustody_ingest_copied_bytes_total 18000\n"))
        #expect(text.contains("\ncustody_hash_bytes_total 18000\n"))
        #expect(text.contains("custody_verification_failures_total{kind=\"ingest\"} 0"))
    }
}
