/// Where a FAT volume's copies of the FAT disagree. FAT12/16/32 keep two identical
/// copies (unless FAT32 mirroring is off); an entry that differs means one copy was
/// damaged, and a chain passing through it may not be the chain that was written, so
/// every file or directory whose clusters include it is doubtful.
struct FATDifferences: Sendable, Equatable {
    /// Clusters whose entries differ, ascending (at most ``limit`` kept).
    private(set) var clusters: [UInt32] = []
    /// Entries that differ in all.
    private(set) var count = 0

    /// More clusters than this are counted, not kept: then every chain is in doubt.
    static let limit = 65_536

    var isEmpty: Bool { count == 0 }
    /// Whether more entries differ than were kept.
    var overflowed: Bool { count > clusters.count }

    mutating func add(_ cluster: UInt32) {
        count += 1
        if clusters.count < Self.limit { clusters.append(cluster) }
    }

    /// A cluster of `run` whose entry differs between the copies, if any.
    func touches(_ run: ClusterRun) -> UInt32? {
        guard !isEmpty else { return nil }
        if overflowed { return run.first }
        // First kept cluster at or after the run's start (binary search).
        var low = 0, high = clusters.count
        while low < high {
            let middle = (low + high) / 2
            if clusters[middle] < run.first { low = middle + 1 } else { high = middle }
        }
        guard low < clusters.count else { return nil }
        let found = clusters[low]
        return UInt64(found) < UInt64(run.first) + UInt64(run.count) ? found : nil
    }

    /// Compares the active FAT with every other copy, 64 KiB at a time; only windows
    /// whose bytes differ are decoded entry by entry. Entries 0 and 1 (media byte and
    /// dirty flags, which systems update in one copy) are not compared.
    /// - Returns: the differences, and a problem when a copy could not be read.
    static func compare(active: FATTable, others: [FATTable]) -> (FATDifferences, [VolumeProblem]) {
        var differences = FATDifferences()
        var problems: [VolumeProblem] = []
        let window = FATWindow.size
        let firstCluster: UInt64 = 2
        let lastCluster = UInt64(active.clusterCount) + 2  // exclusive
        let used = min(active.length, active.kind.bytes(forEntries: lastCluster))
        // FAT volumes have at most two copies (the boot sector is refused otherwise), so
        // each differing cluster is met once, in ascending order.
        for other in others {
            var start: UInt64 = 0
            // Clusters below this were decoded already (windows' ranges overlap by one entry).
            var lastDecoded: UInt64 = 0
            while start < used {
                let count = Int(min(window, used - start))
                let mine: [UInt8], theirs: [UInt8]
                do throws(VolumeError) {
                    mine = try active.device.readBytes(at: active.offset + start, count: count, what: "the active FAT")
                    theirs = try other.device.readBytes(at: other.offset + start, count: count, what: "a copy of the FAT")
                } catch {
                    problems.append(VolumeError(.fatCopiesDiffer,
                        "\(active.device.name): the FAT copies cannot be compared past byte \(start) of the FAT: \(error.message)"))
                    break
                }
                if mine != theirs {
                    // Entries overlapping this window; FAT12 entries straddle bytes, so one more each side.
                    let low = max(firstCluster, active.kind.firstCluster(atByte: start), lastDecoded)
                    let high = min(lastCluster, active.kind.firstCluster(atByte: start + UInt64(count)) + 2)
                    var myWindow = FATWindow(), theirWindow = FATWindow()
                    var cluster = low
                    while cluster < high {
                        let c = UInt32(cluster)
                        let a = try? active.entry(of: c, window: &myWindow)
                        let b = try? other.entry(of: c, window: &theirWindow)
                        if a != b { differences.add(c) }
                        cluster += 1
                    }
                    lastDecoded = high
                }
                start += UInt64(count)
            }
        }
        return (differences, problems)
    }
}

extension FATKind {
    /// The cluster whose entry starts at (or straddles) byte `offset` of the FAT.
    func firstCluster(atByte offset: UInt64) -> UInt64 {
        switch self {
        case .fat12: offset * 2 / 3
        case .fat16: offset / 2
        case .fat32, .exfat: offset / 4
        }
    }
}
