/// Which clusters the files listed so far use: one bit per cluster of the heap, so a
/// listing finds cross-linked files and walks each cluster at most once however the
/// chains are tangled. Volumes with more than 2^30 clusters (over 128 MiB of bits)
/// are not tracked.
struct ClusterClaims {
    private var words: [UInt64]

    static let maximumClusters: UInt32 = 1 << 30

    init?(clusterCount: UInt32) {
        guard clusterCount <= Self.maximumClusters else { return nil }
        words = [UInt64](repeating: 0, count: Int((UInt64(clusterCount) + 63) / 64))
    }

    /// Whether `cluster` is marked used.
    func isClaimed(_ cluster: UInt32) -> Bool {
        let index = Int(cluster &- 2)
        let word = index >> 6
        guard index >= 0, word < words.count else { return false }
        return words[word] & (1 << UInt64(index & 63)) != 0
    }

    /// Marks `run` as used; returns the first of its clusters that already was.
    mutating func claim(_ run: ClusterRun) -> UInt32? {
        for step in 0..<run.count {
            let index = Int(run.first &- 2 &+ step)
            let word = index >> 6
            guard word < words.count else { return nil }
            let bit: UInt64 = 1 << UInt64(index & 63)
            if words[word] & bit != 0 { return run.first &+ step }
            words[word] |= bit
        }
        return nil
    }
}
