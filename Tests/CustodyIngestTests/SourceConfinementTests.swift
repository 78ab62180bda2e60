#if canImport(Glibc)
import Glibc
#endif
import CustodyCore
import CustodyModel
import CustodyTestSupport
import Crypto
import Foundation
import Logging
import Testing
@testable import CustodyIngest
@testable import CustodyStore

/// A job reads the root it was checked on, and nothing a link leads to: the swaps are
/// made between the job's planning (submit) and its run, which is where a real attacker
/// has time, so every test here is deterministic. Each runs with openat2 and with the
/// per-component fallback.
@Suite("Sources stay confined to their checked root", .timeLimit(.minutes(2)))
struct SourceConfinementTests {
    static let resolvers: [PathResolver] = [.openat2, .componentWalk]
    static let key = Data("-----station signing key-----\n".utf8)

    /// The fixture's store plus a stand-in ledger key in its state directory.
    struct Setup {
        let f: IngestFixture
        var keyPath: String { f.store.stateDirectory + "/ledger/station.key" }
        var keySHA: String { SHA256.hash(data: SourceConfinementTests.key).hexString }

        init() throws {
            f = try IngestFixture()
            try FileManager.default.createDirectory(atPath: f.store.stateDirectory + "/ledger", withIntermediateDirectories: true)
            try SourceConfinementTests.key.write(to: URL(fileURLWithPath: keyPath))
        }

        func engine(_ resolver: PathResolver, allowed: [String]? = nil) -> IngestEngine {
            var config = f.config()
            if let allowed { config.allowedPaths = allowed }
            return IngestEngine(store: f.store, config: config, logger: Logger(label: "test"),
                                stateDirectory: f.store.stateDirectory, resolver: resolver, drivers: f.drivers)
        }

        func storedHashes() throws -> Set<String> { Set(try f.store.items(ItemQuery()).items.map(\.sha256)) }
    }

    @Test("a directory beneath the root swapped for a link to the ledger between plan and run: the key is never read", arguments: resolvers)
    func componentSwapped(_ resolver: PathResolver) async throws {
        let s = try Setup()
        defer { s.f.dir.remove() }
        try s.f.dir.write("card/DCIM/CLIP0001.MP4", Data("clip".utf8))
        try s.f.dir.write("card/sub/station.key", Data("decoy".utf8))
        let engine = s.engine(resolver)
        let job = try await engine.submit(IngestRequest(path: s.f.card), caller: s.f.caller)
        // The planned "sub/station.key" now leads into the state directory's ledger.
        try FileManager.default.removeItem(atPath: s.f.card + "/sub")
        try FileManager.default.createSymbolicLink(atPath: s.f.card + "/sub", withDestinationPath: s.f.store.stateDirectory + "/ledger")
        let done = try await s.f.runUntilDone(engine, job.jobID, on: s.f.store)
        #expect(done.state == .completedWithErrors && done.stored == 1 && done.failed == 1, "\(done)")
        let failure = try #require(done.errors.first)
        #expect(failure.path == "sub/station.key" && failure.message.contains("symbolic link"), "\(failure)")
        #expect(!(try s.storedHashes()).contains(s.keySHA))
    }

    @Test("the root swapped for a link between plan and run: the job fails, nothing is read", arguments: resolvers)
    func rootSwappedForLink(_ resolver: PathResolver) async throws {
        let s = try Setup()
        defer { s.f.dir.remove() }
        try s.f.dir.write("card/station.key", Data("decoy".utf8))
        let engine = s.engine(resolver)
        let job = try await engine.submit(IngestRequest(path: s.f.card), caller: s.f.caller)
        try FileManager.default.moveItem(atPath: s.f.card, toPath: s.f.dir.path + "/card-moved")
        try FileManager.default.createSymbolicLink(atPath: s.f.card, withDestinationPath: s.f.store.stateDirectory + "/ledger")
        let done = try await s.f.runUntilDone(engine, job.jobID, on: s.f.store)
        #expect(done.state == .failed && done.stored == 0 && done.pending == 1, "\(done)")
        #expect(done.message?.contains("symbolic link") == true, "\(done.message ?? "")")
        #expect(try s.storedHashes().isEmpty)
    }

