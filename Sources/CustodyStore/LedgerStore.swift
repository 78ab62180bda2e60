import CustodyCore
import CustodyLedger
import CustodyModel
import Crypto
import Foundation
import GRDB

/// One thing verification found wrong, naming what and where.
public struct VerificationProblem: Sendable, Equatable, Codable {
    /// e.g. `ledger-leaf`, `ledger-missing`, `checkpoint-root`, `checkpoint-signature`, `blob-hash`, `blob-missing`.
    public var kind: String
    /// e.g. `event:42`, `checkpoint:1000`, `item:12`.
    public var subject: String
    public var expected: String?
    public var found: String?
    public var message: String
}

/// The result of a verification.
public struct VerificationReport: Sendable, Equatable, Codable {
    public var ok: Bool { problems.isEmpty }
    public var treeSize: Int
    public var checkpointsChecked: Int
    public var blobsChecked: Int
    public var problems: [VerificationProblem]
}

/// The custody ledger kept in the index.
public protocol LedgerStore: Sendable {
    /// Number of leaves (= custody events).
    func ledgerSize() throws -> Int
    /// The leaf hashes as recorded, in order.
    func leafHashes() throws -> [Hash]
    /// The leaves with the sequence numbers of their events (ascending), read in one scan.
    func ledgerEntries() throws -> (seqs: [Int64], leaves: [Hash])
    /// Keeps a signed checkpoint (never replaced) and returns the one kept for its size.
    @discardableResult
    func recordCheckpoint(_ checkpoint: Checkpoint, note: String) throws -> SignedCheckpoint
    func checkpoints() throws -> [SignedCheckpoint]
    /// The checkpoint of the largest tree, without reading the others.
    func latestCheckpoint() throws -> SignedCheckpoint?
    /// Recomputes every leaf from its event, every checkpoint's root, and checks every
    /// signature; with `full`, re-hashes every blob against its items too.
    func verify(stationName: String, publicKey: Curve25519.Signing.PublicKey, full: Bool) throws -> VerificationReport
}

/// Where an event's leaf sits in the ledger.
public enum LeafIndex {
    /// The leaf index of event `seq` in `seqs` (ascending, from ``LedgerStore/ledgerEntries()``), by bisection.
    public static func of(seq: Int64, in seqs: [Int64]) -> Int? {
        var low = 0, high = seqs.count
        while low < high {
            let mid = (low + high) / 2
            if seqs[mid] < seq { low = mid + 1 } else { high = mid }
        }
        return low < seqs.count && seqs[low] == seq ? low : nil
    }
}

private func hex(_ bytes: some Sequence<UInt8>) -> String { bytes.map { String(format: "%02x", $0) }.joined() }

extension LocalStore: LedgerStore {
    public func ledgerSize() throws -> Int {
        try db.read { try Int.fetchOne($0, sql: "SELECT count(*) FROM ledger") ?? 0 }
    }

    public func leafHashes() throws -> [Hash] { try ledgerEntries().leaves }

    /// The leaves with the sequence numbers of their events (ascending), read in one scan.
    public func ledgerEntries() throws -> (seqs: [Int64], leaves: [Hash]) {
        try db.read { db in
            var seqs: [Int64] = [], leaves: [Hash] = []
            let rows = try Row.fetchCursor(db, sql: "SELECT seq, leaf FROM ledger ORDER BY seq")
            while let row = try rows.next() {
                seqs.append(row["seq"])
                leaves.append(Array(row["leaf"] as Data))
            }
            return (seqs, leaves)
        }
    }

    @discardableResult
    public func recordCheckpoint(_ checkpoint: Checkpoint, note: String) throws -> SignedCheckpoint {
        try db.write { db in
            try db.execute(sql: "INSERT OR IGNORE INTO ledger_checkpoints (tree_size, root, note, made_at) VALUES (?, ?, ?, ?)",
                           arguments: [checkpoint.treeSize, Data(checkpoint.rootHash), note, now])
            return try Row.fetchOne(db, sql: "SELECT * FROM ledger_checkpoints WHERE tree_size = ?", arguments: [checkpoint.treeSize])
                .map(Self.storedCheckpoint)!
        }
    }

