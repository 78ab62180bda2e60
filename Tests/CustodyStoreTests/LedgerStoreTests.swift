import CustodyCore
import CustodyLedger
import CustodyModel
import CustodyTestSupport
import Crypto
import Foundation
import GRDB
import Testing
@testable import CustodyStore

@Suite("Custody ledger in the store")
struct LedgerStoreTests {
    let key = StationKey(name: "custody.test/station", privateKey: Curve25519.Signing.PrivateKey())

    /// A store with two jobs' worth of events and a signed checkpoint over them.
    func populated() throws -> (StoreFixture, Checkpoint) {
        let f = try StoreFixture()
        try f.ingest(root: "/media/cardA", paths: ["a.mp4", "b.mp4"]) { Array($0.utf8) }
        try f.ingest(root: "/media/cardB", paths: ["c.wav"]) { Array($0.utf8) }
        let leaves = try f.store.leafHashes()
        let checkpoint = Checkpoint(origin: key.name, treeSize: leaves.count, rootHash: MerkleTree.root(leaves))
        try f.store.recordCheckpoint(checkpoint, note: try checkpoint.signed(by: key))
        return (f, checkpoint)
    }

    func verify(_ f: StoreFixture, full: Bool = false) throws -> VerificationReport {
        try f.store.verify(stationName: key.name, publicKey: key.publicKey, full: full)
    }

    @Test("every custody event is a leaf, hashed from its canonical bytes, in the event's transaction")
    func everyEventIsALeaf() throws {
        let (f, checkpoint) = try populated()
        defer { f.dir.remove() }
        let events = try f.store.events(EventQuery())
        let leaves = try f.store.leafHashes()
        #expect(leaves.count == events.count && events.count >= 5)
        #expect(leaves == events.map { MerkleTree.leafHash(CanonicalEntry.bytes(of: $0)) })
        #expect(try f.store.checkpoints().map(\.treeSize) == [checkpoint.treeSize])
        let report = try verify(f, full: true)
        #expect(report.ok && report.treeSize == events.count && report.checkpointsChecked == 1 && report.blobsChecked == 3, "\(report)")
        #expect(throws: DatabaseError.self) { try f.store.db.write { try $0.execute(sql: "DELETE FROM ledger") } }
        #expect(throws: DatabaseError.self) { try f.store.db.write { try $0.execute(sql: "UPDATE ledger_checkpoints SET note = ''") } }
    }

    @Test("a leaf index is found by its event's sequence number, gaps included")
    func leafIndex() {
        let seqs: [Int64] = [1, 2, 4, 7, 8, 20]
        for (i, seq) in seqs.enumerated() { #expect(LeafIndex.of(seq: seq, in: seqs) == i) }
        for missing: Int64 in [0, 3, 9, 21] { #expect(LeafIndex.of(seq: missing, in: seqs) == nil) }
        #expect(LeafIndex.of(seq: 1, in: []) == nil)
    }

    @Test("the latest checkpoint is read on its own, and recording one returns the row kept")
    func latestCheckpoint() throws {
        let (f, checkpoint) = try populated()
        defer { f.dir.remove() }
        #expect(try f.store.latestCheckpoint()?.treeSize == checkpoint.treeSize)
        let smaller = Checkpoint(origin: key.name, treeSize: 2, rootHash: MerkleTree.root(try f.store.leafHashes()[..<2]))
        let kept = try f.store.recordCheckpoint(smaller, note: try smaller.signed(by: key))
        #expect(kept.treeSize == 2 && kept.rootHash == smaller.rootHash)
        #expect(try f.store.latestCheckpoint()?.treeSize == checkpoint.treeSize, "the largest tree, not the newest row")
        let again = try f.store.recordCheckpoint(smaller, note: "another note")
        #expect(again.note == kept.note, "a checkpoint once kept is never replaced")
    }

    @Test("an altered event row is named, with the leaf it should hash to")
    func alteredEvent() throws {
        let (f, _) = try populated()
        defer { f.dir.remove() }
        try f.store.db.write { db in
            try db.execute(sql: "DROP TRIGGER events_no_update")
            try db.execute(sql: "UPDATE events SET actor_name = 'mallory' WHERE seq = 3")
        }
        let report = try verify(f)
        #expect(!report.ok)
        let problem = try #require(report.problems.first { $0.kind == "ledger-leaf" })
        #expect(problem.subject == "event:3" && problem.expected != problem.found)
        #expect(report.problems.contains { $0.kind == "checkpoint-root" && $0.subject.hasPrefix("checkpoint:") })
    }

    @Test("removed ledger entries and events are named")
    func removedEntries() throws {
        let (f, checkpoint) = try populated()
        defer { f.dir.remove() }
        try f.store.db.write { db in
            try db.execute(sql: "DROP TRIGGER events_no_delete")
            try db.execute(sql: "DROP TRIGGER ledger_no_delete")
            try db.execute(sql: "DELETE FROM ledger WHERE seq = 2")
            try db.execute(sql: "DELETE FROM ledger WHERE seq = (SELECT max(seq) FROM ledger)")
            try db.execute(sql: "DELETE FROM events WHERE seq = (SELECT max(seq) FROM events)")
        }
        let report = try verify(f)
        #expect(report.problems.contains { $0.kind == "ledger-missing" && $0.subject == "event:2" })
        #expect(report.problems.contains { $0.kind == "checkpoint-size" && $0.subject == "checkpoint:\(checkpoint.treeSize)" })
    }

    @Test("one byte changed in a stored file is found by a full verification, naming the item")
    func alteredBlob() throws {
        let (f, _) = try populated()
        defer { f.dir.remove() }
        let item = try #require(try f.store.items(ItemQuery()).items.first)
        let path = f.store.blobPath(item.sha256)
        chmod(path, 0o640)
        var bytes = try Data(contentsOf: URL(fileURLWithPath: path))
        bytes[0] ^= 0x01
        try bytes.write(to: URL(fileURLWithPath: path))
        #expect(try verify(f).ok, "without --full, blobs are not read")
        let report = try verify(f, full: true)
        let problem = try #require(report.problems.first)
        #expect(report.problems.count == 1 && problem.kind == "blob-hash" && problem.subject == "item:\(item.id)")
        #expect(problem.expected == item.sha256 && problem.found != item.sha256)
    }

    @Test("a forged checkpoint (other key, or an edited note) fails its signature")
    func forgedCheckpoint() throws {
        let (f, checkpoint) = try populated()
        defer { f.dir.remove() }
        let mallory = StationKey(name: key.name, privateKey: Curve25519.Signing.PrivateKey())
        let bigger = Checkpoint(origin: key.name, treeSize: checkpoint.treeSize - 1,
                                rootHash: MerkleTree.root(try f.store.leafHashes()[..<(checkpoint.treeSize - 1)]))
        try f.store.recordCheckpoint(bigger, note: try bigger.signed(by: mallory))
        let report = try verify(f)
        #expect(report.problems.map(\.kind) == ["checkpoint-signature"])
        #expect(report.problems.first?.subject == "checkpoint:\(checkpoint.treeSize - 1)")
    }
}
