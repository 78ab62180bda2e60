/// The file systems this module reads.
public enum FileSystemType: String, Sendable, Equatable, Hashable {
    case fat12 = "FAT12"
    case fat16 = "FAT16"
    case fat32 = "FAT32"
    case exfat = "exFAT"
}

/// What a volume says about itself.
public struct VolumeInfo: Sendable, Equatable {
    public var fileSystem: FileSystemType
    /// The volume label (root-directory label entry, else the boot sector's), without padding.
    public var label: String?
    /// The volume serial number (volume ID), when the boot sector has one.
    public var serialNumber: UInt32?
    /// Bytes per cluster.
    public var clusterSize: Int
    /// Number of clusters in the data area (cluster heap).
    public var clusterCount: UInt32
    /// Bytes per sector, as the boot sector says.
    public var bytesPerSector: Int
    /// The partition the volume is in (``Partition/index``); nil on a device without a partition table.
    public var partitionIndex: Int?
    /// First byte of the volume on the device.
    public var byteOffset: UInt64
    /// Size of the volume in bytes, as its boot sector says.
    public var byteLength: UInt64
    /// The device's name, for messages.
    public var deviceName: String
    /// Problems found while opening (backup boot region used, image truncated, no up-case table…).
    public var problems: [VolumeProblem]

    /// The serial number as FAT tools print it: "XXXX-XXXX" (upper-case hexadecimal).
    public var serial: String? {
        serialNumber.map { value in
            let digits = Array("0123456789ABCDEF")
            let text = (0..<8).reversed().map { digits[Int((value >> UInt32($0 * 4)) & 0xF)] }
            return String(text[0..<4]) + "-" + String(text[4..<8])
        }
    }

    public init(fileSystem: FileSystemType, label: String?, serialNumber: UInt32?, clusterSize: Int, clusterCount: UInt32,
                bytesPerSector: Int, partitionIndex: Int?, byteOffset: UInt64, byteLength: UInt64, deviceName: String,
                problems: [VolumeProblem] = []) {
        self.fileSystem = fileSystem; self.label = label; self.serialNumber = serialNumber
        self.clusterSize = clusterSize; self.clusterCount = clusterCount; self.bytesPerSector = bytesPerSector
        self.partitionIndex = partitionIndex; self.byteOffset = byteOffset; self.byteLength = byteLength
        self.deviceName = deviceName; self.problems = problems
    }
}

/// FAT and exFAT file attributes.
public struct FileAttributes: OptionSet, Sendable, Hashable {
    public let rawValue: UInt16
    public init(rawValue: UInt16) { self.rawValue = rawValue }

    public static let readOnly = FileAttributes(rawValue: 0x01)
    public static let hidden = FileAttributes(rawValue: 0x02)
    public static let system = FileAttributes(rawValue: 0x04)
    public static let volumeLabel = FileAttributes(rawValue: 0x08)
    public static let directory = FileAttributes(rawValue: 0x10)
    public static let archive = FileAttributes(rawValue: 0x20)
}

/// A run of consecutive clusters.
public struct ClusterRun: Sendable, Equatable, Hashable {
    /// First cluster number.
    public var first: UInt32
    /// Number of clusters.
    public var count: UInt32

    public init(first: UInt32, count: UInt32) {
        self.first = first
        self.count = count
    }
}

/// A regular file found on a volume, with what the directory entry says about it.
public struct VolumeFile: Sendable, Equatable, Hashable {
    /// Path from the root: names joined with "/", no leading slash ("DCIM/100/Доказ_001.mp4").
    public var path: String
    /// The file's name (long name where there is one).
    public var name: String
    /// FAT: the 8.3 short name of the entry; nil on exFAT.
    public var shortName: String?
    /// Size in bytes.
    public var size: UInt64
    /// exFAT: bytes actually written (the rest reads as zeros); equals ``size`` on FAT.
    public var validDataLength: UInt64
    public var created: VolumeTimestamp?
    public var modified: VolumeTimestamp?
    public var accessed: VolumeTimestamp?
    public var attributes: FileAttributes
    /// First cluster of the file's data (0 for an empty file).
    public var firstCluster: UInt32
    /// exFAT "NoFatChain": the clusters are contiguous and the FAT is not consulted.
    public var isContiguous: Bool
    /// Set when the file's clusters failed validation during the listing (chain errors:
    /// cycle, too short or long, out of range, free or bad cluster; sizes; truncation):
    /// reading the file fails with this error.
    public var problem: VolumeProblem?
    /// What makes the file's bytes doubtful though it reads: clusters another file or a
    /// directory also uses (`cluster-cross-linked`, on every file involved), clusters the
    /// exFAT bitmap marks free (`exfat-bitmap-mismatch`), a chain or directory through FAT
    /// entries on which the FAT copies disagree (`fat-copies-differ`).
    public var doubts: [VolumeProblem]