    @Test("the root replaced by another directory between plan and run: the job fails (its identity changed)", arguments: resolvers)
    func rootReplacedByDirectory(_ resolver: PathResolver) async throws {
        let s = try Setup()
        defer { s.f.dir.remove() }
        try s.f.dir.write("card/CLIP0001.MP4", Data("clip".utf8))
        let engine = s.engine(resolver)
        let job = try await engine.submit(IngestRequest(path: s.f.card), caller: s.f.caller)
        try FileManager.default.moveItem(atPath: s.f.card, toPath: s.f.dir.path + "/card-moved")
        try s.f.dir.write("card/CLIP0001.MP4", Data("another clip".utf8))
        let done = try await s.f.runUntilDone(engine, job.jobID, on: s.f.store)
        #expect(done.state == .failed && done.stored == 0, "\(done)")
        #expect(done.message?.contains("was replaced since the job was checked") == true, "\(done.message ?? "")")
    }

    @Test("a job resumed after a restart does not follow a root swapped for a link meanwhile", arguments: resolvers)
    func resumedRootSwapped(_ resolver: PathResolver) async throws {
        let s = try Setup()
        defer { s.f.dir.remove() }
        try s.f.dir.write("card/station.key", Data("decoy".utf8))
        // Submitted by one daemon, which stops before the job runs…
        let first = s.engine(resolver)
        let job = try await first.submit(IngestRequest(path: s.f.card), caller: s.f.caller)
        first.shutdown()
        #expect(try s.f.store.jobContext(job.jobID)?.rootIdentity != nil, "the root's identity is recorded with the job")
        try FileManager.default.moveItem(atPath: s.f.card, toPath: s.f.dir.path + "/card-moved")
        try FileManager.default.createSymbolicLink(atPath: s.f.card, withDestinationPath: s.f.store.stateDirectory + "/ledger")
        // …and the next start resumes it.
        let second = s.engine(resolver)
        let done = try await s.f.runUntilDone(second, job.jobID, on: s.f.store)
        #expect(done.state == .failed && done.stored == 0, "\(done)")
        #expect(try s.storedHashes().isEmpty)
        let starts = try s.f.store.events(EventQuery()).filter { $0.action == "job.start" }
        #expect(starts.count == 1, "the job was run by the resuming engine")
    }

    @Test("a single-file job whose file is swapped for a link, or another file, is not read", arguments: resolvers)
    func singleFileSwapped(_ resolver: PathResolver) async throws {
        let s = try Setup()
        defer { s.f.dir.remove() }
        try s.f.dir.write("card/station.key", Data("decoy".utf8))
        try s.f.dir.write("card/other.bin", Data("other".utf8))
        let engine = s.engine(resolver)
        let linked = try await engine.submit(IngestRequest(path: s.f.card + "/station.key"), caller: s.f.caller)
        let renamed = try await engine.submit(IngestRequest(path: s.f.card + "/other.bin"), caller: s.f.caller)
        try FileManager.default.removeItem(atPath: s.f.card + "/station.key")
        try FileManager.default.createSymbolicLink(atPath: s.f.card + "/station.key", withDestinationPath: s.keyPath)
        // Moved aside (still alive, so its inode number cannot be given to the newcomer).
        try FileManager.default.moveItem(atPath: s.f.card + "/other.bin", toPath: s.f.card + "/other.bin.old")
        try s.f.dir.write("card/other.bin", Data("a different file".utf8))
        let doneLinked = try await s.f.runUntilDone(engine, linked.jobID, on: s.f.store)
        #expect(doneLinked.state == .failed && doneLinked.stored == 0, "\(doneLinked)")
        let doneRenamed = try await s.f.runUntilDone(s.engine(resolver), renamed.jobID, on: s.f.store)
        #expect(doneRenamed.state == .failed && doneRenamed.stored == 0, "\(doneRenamed)")
        #expect(try s.storedHashes().isEmpty)
    }

