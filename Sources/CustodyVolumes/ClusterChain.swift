/// Follows a cluster chain through the FAT, run by run, checking every link: each
/// next cluster must be in the heap, not free, not bad; the chain must not come back
/// on itself (Brent's cycle detection, plus a hard cap at the volume's cluster count);
/// and when the owner's size is known, it must end exactly where the size does.
struct ClusterChain: Sendable {
    let fat: FATTable
    let first: UInt32
    /// Clusters the owner needs (a file's size); nil to follow the chain to its end (directories).
    let expected: UInt64?
    /// Never more than this many clusters (a directory's size cap); beyond: `directory-too-large`.
    let maximum: UInt64
    /// "file 'DCIM/A.MP4'", for messages.
    let subject: String
    let path: String?

    /// Clusters handed out so far.
    private(set) var yielded: UInt64 = 0
    /// The next cluster to hand out; nil once the chain has ended.
    private var next: UInt32?
    private var window = FATWindow()
    // Brent's cycle detection.
    private var tortoise: UInt32
    private var power: UInt64 = 1
    private var steps: UInt64 = 0

    /// - Throws: `cluster-out-of-range` when clusters are needed and `first` is not in the heap.
    init(fat: FATTable, first: UInt32, expected: UInt64?, maximum: UInt64? = nil, subject: String, path: String?) throws(VolumeError) {
        self.fat = fat
        self.first = first
        self.expected = expected
        self.maximum = maximum ?? UInt64(fat.clusterCount)
        self.subject = subject
        self.path = path
        self.tortoise = first
        if expected == 0 {
            next = first == 0 ? nil : first
        } else {
            guard first >= 2, first - 2 < fat.clusterCount else {
                throw VolumeError(.clusterOutOfRange,
                    "\(subject): its first cluster \(first) is outside the cluster heap (2–\(UInt64(fat.clusterCount) + 1))", path: path)
            }
            next = first
        }
    }

    private var label: String { "the FAT chain of \(subject) (first cluster \(first))" }

    /// The next run of consecutive clusters, at most `maxClusters` long; nil when the
    /// chain has ended where it should.
    mutating func nextRun(maxClusters: UInt64) throws(VolumeError) -> ClusterRun? {
        guard let start = next else { return nil }
        if let expected, yielded >= expected {
            try finish()
        }
        var count: UInt32 = 0
        var cluster = start
        while true {
            count += 1
            yielded += 1
            if yielded > maximum {
                throw tooLarge()
            }
            try advance(from: cluster)
            if UInt64(count) >= maxClusters || count == UInt32.max { break }
            if let expected, yielded >= expected { break }
            guard let following = next, following == cluster &+ 1 else { break }
            cluster = following
        }
        return ClusterRun(first: start, count: count)
    }

    /// How far past the owner's size `finish` follows a chain to tell a loop from a
    /// long chain: enough for the message, and small, so that many files running into
    /// one long chain cannot make a listing slow.
    static let classificationSteps: UInt64 = 4096

    /// Checks that the chain ends here: after the expected clusters comes an
    /// end-of-chain mark. Otherwise throws `chain-too-long`, or `chain-cycle` when the
    /// remainder loops, or the code of whatever bad link it runs into.
    mutating func finish() throws(VolumeError) {
        guard var cluster = next else { return }
        if expected == 0 {
            throw VolumeError(.chainTooLong, "\(label): the file is empty but has clusters allocated", path: path)
        }
        var total = yielded + 1
        while true {
            if total - yielded > Self.classificationSteps {
                throw VolumeError(.chainTooLong,
                    "\(label) goes on for more than \(Self.classificationSteps) clusters past the \(expected ?? yielded) its size needs", path: path)
            }
            if total > UInt64(fat.clusterCount) {
                throw VolumeError(.chainCycle, "\(label) is longer than the volume has clusters: it loops", path: path)
            }
            let entry: FATEntry
            do throws(VolumeError) {
                entry = try fat.entry(of: cluster, window: &window)
            } catch {
                throw error.context(label, path: path)
            }
            switch entry {
            case .endOfChain:
                throw VolumeError(.chainTooLong,
                    "\(label) has \(total) clusters, more than the \(expected ?? yielded) its size needs", path: path)
            case .next(let following):
                try checkCycle(following, after: total)
                cluster = following
                total += 1
            default:
                throw linkError(entry, at: cluster, after: total)
            }
        }
    }

    /// Reads the FAT entry of `cluster` and sets `next`.
    private mutating func advance(from cluster: UInt32) throws(VolumeError) {
        let entry: FATEntry
        do throws(VolumeError) {
            entry = try fat.entry(of: cluster, window: &window)
        } catch {
            throw error.context(label, path: path)
        }
        switch entry {
        case .next(let following):
            if let expected, yielded >= expected {
                // Past the size: `finish` classifies it (too long, or a cycle).
                next = following
                return
            }
            try checkCycle(following, after: yielded)
            next = following
        case .endOfChain:
            next = nil
            if let expected, yielded < expected {
                throw VolumeError(.chainTooShort,
                    "\(label) ends after \(yielded) clusters; its size needs \(expected)", path: path)
            }
        default:
            throw linkError(entry, at: cluster, after: yielded)
        }
    }

    private mutating func checkCycle(_ following: UInt32, after count: UInt64) throws(VolumeError) {
        if following == tortoise || count >= UInt64(fat.clusterCount) {
            throw VolumeError(.chainCycle,
                "\(label) loops: after \(count) clusters it comes back to cluster \(following)", path: path)
        }
        steps += 1
        if steps == power {
            tortoise = following
            power = power << 1
            steps = 0
        }
    }

    private func linkError(_ entry: FATEntry, at cluster: UInt32, after count: UInt64) -> VolumeError {
        switch entry {
        case .free:
            VolumeError(.chainFreeCluster, "\(label): the FAT entry of cluster \(cluster) (link \(count)) marks it free, in the middle of the chain", path: path)
        case .bad:
            VolumeError(.chainBadCluster, "\(label): cluster \(cluster) (link \(count)) is marked bad", path: path)
        case .invalid(let value):
            VolumeError(.clusterOutOfRange, "\(label): the FAT entry of cluster \(cluster) (link \(count)) points to cluster \(value), outside the heap (2–\(UInt64(fat.clusterCount) + 1))", path: path)
        case .next, .endOfChain:
            VolumeError(.chainTooLong, "\(label): unexpected link at cluster \(cluster)", path: path)
        }
    }

    private func tooLarge() -> VolumeError {
        VolumeError(.directoryTooLarge, "\(label) has more than \(maximum) clusters, more than the file system allows", path: path)
    }
}