    public init(path: String, name: String, shortName: String?, size: UInt64, validDataLength: UInt64,
                created: VolumeTimestamp?, modified: VolumeTimestamp?, accessed: VolumeTimestamp?,
                attributes: FileAttributes, firstCluster: UInt32, isContiguous: Bool, problem: VolumeProblem? = nil,
                doubts: [VolumeProblem] = []) {
        self.path = path; self.name = name; self.shortName = shortName; self.size = size
        self.validDataLength = validDataLength; self.created = created; self.modified = modified
        self.accessed = accessed; self.attributes = attributes; self.firstCluster = firstCluster
        self.isContiguous = isContiguous; self.problem = problem; self.doubts = doubts
    }
}

extension VolumeError: Hashable {
    public func hash(into hasher: inout Hasher) {
        hasher.combine(code)
        hasher.combine(message)
        hasher.combine(path)
    }
}

/// Everything a listing found: files, directories, problems and deleted entries.
public struct VolumeListing: Sendable, Equatable {
    /// Regular files in directory order, depth first.
    public var files: [VolumeFile]
    /// Paths of the directories read (not the root).
    public var directories: [String]
    /// Everything wrong that the listing went past.
    public var problems: [VolumeProblem]
    /// Deleted directory entries seen: FAT short entries starting 0xE5, exFAT File
    /// entries (0x05) with the InUse bit clear. They are not listed as files.
    public var deletedEntries: Int

    public init(files: [VolumeFile] = [], directories: [String] = [], problems: [VolumeProblem] = [], deletedEntries: Int = 0) {
        self.files = files
        self.directories = directories
        self.problems = problems
        self.deletedEntries = deletedEntries
    }
}

/// A FAT12/16/32 or exFAT volume opened read-only.
public protocol EvidenceVolume: Sendable {
    /// Type, label, serial, geometry and where the volume is on the device.
    var info: VolumeInfo { get }
    /// Walks every directory (iteratively, with a cycle guard) and lists the regular
    /// files, within `limits` (depth, path length, entries per directory, memory).
    /// Never throws: what cannot be read, or lies past a bound, becomes a problem in the listing.
    func list(limits: ListingLimits) -> VolumeListing
    /// A streaming reader of `file`'s bytes.
    /// - Throws: ``VolumeError`` when the file's first cluster or size is impossible.
    func reader(for file: VolumeFile) throws(VolumeError) -> any VolumeFileReader
    /// The runs of clusters holding `file`, in file order (validated like a read).
    func clusterRuns(of file: VolumeFile) throws(VolumeError) -> [ClusterRun]
}

extension EvidenceVolume {
    /// The listing within ``ListingLimits/standard``.
    public func list() -> VolumeListing { list(limits: .standard) }
}

/// Streams a file's bytes, run of clusters by run of clusters: each call does at most
/// one `pread`, of the contiguous clusters that fit in the caller's buffer.
public protocol VolumeFileReader: Sendable {
    /// Bytes of the file not yet read.
    var remaining: UInt64 { get }
    /// Fills the start of `buffer` with the file's next bytes; returns how many, 0 at
    /// the end of the file (after checking that the cluster chain ends there too).
    /// - Throws: ``VolumeError`` when the chain is broken (cycle, too short, too long,
    ///   out of range) or the device fails; the message names the file and the offset.
    mutating func read(into buffer: UnsafeMutableRawBufferPointer) throws(VolumeError) -> Int
}
