/// Where a file's or directory's clusters come from: a FAT chain, or (exFAT
/// NoFatChain) a contiguous range.
struct ClusterSource: Sendable {
    private enum Mode: Sendable {
        case chain(ClusterChain)
        case contiguous(next: UInt32, remaining: UInt64)
    }

    private var mode: Mode

    init(chain: ClusterChain) {
        mode = .chain(chain)
    }

    /// `count` clusters from `first`, all of which must be in the heap.
    init(contiguousFrom first: UInt32, count: UInt64, heap: ClusterHeap, subject: String, path: String?) throws(VolumeError) {
        guard count == 0 || heap.contains(first: first, count: count) else {
            throw VolumeError(.clusterOutOfRange,
                "\(subject): its \(count) contiguous clusters from cluster \(first) run outside the cluster heap (2–\(UInt64(heap.clusterCount) + 1))", path: path)
        }
        mode = .contiguous(next: first, remaining: count)
    }

    mutating func nextRun(maxClusters: UInt64) throws(VolumeError) -> ClusterRun? {
        switch mode {
        case .chain(var chain):
            let run = try chain.nextRun(maxClusters: maxClusters)
            mode = .chain(chain)
            return run
        case .contiguous(let next, let remaining):
            guard remaining > 0 else { return nil }
            let count = min(remaining, maxClusters, UInt64(UInt32.max))
            mode = .contiguous(next: next &+ UInt32(count), remaining: remaining - count)
            return ClusterRun(first: next, count: UInt32(count))
        }
    }

    mutating func finish() throws(VolumeError) {
        if case .chain(var chain) = mode {
            try chain.finish()
            mode = .chain(chain)
        }
    }
}
