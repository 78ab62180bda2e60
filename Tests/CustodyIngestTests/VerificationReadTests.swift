#if canImport(Glibc)
import Glibc
#endif
import CLinuxSystem
import CustodyCore
import CustodyModel
import CustodyTestSupport
import Crypto
import Foundation
import Synchronization
import Testing
@testable import CustodyDirectory
@testable import CustodyIngest
@testable import CustodyStore

/// The verification re-read must come from the store's device, not from the page
/// cache the copy just filled: the staged copy's pages are gone (mincore) when the
/// re-read starts, and the re-read makes the kernel read the file's bytes from the
/// device (`read_bytes` of the reading thread, /proc/thread-self/io). Everything runs
/// on the test's thread, so that thread's I/O is the re-read's.
@Suite("Verification reads the device, not the page cache")
struct VerificationReadTests {
    /// Bytes this thread has caused to be read from storage so far.
    static func threadReadBytes() throws -> Int64 {
        let text = try String(contentsOfFile: "/proc/thread-self/io", encoding: .utf8)
        let line = try #require(text.split(separator: "\n").first { $0.hasPrefix("read_bytes:") })
        return try #require(Int64(line.split(separator: " ").last ?? ""))
    }

    /// What the ingester's hook saw just before its re-read.
    final class Observation: Sendable {
        let residentPages = Mutex<Int?>(nil)
        let readBytes = Mutex<Int64?>(nil)
    }

    /// A file staged by the ingester (its bytes written, not yet verified), on this thread.
    func stage(_ f: IngestFixture, size: Int, observer: DeviceVerification.Observer?) throws
        -> (bytes: [UInt8], staged: TemporaryBlob, facts: StoredFileFacts)? {
        let bytes = (0..<size).map { UInt8(truncatingIfNeeded: $0 &* 131 &+ $0 >> 9) }
        try f.dir.write("card/clip.bin", Data(bytes))
        var ingester = FileIngester(store: f.store, chunkBytes: 1 << 20, syncLargeFilesBytes: 1 << 20, known: [:])
        ingester.beforeVerifying = observer
        let source = DirectorySource(root: try ConfinedDirectory.open(absolute: f.card), singleFile: nil)
        let job = JobContext(jobID: 1, sourceID: 1, root: f.card, deviceSerial: nil, requester: f.caller)
        let result = ingester.ingest(PlannedFile(path: "clip.bin", size: Int64(size), modifiedAt: nil), from: source,
                                     job: job, cancel: CancellationFlag())
        guard case .done(let outcome, let staged?) = result, case .stored(let facts) = outcome.result else {
            Issue.record("not stored: \(result)")
            return nil
        }
        #expect(facts.sha256 == SHA256.hash(data: bytes).hexString)
        return (bytes, staged, facts)
    }

    func observer(_ seen: Observation) -> DeviceVerification.Observer {
        { fd, length in
            seen.residentPages.withLock { $0 = custody_resident_pages(fd, length) }
            seen.readBytes.withLock { $0 = try? Self.threadReadBytes() }
        }
    }

    func expectFromDevice(_ seen: Observation, after: Int64, size: Int, _ kind: String) throws {
        #expect(seen.residentPages.withLock { $0 } == 0, "\(kind): pages of the staged copy still cached when the re-read began")
        let before = try #require(seen.readBytes.withLock { $0 }, "\(kind): the copy was not re-read")
        #expect(after - before >= Int64(size), "\(kind): the re-read read \(after - before) bytes from the device, the file is \(size)")
    }

    @Test("a large file is made durable, dropped from the page cache and re-read from the device")
    func largeFile() throws {
        let f = try IngestFixture()
        defer { f.dir.remove() }
        let seen = Observation()
        let size = 8 << 20
        // Staged and verified on this thread: its I/O counts the re-read.
        guard let (_, staged, _) = try stage(f, size: size, observer: observer(seen)) else { return }
        defer { staged.discard() }
        try expectFromDevice(seen, after: try Self.threadReadBytes(), size: size, "a large file (fdatasync)")
    }

    @Test("small files are verified with their group: one syncfs, then each dropped and re-read from the device")
    func smallFiles() throws {
        let f = try IngestFixture()
        defer { f.dir.remove() }
        let size = 48 << 10
        let untouched = Observation()
        guard let (_, staged, facts) = try stage(f, size: size, observer: observer(untouched)) else { return }
        defer { staged.discard() }
        #expect(untouched.readBytes.withLock { $0 } == nil, "a small file is not verified on its own")
        let seen = Observation()
        try DeviceVerification.verifyGroup([(staged, facts.sha256)], sizes: [facts.size], observer: observer(seen))
        try expectFromDevice(seen, after: try Self.threadReadBytes(), size: size, "a small file (its group's syncfs)")
        // A copy that reads back otherwise stops the group.
        let other = String(repeating: "0", count: 64)
        #expect(throws: DeviceVerification.Mismatch.self) {
            try DeviceVerification.verifyGroup([(staged, other)], sizes: [facts.size])
        }
    }
}