    public func checkpoints() throws -> [SignedCheckpoint] {
        try db.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM ledger_checkpoints ORDER BY tree_size").map(Self.storedCheckpoint)
        }
    }

    public func latestCheckpoint() throws -> SignedCheckpoint? {
        try db.read { db in
            try Row.fetchOne(db, sql: "SELECT * FROM ledger_checkpoints ORDER BY tree_size DESC LIMIT 1").map(Self.storedCheckpoint)
        }
    }

    static func storedCheckpoint(_ row: Row) -> SignedCheckpoint {
        SignedCheckpoint(treeSize: row["tree_size"], rootHash: Array(row["root"] as Data), note: row["note"], madeAt: row["made_at"])
    }

    public func verify(stationName: String, publicKey: Curve25519.Signing.PublicKey, full: Bool) throws -> VerificationReport {
        var problems: [VerificationProblem] = []
        // 1. Every event's leaf, recomputed from the event row, against the ledger.
        let (events, recorded) = try db.read { db -> ([CustodyEvent], [Int64: Hash]) in
            var events: [CustodyEvent] = []
            let rows = try Row.fetchCursor(db, sql: "SELECT \(Self.eventColumns) FROM events ORDER BY seq")
            while let row = try rows.next() { events.append(Self.eventRecord(positional: row)) }
            var recorded: [Int64: Hash] = [:]
            let leaves = try Row.fetchCursor(db, sql: "SELECT seq, leaf FROM ledger")
            while let row = try leaves.next() { recorded[row[0]] = Array(row[1] as Data) }
            return (events, recorded)
        }
        var leaves: [Hash] = []
        for event in events {
            let leaf = MerkleTree.leafHash(CanonicalEntry.bytes(of: event))
            leaves.append(leaf)
            guard let stored = recorded[event.seq] else {
                problems.append(VerificationProblem(kind: "ledger-missing", subject: "event:\(event.seq)", expected: hex(leaf), found: nil,
                                                    message: "event \(event.seq) (\(event.action) \(event.subject)) has no ledger leaf"))
                continue
            }
            if stored != leaf {
                problems.append(VerificationProblem(kind: "ledger-leaf", subject: "event:\(event.seq)", expected: hex(stored), found: hex(leaf),
                                                    message: "event \(event.seq) (\(event.action) \(event.subject)) no longer hashes to its ledger leaf: the event row was altered"))
            }
        }
        let eventSeqs = Set(events.map(\.seq))
        for seq in recorded.keys.sorted() where !eventSeqs.contains(seq) {
            problems.append(VerificationProblem(kind: "event-missing", subject: "event:\(seq)", expected: hex(recorded[seq]!), found: nil,
                                                message: "the ledger has leaf \(seq) but its event is gone"))
        }
        problems += try itemRowProblems(events)
        // 2. Every checkpoint: its signature, and its root over the recomputed leaves
        // (the tree is built once; each checkpoint's root is then O(log² n)).
        let tree = MerkleTreeIndex(leaves: leaves)
        let checkpoints = try self.checkpoints()
        for cp in checkpoints {
            do {
                let signed = try Checkpoint.verify(note: cp.note, name: stationName, publicKey: publicKey)
                if signed.treeSize != cp.treeSize || signed.rootHash != cp.rootHash {
                    problems.append(VerificationProblem(kind: "checkpoint-row", subject: "checkpoint:\(cp.treeSize)", expected: hex(signed.rootHash),
                                                        found: hex(cp.rootHash), message: "the index row of checkpoint \(cp.treeSize) differs from its signed note"))
                }
            } catch {
                problems.append(VerificationProblem(kind: "checkpoint-signature", subject: "checkpoint:\(cp.treeSize)", expected: nil, found: nil,
                                                    message: "checkpoint \(cp.treeSize): \(error)"))
            }
            guard cp.treeSize <= leaves.count else {
                problems.append(VerificationProblem(kind: "checkpoint-size", subject: "checkpoint:\(cp.treeSize)", expected: String(cp.treeSize),
                                                    found: String(leaves.count), message: "checkpoint \(cp.treeSize) covers more entries than the ledger holds: entries were removed"))
                continue
            }
            let root = tree.root(size: cp.treeSize)
            if root != cp.rootHash {
                problems.append(VerificationProblem(kind: "checkpoint-root", subject: "checkpoint:\(cp.treeSize)", expected: hex(cp.rootHash), found: hex(root),
                                                    message: "the first \(cp.treeSize) entries no longer hash to checkpoint \(cp.treeSize)'s root"))
            }
        }
        // 3. With full: every blob re-read against the hash its items name.
        var blobsChecked = 0
        if full {
            let blobs = try db.read { db in
                try Row.fetchAll(db, sql: "SELECT sha256, min(id) AS item FROM items WHERE deleted_at IS NULL GROUP BY sha256 ORDER BY sha256").map { ($0["sha256"] as String, $0["item"] as Int64) }
            }
            for (sha, item) in blobs {
                blobsChecked += 1
                do {
                    let found = try rehashBlob(sha)
                    if found != sha {
                        problems.append(VerificationProblem(kind: "blob-hash", subject: "item:\(item)", expected: sha, found: found,
                                                            message: "the stored file of item \(item) no longer has its SHA-256"))
                    }
                } catch {
                    problems.append(VerificationProblem(kind: "blob-missing", subject: "item:\(item)", expected: sha, found: nil,
                                                        message: "the stored file of item \(item) cannot be read: \(error)"))
                }
            }
        }
        return VerificationReport(treeSize: leaves.count, checkpointsChecked: checkpoints.count, blobsChecked: blobsChecked, problems: problems)
    }

    /// Each item's index row against the `item.store` event that recorded it: an edited
    /// hash, size or path in the index is named, as is an item no event recorded.
    private func itemRowProblems(_ events: [CustodyEvent]) throws -> [VerificationProblem] {
        var recorded: [String: CustodyEvent] = [:]
        for event in events where event.action == "item.store" { recorded[event.subject] = event }
        let rows = try db.read { db in try Row.fetchAll(db, sql: "SELECT id, sha256, size, source_path FROM items ORDER BY id") }
        var problems: [VerificationProblem] = []
        for row in rows {
            let id: Int64 = row["id"]
            guard let event = recorded["item:\(id)"] else {
                problems.append(VerificationProblem(kind: "item-unrecorded", subject: "item:\(id)", expected: nil, found: row["sha256"],
                                                    message: "item \(id) is in the index but no item.store event recorded it"))
                continue
            }
            let facts: [(String, String?, String)] = [
                ("sha256", event.detail["sha256"]?.stringValue, row["sha256"]),
                ("size", event.detail["size"]?.numberValue.map { String(Int64($0)) }, String(row["size"] as Int64)),
                ("path", event.detail["path"]?.stringValue, row["source_path"]),
            ]
            for (field, expected, found) in facts where expected != found {
                problems.append(VerificationProblem(kind: "item-row", subject: "item:\(id)", expected: expected, found: found,
                                                    message: "item \(id)'s \(field) in the index differs from event \(event.seq) that recorded it: the index row was edited"))
            }
        }
        return problems
    }
}
