/// A FAT12, FAT16 or FAT32 volume, opened read-only.
public struct FATVolume: EvidenceVolume {
    public private(set) var info: VolumeInfo
    let device: any BlockDevice
    let boot: FATBootSector
    let clusters: FileClusters

    /// FAT limits a directory to 65 536 entries.
    static let maximumDirectoryBytes: UInt64 = 65_536 * 32

    /// Opens the FAT volume whose boot sector is at byte 0 of `device`.
    ///
    /// Only the boot sector must be intact: a FAT, directory or cluster that lies
    /// beyond the end of a truncated device gives an error when it is needed (and a
    /// `volume-truncated` problem in ``VolumeInfo/problems``).
    /// - Throws: ``VolumeError`` `fat-boot-sector` naming what is wrong with the boot
    ///   sector, or a device error.
    public init(device: any BlockDevice, partitionIndex: Int? = nil, byteOffset: UInt64 = 0) throws(VolumeError) {
        let sector = try device.readBytes(at: 0, count: 512, what: "FAT boot sector")
        let boot = try FATBootSector.parse(sector, name: device.name)
        var problems: [VolumeProblem] = []
        if boot.volumeLength > device.size {
            problems.append(VolumeError(.volumeTruncated,
                "\(device.name): the \(boot.kind == .fat32 ? "FAT32" : boot.kind == .fat16 ? "FAT16" : "FAT12") file system is \(boot.volumeLength) bytes but the device holds \(device.size): the image is truncated, and what lies beyond byte \(device.size) cannot be read"))
        }
        let fat = FATTable(device: device, kind: boot.kind, offset: boot.fatOffset, length: boot.fatLength, clusterCount: boot.clusterCount)
        let heap = ClusterHeap(device: device, offset: boot.dataOffset, clusterSize: boot.clusterSize, clusterCount: boot.clusterCount)
        var clusters = FileClusters(fat: fat, heap: heap)
        // The copies of a mirrored FAT must agree; where they do not, chains through those
        // entries (and the files and directories on them) are doubtful.
        if boot.mirrored && boot.fatCount > 1 {
            let others = (0..<boot.fatCount).filter { $0 != boot.activeFAT }.map { copy in
                FATTable(device: device, kind: boot.kind, offset: (boot.reservedSectors + copy * boot.fatSectors) * boot.bytesPerSector,
                         length: boot.fatLength, clusterCount: boot.clusterCount)
            }
            let (differences, unreadable) = FATDifferences.compare(active: fat, others: others)
            problems += unreadable
            if !differences.isEmpty {
                let shown = differences.clusters.prefix(8).map(String.init).joined(separator: ", ")
                problems.append(VolumeError(.fatCopiesDiffer,
                    "\(device.name): the \(boot.fatCount) copies of the FAT disagree on \(differences.count) entr\(differences.count == 1 ? "y" : "ies") (cluster\(differences.count == 1 ? "" : "s") \(shown)\(differences.count > 8 ? ", …" : "")); files whose chains pass through them are doubtful"))
                clusters.differences = differences
            }
        }
        self.device = device
        self.boot = boot
        self.clusters = clusters
        let fileSystem: FileSystemType = switch boot.kind {
        case .fat12: .fat12
        case .fat16: .fat16
        default: .fat32
        }
        var info = VolumeInfo(fileSystem: fileSystem, label: boot.label, serialNumber: boot.volumeID,
                              clusterSize: Int(boot.clusterSize), clusterCount: boot.clusterCount,
                              bytesPerSector: Int(boot.bytesPerSector), partitionIndex: partitionIndex,
                              byteOffset: byteOffset, byteLength: boot.volumeLength, deviceName: device.name,
                              problems: problems)
        self.info = info
        if let label = FATDirectoryWalker(volume: self).rootLabel() {
            info.label = label
            self.info = info
        }
    }

    public func list(limits: ListingLimits) -> VolumeListing {
        FATDirectoryWalker(volume: self).list(limits: limits)
    }

    public func reader(for file: VolumeFile) throws(VolumeError) -> any VolumeFileReader {
        try clusters.reader(for: file)
    }

    public func clusterRuns(of file: VolumeFile) throws(VolumeError) -> [ClusterRun] {
        try clusters.runs(of: file)
    }

    /// The root directory's stream: a fixed region on FAT12/16, a cluster chain on FAT32.
    func rootStream() throws(VolumeError) -> DirectoryStream {
        if boot.kind == .fat32 {
            return try directoryStream(cluster: boot.rootCluster, path: "")
        }
        return DirectoryStream(device: device, source: .region(offset: boot.rootDirectoryOffset, length: boot.rootDirectoryLength),
                               byteLimit: boot.rootDirectoryLength, subject: "the root directory", path: "")
    }

    func directoryStream(cluster: UInt32, path: String) throws(VolumeError) -> DirectoryStream {
        let subject = path.isEmpty ? "the root directory" : "directory '\(path)'"
        let maximum = max(1, Self.maximumDirectoryBytes / clusters.heap.clusterSize)
        let chain = try ClusterChain(fat: clusters.fat, first: cluster, expected: nil, maximum: maximum, subject: subject, path: path)
        var stream = DirectoryStream(device: device, source: .clusters(ClusterSource(chain: chain), heap: clusters.heap),
                                     byteLimit: Self.maximumDirectoryBytes, subject: subject, path: path)
        stream.differences = clusters.differences
        return stream
    }
}
