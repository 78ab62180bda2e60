/// Finding, checking and streaming a listed file's clusters, the same way on FAT
/// and exFAT.
struct FileClusters: Sendable {
    let fat: FATTable
    let heap: ClusterHeap
    /// Where the volume's FAT copies disagree (FAT12/16/32 with two mirrored copies).
    var differences: FATDifferences? = nil

    /// Where `file`'s clusters come from, after checking its size and first cluster.
    func source(for file: VolumeFile) throws(VolumeError) -> ClusterSource {
        let subject = "file '\(file.path)'"
        let needed = heap.clusters(for: file.size)
        guard needed <= UInt64(heap.clusterCount) else {
            throw VolumeError(.fileSizeInvalid,
                "\(subject) is \(file.size) bytes, more than the volume's \(heap.clusterCount) clusters of \(heap.clusterSize) bytes hold", path: file.path)
        }
        guard file.validDataLength <= file.size else {
            throw VolumeError(.fileSizeInvalid,
                "\(subject): its valid data length \(file.validDataLength) exceeds its size \(file.size)", path: file.path)
        }
        if file.size > 0 && file.firstCluster == 0 {
            throw VolumeError(.chainTooShort, "\(subject) is \(file.size) bytes but has no clusters (first cluster 0)", path: file.path)
        }
        if file.isContiguous {
            return try ClusterSource(contiguousFrom: file.firstCluster, count: needed, heap: heap, subject: subject, path: file.path)
        }
        let chain = try ClusterChain(fat: fat, first: file.firstCluster, expected: needed, subject: subject, path: file.path)
        return ClusterSource(chain: chain)
    }

    /// Every run of `file`'s clusters, with the whole chain checked.
    func runs(of file: VolumeFile) throws(VolumeError) -> [ClusterRun] {
        var source = try source(for: file)
        var runs: [ClusterRun] = []
        while let run = try source.nextRun(maxClusters: UInt64(UInt32.max)) {
            runs.append(run)
        }
        try source.finish()
        return runs
    }

    /// What checking a file's clusters found that does not stop it being read.
    struct Check {
        var doubts: [VolumeProblem] = []
        /// The cluster it shares with a file listed before it, or with a directory.
        var crossLinked: UInt32?
    }

    /// Walks and checks `file`'s clusters for a listing: the chain (or contiguous
    /// range), that they are on the device (errors: the file cannot be read), and what
    /// makes its bytes doubtful: clusters an earlier file (`claims`) or a directory read
    /// so far (`directoryClusters`) uses, clusters the exFAT allocation bitmap marks
    /// free, entries on which the FAT copies disagree. A chain that runs into another
    /// file's clusters is not walked further (their rest was walked with that file).
    func validate(_ file: VolumeFile, claims: inout ClusterClaims?, directoryClusters: Set<UInt32> = [],
                  bitmap: ExFATBitmap? = nil) throws(VolumeError) -> Check {
        var source = try source(for: file)
        var runs: [ClusterRun] = []
        var check = Check()
        while let run = try source.nextRun(maxClusters: UInt64(UInt32.max)) {
            if let taken = claims?.claim(run) {
                if runs.contains(where: { taken >= $0.first && taken - $0.first < $0.count }) {
                    throw VolumeError(.chainCycle,
                        "the FAT chain of file '\(file.path)' (first cluster \(file.firstCluster)) loops: it comes back to its cluster \(taken)", path: file.path)
                }
                check.crossLinked = taken
                check.doubts.append(VolumeError(.clusterCrossLinked,
                    "file '\(file.path)': its cluster \(taken) is also used by a file listed before it (cross-linked files); the bytes of both are doubtful", path: file.path))
                check.doubts += fatDoubts(runs + [run], path: file.path)
                return check
            }
            if !directoryClusters.isEmpty,
               let shared = (0..<run.count).lazy.map({ run.first &+ $0 }).first(where: { directoryClusters.contains($0) }) {
                check.crossLinked = shared
                check.doubts.append(VolumeError(.clusterCrossLinked,
                    "file '\(file.path)': its cluster \(shared) is also a cluster of a directory (cross-linked); its bytes are doubtful", path: file.path))
            }
            runs.append(run)
        }
        try source.finish()
        try checkPresent(runs, path: file.path)
        if let bitmap, let free = try bitmap.firstFree(in: runs) {
            check.doubts.append(VolumeError(.exfatBitmapMismatch,
                "file '\(file.path)': its cluster \(free) is marked free in the allocation bitmap; its bytes are doubtful", path: file.path))
        }
        check.doubts += fatDoubts(runs, path: file.path)
        return check
    }

    /// A `fat-copies-differ` doubt when `runs` pass through an entry the FAT copies disagree on.
    func fatDoubts(_ runs: [ClusterRun], path: String) -> [VolumeProblem] {
        guard let differences, let cluster = runs.lazy.compactMap({ differences.touches($0) }).first else { return [] }
        return [VolumeError(.fatCopiesDiffer,
            "file '\(path)': the FAT copies disagree on the entry of its cluster \(cluster); its chain, and so its bytes, are doubtful", path: path)]
    }

    /// Throws `volume-truncated` when a run lies (partly) beyond the end of the device.
    func checkPresent(_ runs: [ClusterRun], path: String) throws(VolumeError) {
        for run in runs {
            let end = heap.byteOffset(of: run.first) + UInt64(run.count) * heap.clusterSize
            if end > heap.device.size {
                throw VolumeError(.volumeTruncated,
                    "file '\(path)': clusters \(run.first)–\(UInt64(run.first) + UInt64(run.count) - 1) end at byte \(end), beyond the end of the device (\(heap.device.size) bytes): the image is truncated", path: path)
            }
        }
    }

    /// A streaming reader of `file`.
    func reader(for file: VolumeFile) throws(VolumeError) -> ClusterFileReader {
        ClusterFileReader(heap: heap, size: file.size, validDataLength: file.validDataLength, path: file.path,
                          source: try source(for: file))
    }
}
