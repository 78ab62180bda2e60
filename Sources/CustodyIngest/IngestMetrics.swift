import CustodyMetrics

/// What ingest reports to `/metrics`: bytes copied and hashed, time spent
/// hashing, verification failures, and throughput over the last ten seconds.
public struct IngestMetrics: Sendable {
    let copiedBytes: CounterFamily
    let hashedBytes: CounterFamily
    let hashSeconds: CounterFamily
    let verificationFailures: CounterFamily
    let copyRate = RateWindow(seconds: 10)
    let hashRate = RateWindow(seconds: 10)

    public init(registry: MetricsRegistry) {
        copiedBytes = registry.counter("custody_ingest_copied_bytes_total",
                                       help: "Bytes read from sources and written to the store (duplicates are hashed, not copied).")
        hashedBytes = registry.counter("custody_hash_bytes_total", help: "Bytes hashed with SHA-256 while copying.")
        hashSeconds = registry.counter("custody_hash_seconds_total", help: "Seconds spent computing SHA-256 while copying, summed over workers.")
        verificationFailures = Self.verificationFailures(registry)
        verificationFailures.increment(by: 0, labels: ["ingest"])
        let throughput = registry.gauge("custody_ingest_throughput_bytes_per_second",
                                        help: "Bytes copied into the store per second, over the last 10 seconds.")
        let hashThroughput = registry.gauge("custody_hash_throughput_bytes_per_second",
                                            help: "SHA-256 speed while copying: bytes per second of hashing, over the last 10 seconds.")
        let copyRate = self.copyRate, hashRate = self.hashRate
        registry.addCollector {
            throughput.set(copyRate.rate())
            hashThroughput.set(hashRate.ratePerWeight())
        }
    }

    /// The verification failures family, shared by ingest and the ledger (label `kind`).
    public static func verificationFailures(_ registry: MetricsRegistry) -> CounterFamily {
        registry.counter("custody_verification_failures_total",
                         help: "Verifications that found a difference: a stored copy that read back wrong (ingest), a ledger verification with problems (ledger).",
                         labels: ["kind"])
    }

    func copied(bytes: Int) {
        copiedBytes.increment(by: Double(bytes))
        copyRate.add(Double(bytes))
    }

    func hashed(bytes: Int64, seconds: Duration) {
        let s = Double(seconds.components.seconds) + Double(seconds.components.attoseconds) / 1e18
        hashedBytes.increment(by: Double(bytes))
        hashSeconds.increment(by: s)
        hashRate.add(Double(bytes), weight: s)
    }

    func verificationFailed() { verificationFailures.increment(labels: ["ingest"]) }
}
