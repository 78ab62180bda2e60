#if canImport(Glibc)
import Glibc
#endif
import CLinuxSystem
import CustodyCore
import CustodyProtocol
import CustodyTestSupport
import Crypto
import Foundation
import Synchronization
import Testing
@testable import CustodyIngest
@testable import CustodyStore

/// The verification re-read must come from the store's device, not from the page
/// cache the copy just filled: the staged copy's pages are gone (mincore) when the
/// re-read starts, and the re-read makes the kernel read the file's bytes from the
/// device (`read_bytes` of the reading thread, /proc/thread-self/io).
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

    @Test("the staged copy is flushed and dropped before it is re-read, and the re-read reaches the device",
          arguments: [(8 << 20, "a large file (fdatasync)"), (48 << 10, "a small file (written out, synced with its group)")])
    func rereadFromDevice(size: Int, kind: String) throws {
        let f = try IngestFixture()
        defer { f.dir.remove() }
        let bytes = (0..<size).map { UInt8(truncatingIfNeeded: $0 &* 131 &+ $0 >> 9) }
        try f.dir.write("card/clip.bin", Data(bytes))
        let seen = Observation()
        var ingester = FileIngester(store: f.store, chunkBytes: 1 << 20, syncLargeFilesBytes: 1 << 20, known: [:])
        ingester.beforeVerifying = { fd, length in
            seen.residentPages.withLock { $0 = custody_resident_pages(fd, length) }
            seen.readBytes.withLock { $0 = try? Self.threadReadBytes() }
        }
        let source = DirectorySource(root: try ConfinedDirectory.open(absolute: f.card), singleFile: nil)
        let job = JobContext(jobID: 1, sourceID: 1, root: f.card, deviceSerial: nil, requester: f.caller)
        // Called on this thread: the hook and the re-read run here, so this thread's I/O counts them.
        let result = ingester.ingest(PlannedFile(path: "clip.bin", size: Int64(size), modifiedAt: nil), from: source,
                                     job: job, cancel: CancellationFlag())
        let after = try Self.threadReadBytes()
        guard case .done(let outcome, let staged?) = result, case .stored(let facts) = outcome.result else {
            Issue.record("\(kind): not stored: \(result)")
            return
        }
        defer { staged.discard() }
        #expect(facts.sha256 == SHA256.hash(data: bytes).hexString)
        #expect(seen.residentPages.withLock { $0 } == 0, "\(kind): pages of the staged copy still cached when the re-read began")
        let before = try #require(seen.readBytes.withLock { $0 })
        #expect(after - before >= Int64(size), "\(kind): the re-read read \(after - before) bytes from the device, the file is \(size)")
    }
}
