/// The data area of a volume: clusters 2 … clusterCount + 1, each `clusterSize` bytes,
/// cluster 2 starting at byte `offset` of the volume.
struct ClusterHeap: Sendable {
    let device: any BlockDevice
    let offset: UInt64
    let clusterSize: UInt64
    let clusterCount: UInt32

    /// Whether `cluster` names a cluster of the heap.
    func contains(_ cluster: UInt32) -> Bool {
        cluster >= 2 && cluster - 2 < clusterCount
    }

    /// Whether `count` clusters from `first` all lie in the heap.
    func contains(first: UInt32, count: UInt64) -> Bool {
        guard contains(first), count >= 1 else { return count == 0 }
        return UInt64(first - 2) + count <= UInt64(clusterCount)
    }

    /// Byte offset of `cluster` on the volume; the cluster must be in the heap.
    func byteOffset(of cluster: UInt32) -> UInt64 {
        // clusterCount * clusterSize fits the volume, which was validated to fit in UInt64.
        offset + UInt64(cluster - 2) * clusterSize
    }

    /// Number of clusters needed for `bytes`.
    func clusters(for bytes: UInt64) -> UInt64 {
        divideRoundingUp(bytes, clusterSize)
    }
}
