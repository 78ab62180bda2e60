import CustodyCore
import CustodyLedger
import CustodyModel
import CustodyTagging
import Foundation
import GRDB

/// The on-disk store: blobs under `<state>/blobs`, the index in `<state>/index.sqlite`
/// (WAL, `synchronous=FULL`: a commit is durable when it returns).
public final class LocalStore: EvidenceStore {
    public let stateDirectory: String
    let blobStore: BlobStore
    let db: DatabasePool
    let clock: any WallClock
    /// The Tagger stage, run inside each commit's transaction and on every re-tag.
    let tagger: Tagger
    /// Serialises installing blobs (with their items' commit) against retention removing them.
    let blobLifecycle = BlobLifecycle()
    /// What the store commits (custody events, state changes), as it commits it.
    public let changes: ChangePublisher
    /// Feeds ``changes`` from the writer connection's commits.
    let changeObserver: StoreChangeObserver

    public init(stateDirectory: String, clock: any WallClock = SystemWallClock(), tagger: Tagger = Tagger()) throws {
        self.stateDirectory = stateDirectory
        self.tagger = tagger
        self.clock = clock
        changes = ChangePublisher()
        changeObserver = StoreChangeObserver(publisher: changes)
        try POSIXFile.makeDirectories(stateDirectory)
        blobStore = try BlobStore(root: stateDirectory)
        var configuration = Configuration()
        configuration.prepareDatabase { db in
            // Durable commits: every custody event is on disk before its request is answered
            // (the writer is set again after GRDB's WAL setup, below).
            try db.execute(sql: "PRAGMA synchronous = FULL")
            try db.execute(sql: "PRAGMA foreign_keys = ON")
        }
        configuration.busyMode = .timeout(30)
        db = try DatabasePool(path: stateDirectory + "/index.sqlite", configuration: configuration)
        // GRDB turns WAL mode's writer to synchronous=NORMAL after prepareDatabase (a commit
        // is then durable only at the next checkpoint); the one writer connection is set
        // back to FULL here, so that each commit is on disk when it returns.
        try db.writeWithoutTransaction { try $0.execute(sql: "PRAGMA synchronous = FULL") }
        try IndexMigrations.migrator().migrate(db)
        // After the migrations: only what the daemon itself records is published.
        db.add(transactionObserver: changeObserver, extent: .observerLifetime)
    }

    var now: String { RFC3339.format(clock.now()) }

    // MARK: Blobs

    public func stageBlob() throws -> TemporaryBlob { try blobStore.makeTemporary() }

    public func installBlobs(_ blobs: [(TemporaryBlob, sha256: String)]) throws -> [Bool] {
        guard !blobs.isEmpty else { return [] }
        // Data of every temporary file durable before any name points at it…
        try blobStore.syncAll()
        var created: [Bool] = []
        for (blob, sha) in blobs { created.append(try blobStore.install(blob, sha256: sha)) }
        // …and the new directory entries durable before the index names them.
        try blobStore.syncAll()
        return created
    }

    public func rehashBlob(_ sha256: String) throws -> String { try blobStore.hashOfStoredBlob(sha256) }

    public func blobPath(_ sha256: String) -> String { blobStore.path(for: sha256) }

    // MARK: Events

    public func record(_ event: EventInput) throws {
        _ = try db.write { db in try insertEvent(db, event) }
    }

    /// Appends many custody events in one durable transaction (imports, benchmarks).
    public func record(batch events: [EventInput]) throws {
        try db.write { db in
            for event in events { try insertEvent(db, event) }
        }
    }

    /// Appends a custody event and its ledger leaf, in the caller's transaction.
    @discardableResult
    func insertEvent(_ db: Database, _ e: EventInput, encoder: JSONEncoder = IndexJSON.encoder(), time: String? = nil) throws -> Int64 {
        let time = time ?? now
        // The row must hold every byte the leaf is hashed from: text SQLite would end at a
        // NUL is refused before anything is written (the detail is JSON, where NUL is \u0000).
        try EventTextError.check(e, time: time)
        let detail = String(decoding: try encoder.encode(e.detail), as: UTF8.self)
        try db.cachedStatement(sql: """
            INSERT INTO events (time, actor_uid, actor_name, action, subject, outcome, detail)
            VALUES (?, ?, ?, ?, ?, ?, ?)
            """).execute(arguments: [time, Int64(e.actor.uid), e.actor.name, e.action, e.subject, e.outcome, detail])
        let seq = db.lastInsertedRowID
        // The detail's JSON round trip is an identity for event values (strings, finite
        // numbers, booleans, null, arrays, objects), and the envelope's text holds no NUL,
        // so hashing the event in memory equals hashing the row; `verify` recomputes every
        // leaf from the stored row and would say otherwise (EventRoundTripPropertyTests).
        let event = CustodyEvent(seq: seq, time: time, actor: Author(uid: e.actor.uid, name: e.actor.name), action: e.action,
                             subject: e.subject, outcome: e.outcome, detail: e.detail)
        try db.cachedStatement(sql: "INSERT INTO ledger (seq, leaf) VALUES (?, ?)")
            .execute(arguments: [seq, Data(MerkleTree.leafHash(CanonicalEntry.bytes(of: event)))])
        // Published to live subscribers once (and only if) the transaction commits.
        changeObserver.inserted(event)
        return seq
    }

    public func latestEventSeq() throws -> Int64 {
        try db.read { db in try Int64.fetchOne(db, sql: "SELECT COALESCE(MAX(seq), 0) FROM events") ?? 0 }
    }

    // MARK: Recovery

    public func recover() throws -> RecoveryReport {
        let removed = blobStore.removeLeftovers() + (try removeLeftoverDeletedBlobs())
        let hashes = try db.read { db in try String.fetchAll(db, sql: "SELECT sha256 FROM blobs WHERE deleted_at IS NULL") }
        let missing = hashes.filter { !blobStore.contains($0) }
        let unfinished = try jobIDs(in: [.queued, .running])
        let report = RecoveryReport(temporaryFilesRemoved: removed, missingBlobs: missing, unfinishedJobs: unfinished)
        try record(EventInput(actor: .daemon, action: "store.recover", subject: "store",
                              outcome: missing.isEmpty ? "ok" : "error",
                              detail: ["temporaryFilesRemoved": .number(Double(removed)),
                                       "missingBlobs": .array(missing.map { .string($0) }),
                                       "unfinishedJobs": .array(unfinished.map { .number(Double($0)) })]))
        return report
    }
}