    @Test("the state directory is never a source, whatever ingest.allowedPaths says", arguments: resolvers)
    func stateDirectoryRefused(_ resolver: PathResolver) async throws {
        let s = try Setup()
        defer { s.f.dir.remove() }
        try s.f.dir.write("card/CLIP0001.MP4", Data("clip".utf8))
        // The allowed tree holds the state directory.
        let engine = s.engine(resolver, allowed: [s.f.dir.path])
        for inside in [s.f.store.stateDirectory, s.keyPath, s.f.store.stateDirectory + "/ledger"] {
            let refusal = await #expect(throws: IngestError.self) {
                _ = try await engine.submit(IngestRequest(path: inside), caller: s.f.caller)
            }
            #expect(refusal?.code == .pathNotAllowed && refusal?.message.contains("state directory") == true, "\(String(describing: refusal))")
        }
        let image = await #expect(throws: IngestError.self) {
            _ = try await engine.submit(IngestRequest(path: s.keyPath, image: true), caller: s.f.caller)
        }
        #expect(image?.code == .pathNotAllowed)
        // A tree that holds it lists it as not ingested, and reads nothing from it.
        let job = try await engine.submit(IngestRequest(path: s.f.dir.path), caller: s.f.caller)
        let done = try await s.f.runUntilDone(engine, job.jobID, on: s.f.store)
        #expect(done.stored == 1, "\(done)")
        #expect(done.errors.contains { $0.path == "state/" && $0.message.contains("state directory") }, "\(done.errors)")
        #expect(!(try s.storedHashes()).contains(s.keySHA))
    }

    @Test("a FIFO swapped in for a listed file fails at once; the job and the next one finish", arguments: resolvers)
    func fifoSwappedIn(_ resolver: PathResolver) async throws {
        let s = try Setup()
        defer { s.f.dir.remove() }
        try s.f.dir.write("card/a.bin", Data("a".utf8))
        try s.f.dir.write("card/b.bin", Data("b".utf8))
        try s.f.dir.write("other/c.bin", Data("c".utf8))
        let engine = s.engine(resolver)
        let job = try await engine.submit(IngestRequest(path: s.f.card), caller: s.f.caller)
        let next = try await engine.submit(IngestRequest(path: s.f.dir.path + "/other"), caller: s.f.caller)
        try FileManager.default.removeItem(atPath: s.f.card + "/b.bin")
        #expect(mkfifo(s.f.card + "/b.bin", 0o600) == 0)
        // One engine runs both: the FIFO must not hold the queue behind it.
        let ended = try await s.f.runUntilDone(engine, [job.jobID, next.jobID], on: s.f.store)
        let done = ended[0], nextDone = ended[1]
        #expect(done.state == .completedWithErrors && done.stored == 1 && done.failed == 1, "\(done)")
        #expect(done.errors.first?.message.contains("not a regular file") == true, "\(done.errors)")
        #expect(nextDone.state == .completed && nextDone.stored == 1, "\(nextDone)")
    }

    @Test("a FIFO given as an image is refused at once, by its type", arguments: resolvers)
    func fifoImage(_ resolver: PathResolver) async throws {
        let s = try Setup()
        defer { s.f.dir.remove() }
        #expect(mkfifo(s.f.dir.path + "/card.img", 0o600) == 0)
        let engine = s.engine(resolver)
        let refusal = await #expect(throws: IngestError.self) {
            _ = try await engine.submit(IngestRequest(path: s.f.dir.path + "/card.img", image: true), caller: s.f.caller)
        }
        #expect(refusal?.code == .badRequest && refusal?.message.contains("neither a disk image") == true, "\(String(describing: refusal))")
    }
}
