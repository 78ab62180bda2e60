import CustodyCore
import CustodyIngest
import CustodyMetrics
import CustodyModel
import CustodyProtocol
import CustodyStore

/// The metric families read from the index and the file system at each scrape:
/// devices docked, jobs by state, files and bytes ingested, queue depth, store
/// size and free space, ledger size.
public enum StoreMetrics {
    public static func register(in registry: MetricsRegistry, version: String,
                                snapshot: @escaping @Sendable () throws -> StoreMetricsSnapshot,
                                engine: IngestEngine, space: FreeSpaceGate) {
        let info = registry.gauge("custody_build_info", help: "The running custodyd's version (value 1).", labels: ["version"])
        info.set(1, labels: [version])
        let docked = registry.gauge("custody_devices_docked", help: "Devices docked now, by kind.", labels: ["kind"])
        let jobs = registry.gauge("custody_jobs", help: "Ingest jobs by state.", labels: ["state"])
        let queue = registry.gauge("custody_ingest_queue_depth", help: "Ingest jobs waiting to run.")
        let running = registry.gauge("custody_ingest_jobs_running", help: "Ingest jobs copying now.")
        let files = registry.counter("custody_ingest_files_total", help: "Files taken in by ingest jobs, by outcome.", labels: ["outcome"])
        let bytes = registry.counter("custody_ingest_bytes_total", help: "Bytes of the files ingest stored as new items.")
        let items = registry.gauge("custody_store_items", help: "Items in the index.")
        let blobs = registry.gauge("custody_store_blobs", help: "Distinct contents stored.")
        let stored = registry.gauge("custody_store_size_bytes", help: "Total size of the stored blobs.")
        let free = registry.gauge("custody_store_free_bytes", help: "Bytes free for custodyd on the store's file system.")
        let size = registry.gauge("custody_store_filesystem_size_bytes", help: "Size of the store's file system.")
        let low = registry.gauge("custody_store_space_low", help: "1 while free space is below [space] warnBelowBytes.")
        let paused = registry.gauge("custody_ingest_paused", help: "1 while ingest is paused for want of free space.")
        let ledger = registry.gauge("custody_ledger_entries", help: "Entries (leaves) in the custody ledger.")
        let checkpoints = registry.gauge("custody_ledger_checkpoints", help: "Signed checkpoints of the ledger kept.")
        // Present from the start, so that a dashboard sees zeros rather than nothing.
        IngestMetrics.verificationFailures(registry).increment(by: 0, labels: ["ledger"])

        registry.addCollector {
            let s = try snapshot()
            var kinds: [[String]: Double] = [["unsupported"]: 0]
            for kind in DeviceKind.allCases { kinds[[kind.rawValue]] = 0 }
            for (kind, n) in s.docked { kinds[[kind]] = Double(n) }
            docked.replaceAll(kinds)
            jobs.replaceAll(Dictionary(uniqueKeysWithValues: s.jobs.map { ([$0.key.rawValue], Double($0.value)) }))
            queue.set(Double(s.jobs[.queued] ?? 0))
            running.set(Double(engine.runningJobs))
            files.set(Double(s.filesStored), labels: ["stored"])
            files.set(Double(s.filesDuplicate), labels: ["duplicate"])
            files.set(Double(s.filesFailed), labels: ["failed"])
            bytes.set(Double(s.bytesIngested))
            items.set(Double(s.totals.items))
            blobs.set(Double(s.totals.blobs))
            stored.set(Double(s.totals.bytesStored))
            ledger.set(Double(s.ledgerEntries))
            checkpoints.set(Double(s.checkpoints))
            let sample = try space.refresh()
            free.set(Double(sample.freeBytes))
            size.set(Double(sample.totalBytes))
            low.set(sample.freeBytes < space.limits.warnBelowBytes ? 1 : 0)
            paused.set(space.isPaused ? 1 : 0)
        }
    }
}
