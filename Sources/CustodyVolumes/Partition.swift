/// How a device is divided.
public enum PartitionScheme: String, Sendable, Equatable {
    /// A DOS partition table (MBR), with extended and logical partitions.
    case mbr
    /// A GUID partition table (behind a protective MBR).
    case gpt
    /// No partition table: the file system's boot sector is at byte 0 ("superfloppy").
    case superfloppy
    /// Neither a partition table nor a boot sector was recognised at byte 0.
    case unrecognized
}

/// One partition of a device, as its table describes it.
public struct Partition: Sendable, Equatable {
    /// Where the entry came from.
    public enum Kind: String, Sendable, Equatable {
        /// One of the four MBR entries.
        case mbrPrimary
        /// A logical partition inside an MBR extended partition.
        case mbrLogical
        /// A GPT partition entry.
        case gpt
    }

    /// Number as Linux gives it: MBR primaries 1–4, logicals from 5; GPT entries from 1.
    public var index: Int
    public var kind: Kind
    /// First sector (in units of ``sectorSize``).
    public var firstSector: UInt64
    /// Number of sectors.
    public var sectorCount: UInt64
    /// The sector size the table's LBAs are in.
    public var sectorSize: Int
    /// First byte on the device.
    public var byteOffset: UInt64
    /// Length in bytes.
    public var byteLength: UInt64
    /// The MBR type byte ("0x0c") or the GPT partition type GUID.
    public var type: String
    /// A readable name for ``type`` when it is a known one ("FAT32 (LBA)", "Microsoft basic data").
    public var typeName: String?
    /// GPT partition name (UTF-16 in the table).
    public var name: String?
    /// GPT unique partition GUID.
    public var uniqueGUID: String?
    /// MBR boot indicator (0x80).
    public var isBootable: Bool

    public init(index: Int, kind: Kind, firstSector: UInt64, sectorCount: UInt64, sectorSize: Int,
                byteOffset: UInt64, byteLength: UInt64, type: String, typeName: String?,
                name: String? = nil, uniqueGUID: String? = nil, isBootable: Bool = false) {
        self.index = index; self.kind = kind; self.firstSector = firstSector; self.sectorCount = sectorCount
        self.sectorSize = sectorSize; self.byteOffset = byteOffset; self.byteLength = byteLength
        self.type = type; self.typeName = typeName; self.name = name; self.uniqueGUID = uniqueGUID
        self.isBootable = isBootable
    }

    /// "partition 5 (0x0c FAT32 (LBA), sectors 2048–4095)" for messages.
    public var label: String {
        let last = sectorCount == 0 ? firstSector : firstSector &+ (sectorCount - 1)
        return "partition \(index) (\(type)\(typeName.map { " \($0)" } ?? ""), sectors \(firstSector)–\(last))"
    }
}

/// The partitions of a device and what was wrong with its tables.
public struct PartitionLayout: Sendable, Equatable {
    public var scheme: PartitionScheme
    /// Partitions in table order (MBR extended containers are not listed, their logicals are).
    public var partitions: [Partition]
    /// Problems found and gone past: a bad primary GPT, an EBR loop, an entry beyond the device.
    public var problems: [VolumeProblem]
    /// GPT disk GUID.
    public var diskGUID: String?

    public init(scheme: PartitionScheme, partitions: [Partition] = [], problems: [VolumeProblem] = [], diskGUID: String? = nil) {
        self.scheme = scheme
        self.partitions = partitions
        self.problems = problems
        self.diskGUID = diskGUID
    }
}
