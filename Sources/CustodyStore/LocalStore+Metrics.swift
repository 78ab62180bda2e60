import CustodyCore
import CustodyModel
import GRDB

/// What `/metrics` reads from the index, in one read transaction.
public struct StoreMetricsSnapshot: Sendable, Equatable {
    /// Jobs by state (every state, zero included).
    public var jobs: [JobState: Int64] = [:]
    /// Files of all jobs by outcome, and the bytes of files stored.
    public var filesStored: Int64 = 0
    public var filesDuplicate: Int64 = 0
    public var filesFailed: Int64 = 0
    public var bytesIngested: Int64 = 0
    /// Devices docked now, by kind (`unsupported` for a device no catalog entry matched).
    public var docked: [String: Int64] = [:]
    public var totals = StoreTotals(items: 0, blobs: 0, bytesStored: 0)
    public var ledgerEntries: Int64 = 0
    public var checkpoints: Int64 = 0
}

extension LocalStore {
    public func metricsSnapshot() throws -> StoreMetricsSnapshot {
        try db.read { db in
            var s = StoreMetricsSnapshot()
            for state in JobState.allCases { s.jobs[state] = 0 }
            for row in try Row.fetchAll(db, sql: "SELECT state, count(*) AS n FROM jobs GROUP BY state") {
                if let state = JobState(rawValue: row["state"]) { s.jobs[state] = row["n"] }
            }
            let files = try Row.fetchOne(db, sql: """
                SELECT coalesce(sum(stored), 0) AS stored, coalesce(sum(duplicates), 0) AS duplicates,
                       coalesce(sum(failed), 0) AS failed, coalesce(sum(bytes_stored), 0) AS bytes FROM jobs
                """)!
            s.filesStored = files["stored"]
            s.filesDuplicate = files["duplicates"]
            s.filesFailed = files["failed"]
            s.bytesIngested = files["bytes"]
            for row in try Row.fetchAll(db, sql: """
                SELECT coalesce(kind, 'unsupported') AS kind, count(*) AS n FROM docks WHERE state <> 'removed' GROUP BY 1
                """) {
                s.docked[row["kind"]] = row["n"]
            }
            let items = try Int64.fetchOne(db, sql: "SELECT count(*) FROM items") ?? 0
            let blobs = try Row.fetchOne(db, sql: "SELECT count(*) AS n, coalesce(sum(size), 0) AS bytes FROM blobs")!
            s.totals = StoreTotals(items: items, blobs: blobs["n"], bytesStored: blobs["bytes"])
            s.ledgerEntries = try Int64.fetchOne(db, sql: "SELECT count(*) FROM ledger") ?? 0
            s.checkpoints = try Int64.fetchOne(db, sql: "SELECT count(*) FROM ledger_checkpoints") ?? 0
            return s
        }
    }
}

extension LocalStore {
    /// The index answers a query (the watchdog's probe).
    public func ping() throws {
        _ = try db.read { try Int.fetchOne($0, sql: "SELECT 1") }
    }
}
