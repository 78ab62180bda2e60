import CustodyCore
import CustodyStore
import Foundation

/// Files waiting for their group commit (small ones still to be verified with the group).
struct CommitBatch {
    let limits: IngestConfiguration
    private(set) var outcomes: [FileOutcome] = []
    private(set) var staged: [(TemporaryBlob, sha256: String)] = []
    /// Staged copies under `syncLargeFilesBytes`, verified from the device with the group, and their sizes.
    private(set) var unverified: [(TemporaryBlob, sha256: String)] = []
    private(set) var unverifiedSizes: [Int64] = []
    private var bytes: Int64 = 0
    private var firstAdded: ContinuousClock.Instant?

    init(limits: IngestConfiguration) { self.limits = limits }

    var isEmpty: Bool { outcomes.isEmpty }

    /// True when the group should be committed now: enough files, enough bytes, or
    /// its first file has waited long enough.
    var isFull: Bool {
        guard let firstAdded else { return false }
        return outcomes.count >= limits.commitBatchFiles || bytes >= limits.commitBatchBytes
            || ContinuousClock.now - firstAdded >= .milliseconds(limits.commitIntervalMilliseconds)
    }

    mutating func add(_ outcome: FileOutcome, staged blob: TemporaryBlob?) {
        if firstAdded == nil { firstAdded = .now }
        outcomes.append(outcome)
        if let blob, case .stored(let facts) = outcome.result {
            staged.append((blob, facts.sha256))
            bytes += facts.size
            if facts.size < limits.syncLargeFilesBytes {
                unverified.append((blob, facts.sha256))
                unverifiedSizes.append(facts.size)
            }
        }
    }

    /// A group taken for commit.
    struct Taken: Sendable {
        var outcomes: [FileOutcome]
        var staged: [(TemporaryBlob, sha256: String)]
        var unverified: [(TemporaryBlob, sha256: String)]
        var unverifiedSizes: [Int64]
    }

    mutating func take() -> Taken {
        defer { outcomes = []; staged = []; unverified = []; unverifiedSizes = []; bytes = 0; firstAdded = nil }
        return Taken(outcomes: outcomes, staged: staged, unverified: unverified, unverifiedSizes: unverifiedSizes)
    }
}
