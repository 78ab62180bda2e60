/// An exFAT volume, opened read-only.
public struct ExFATVolume: EvidenceVolume {
    public private(set) var info: VolumeInfo
    let device: any BlockDevice
    let boot: ExFATBootSector
    let clusters: FileClusters
    /// The up-case table, when it is present and sound (names hashes are checked against it).
    let upcase: ExFATUpcase?
    /// The allocation bitmap, when it is present and sound (files' clusters are checked against it).
    let bitmap: ExFATBitmap?

    /// exFAT limits a directory to 256 MiB.
    static let maximumDirectoryBytes: UInt64 = 256 * 1024 * 1024

    /// Opens the exFAT volume whose boot sector is at byte 0 of `device`: checks the
    /// boot region (falling back to the backup region), then finds the allocation
    /// bitmap, the up-case table and the label in the root directory.
    /// - Throws: ``VolumeError`` `exfat-boot-sector` or `exfat-boot-checksum` naming
    ///   what is wrong, or a device error. A missing bitmap or up-case table is a
    ///   problem in ``VolumeInfo/problems``, not an error.
    public init(device: any BlockDevice, partitionIndex: Int? = nil, byteOffset: UInt64 = 0) throws(VolumeError) {
        let (boot, bootProblems) = try ExFATBootSector.load(device)
        var problems = bootProblems
        if boot.volumeBytes > device.size {
            problems.append(VolumeError(.volumeTruncated,
                "\(device.name): the exFAT file system is \(boot.volumeBytes) bytes but the device holds \(device.size): the image is truncated, and what lies beyond byte \(device.size) cannot be read"))
        }
        let fat = FATTable(device: device, kind: .exfat, offset: boot.activeFATOffset,
                           length: boot.fatLength * boot.bytesPerSector, clusterCount: boot.clusterCount)
        let heap = ClusterHeap(device: device, offset: boot.clusterHeapOffset * boot.bytesPerSector,
                               clusterSize: boot.clusterSize, clusterCount: boot.clusterCount)
        let clusters = FileClusters(fat: fat, heap: heap)
        let root = ExFATRootEntries.scan(clusters: clusters, rootCluster: boot.rootCluster, activeFAT: boot.activeFAT)
        problems += root.problems
        self.device = device
        self.boot = boot
        self.clusters = clusters
        self.upcase = root.upcase
        self.bitmap = root.bitmap
        self.info = VolumeInfo(fileSystem: .exfat, label: root.label, serialNumber: boot.serialNumber,
                               clusterSize: Int(boot.clusterSize), clusterCount: boot.clusterCount,
                               bytesPerSector: Int(boot.bytesPerSector), partitionIndex: partitionIndex,
                               byteOffset: byteOffset, byteLength: boot.volumeBytes, deviceName: device.name,
                               problems: problems)
    }

    public func list(limits: ListingLimits) -> VolumeListing {
        ExFATDirectoryWalker(volume: self).list(limits: limits)
    }

    public func reader(for file: VolumeFile) throws(VolumeError) -> any VolumeFileReader {
        try clusters.reader(for: file)
    }

    public func clusterRuns(of file: VolumeFile) throws(VolumeError) -> [ClusterRun] {
        try clusters.runs(of: file)
    }

    /// The stream of a directory: `length` nil follows the FAT chain to its end (the root).
    func directoryStream(cluster: UInt32, length: UInt64?, contiguous: Bool, path: String) throws(VolumeError) -> DirectoryStream {
        let subject = path.isEmpty ? "the root directory" : "directory '\(path)'"
        let heap = clusters.heap
        let limit = min(length ?? Self.maximumDirectoryBytes, Self.maximumDirectoryBytes)
        let source: ClusterSource
        if let length {
            let needed = heap.clusters(for: length)
            if contiguous {
                source = try ClusterSource(contiguousFrom: cluster, count: min(needed, heap.clusters(for: limit)),
                                           heap: heap, subject: subject, path: path)
            } else {
                source = ClusterSource(chain: try ClusterChain(fat: clusters.fat, first: cluster, expected: needed,
                                                               subject: subject, path: path))
            }
        } else {
            source = ClusterSource(chain: try ClusterChain(fat: clusters.fat, first: cluster, expected: nil,
                                                           maximum: max(1, limit / heap.clusterSize), subject: subject, path: path))
        }
        return DirectoryStream(device: device, source: .clusters(source, heap: heap), byteLimit: limit, subject: subject, path: path)
    }
}
