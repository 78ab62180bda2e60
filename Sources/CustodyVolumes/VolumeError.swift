/// Why reading a device, a partition table, a file system or a file failed, with a
/// stable ``Code`` that callers and the control API can rely on, and a message that
/// names the structure (boot sector, FAT, directory entry, …), the file affected
/// and, for I/O, the byte offset.
///
/// The same type describes the problems a listing records and goes past
/// (``VolumeProblem``): a problem is an error that did not stop the listing.
public struct VolumeError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The stable, machine-readable kind of failure. The raw values never change.
    public enum Code: String, Sendable, CaseIterable {
        // Devices.
        /// The device or image could not be opened (or is neither a file nor a block device).
        case deviceOpen = "device-open"
        /// A removable drive (a card reader's slot) with no medium in it (`ENOMEDIUM`).
        case deviceNoMedium = "device-no-medium"
        /// `pread` failed with an I/O error; the message names the byte offset and errno.
        case deviceIO = "device-io"
        /// The device returned fewer bytes than asked for: the image is shorter than it says.
        case deviceShortRead = "device-short-read"
        /// A read was asked for outside the device or the partition window.
        case deviceRange = "device-range"
        /// The device is too small to hold a partition table or a boot sector.
        case deviceTooSmall = "device-too-small"

        // Partition tables.
        /// An MBR partition entry is impossible (zero start, beyond the device).
        case mbrInvalid = "mbr-invalid"
        /// The chain of extended boot records loops or is implausibly long.
        case mbrExtendedLoop = "mbr-extended-loop"
        /// A GPT header is bad: signature, size, CRC32 or its own LBA.
        case gptHeaderInvalid = "gpt-header-invalid"
        /// A GPT partition entry array is bad: size or CRC32.
        case gptEntriesInvalid = "gpt-entries-invalid"
        /// The primary GPT was bad and the backup header at the end of the disk was used.
        case gptBackupUsed = "gpt-backup-used"
        /// A partition entry points outside the device or its table's usable range.
        case partitionInvalid = "partition-invalid"
        /// A partition holds no FAT or exFAT file system.
        case partitionUnknown = "partition-unknown"
        /// The device holds no FAT or exFAT file system at all.
        case noVolume = "no-volume"

        // Boot sectors and volume geometry.
        /// A FAT boot sector (BPB) is bad: signature, bytes per sector, sectors per
        /// cluster, FAT count, sizes.
        case fatBootSector = "fat-boot-sector"
        /// An exFAT main boot sector is bad.
        case exfatBootSector = "exfat-boot-sector"
        /// The exFAT boot region checksum did not match (main region; the message says
        /// whether the backup region was used instead).
        case exfatBootChecksum = "exfat-boot-checksum"
        /// The file system is larger than the device: the image is truncated.
        case volumeTruncated = "volume-truncated"

        // Cluster chains.
        /// A FAT chain comes back to a cluster it already visited.
        case chainCycle = "chain-cycle"
        /// A cluster number (in a FAT entry or a directory entry) is outside the cluster heap.
        case clusterOutOfRange = "cluster-out-of-range"
        /// A FAT chain runs into a cluster marked bad.
        case chainBadCluster = "chain-bad-cluster"
        /// A FAT chain runs into a cluster marked free.
        case chainFreeCluster = "chain-free-cluster"
        /// A FAT chain ends before the file's size is covered.
        case chainTooShort = "chain-too-short"
        /// A FAT chain goes on after the file's size is covered.
        case chainTooLong = "chain-too-long"
        /// Two files, or a file and a directory, use the same cluster (cross-linked):
        /// the bytes of each file involved are doubtful.
        case clusterCrossLinked = "cluster-cross-linked"
        /// The volume's FAT copies disagree; a file whose chain (or whose directory's
        /// chain) passes through a differing entry is doubtful.
        case fatCopiesDiffer = "fat-copies-differ"

        // Directories and names.
        /// A directory entry is impossible (bad name bytes, bad cluster, bad size).
        case directoryEntryInvalid = "directory-entry-invalid"
        /// A directory's clusters were already read as part of another directory.
        case directoryCycle = "directory-cycle"
        /// A directory is larger than the file system allows.
        case directoryTooLarge = "directory-too-large"
        /// Directories nest deeper than ``ListingLimits/maximumDepth``: the deeper ones are not read.
        case directoryTooDeep = "directory-too-deep"
        /// A path is longer than ``ListingLimits/maximumPathBytes``: it (and anything under it) is not listed.
        case pathTooLong = "path-too-long"
        /// A directory holds more than ``ListingLimits/maximumEntriesPerDirectory`` entries: the rest are not listed.
        case directoryTooManyEntries = "directory-too-many-entries"
        /// The listing reached ``ListingLimits/maximumListingBytes`` of memory: the rest of the volume is not listed.
        case listingTooLarge = "listing-too-large"
        /// A VFAT long name is orphaned or its checksum does not match its short entry;
        /// the short name is used.
        case longNameMismatch = "long-name-mismatch"
        /// An exFAT directory entry set is malformed (counts, order, missing stream or name).
        case exfatEntrySetInvalid = "exfat-entry-set-invalid"
        /// An exFAT entry set's checksum does not match; the file is not trusted.
        case exfatSetChecksum = "exfat-set-checksum"
        /// An exFAT name hash does not match the up-cased name.
        case exfatNameHash = "exfat-name-hash"
        /// The exFAT allocation bitmap is missing or bad.
        case exfatBitmapInvalid = "exfat-bitmap-invalid"
        /// A file uses a cluster the exFAT allocation bitmap marks free.
        case exfatBitmapMismatch = "exfat-bitmap-mismatch"
        /// The exFAT up-case table is missing or bad (names are still read; hashes are not checked).
        case exfatUpcaseInvalid = "exfat-upcase-invalid"
        /// A file's size is impossible (larger than the volume, valid length beyond size).
        case fileSizeInvalid = "file-size-invalid"

        // Callers.
        /// The caller passed something unusable (an empty buffer, a file of another volume).
        case invalidArgument = "invalid-argument"
    }

    /// The stable kind of failure.
    public var code: Code
    /// What failed, on what, and where: names the structure, the file and the offset.
    public var message: String
    /// The path of the file or directory affected, when there is one.
    public var path: String?

    public init(_ code: Code, _ message: String, path: String? = nil) {
        self.code = code
        self.message = message
        self.path = path
    }

    public var description: String { "\(code.rawValue): \(message)" }

    /// The same error, its message prefixed with `context` (e.g. "reading 'a/b.mp4'").
    func context(_ context: String, path: String? = nil) -> VolumeError {
        VolumeError(code, "\(context): \(message)", path: path ?? self.path)
    }
}

/// A problem a listing or an opening found and went past: the error it would have
/// thrown, kept in a list so the rest of the volume is still read.
public typealias VolumeProblem = VolumeError
