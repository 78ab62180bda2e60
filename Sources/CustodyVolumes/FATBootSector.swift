/// A FAT12/16/32 boot sector (BIOS parameter block), checked field by field before
/// anything else is read: the 0x55AA signature, bytes per sector (512–4096, a power
/// of two), sectors per cluster (a power of two up to 128), reserved sectors, the
/// FAT count (1 or 2), the media byte, the sizes, and that the FAT is large enough
/// for every cluster.
///
/// The FAT type follows Linux: a FAT32 BPB (16-bit FAT size zero) means FAT32,
/// otherwise fewer than 4085 clusters means FAT12 and fewer than 65525 FAT16.
struct FATBootSector: Sendable, Equatable {
    var kind: FATKind
    var bytesPerSector: UInt64
    var sectorsPerCluster: UInt64
    var reservedSectors: UInt64
    var fatCount: UInt64
    var rootEntryCount: UInt64
    var totalSectors: UInt64
    var fatSectors: UInt64
    /// The FAT in use: 0 unless FAT32 mirroring is off.
    var activeFAT: UInt64
    /// FAT32: first cluster of the root directory.
    var rootCluster: UInt32
    var clusterCount: UInt32
    var volumeID: UInt32?
    /// The label in the boot sector ("NO NAME" and blanks give nil).
    var label: String?
    /// Whether every FAT copy mirrors the active one (all but FAT32 with mirroring off).
    var mirrored: Bool = true

    var clusterSize: UInt64 { bytesPerSector * sectorsPerCluster }
    var fatOffset: UInt64 { (reservedSectors + activeFAT * fatSectors) * bytesPerSector }
    var fatLength: UInt64 { fatSectors * bytesPerSector }
    /// FAT12/16: the fixed root directory region.
    var rootDirectoryOffset: UInt64 { (reservedSectors + fatCount * fatSectors) * bytesPerSector }
    var rootDirectoryLength: UInt64 { rootEntryCount * 32 }
    var dataOffset: UInt64 {
        rootDirectoryOffset + divideRoundingUp(rootDirectoryLength, bytesPerSector) * bytesPerSector
    }
    var volumeLength: UInt64 { totalSectors * bytesPerSector }

    /// Parses and checks a boot sector; `name` names the volume in messages.
    static func parse(_ sector: [UInt8], name: String) throws(VolumeError) -> FATBootSector {
        func bad(_ why: String) -> VolumeError {
            VolumeError(.fatBootSector, "the FAT boot sector of \(name) \(why)")
        }
        guard sector.count >= 512 else { throw bad("is shorter than 512 bytes") }
        guard sector[510] == 0x55, sector[511] == 0xAA else {
            throw bad("has no 0x55AA signature at byte 510 (found 0x\(MBR.hex(sector[510]))\(MBR.hex(sector[511])))")
        }
        let bytesPerSector = UInt64(sector.le16(11))
        guard [512, 1024, 2048, 4096].contains(bytesPerSector) else {
            throw bad("gives \(bytesPerSector) bytes per sector (must be 512, 1024, 2048 or 4096)")
        }
        let sectorsPerCluster = UInt64(sector[13])
        guard sectorsPerCluster != 0, sectorsPerCluster & (sectorsPerCluster - 1) == 0 else {
            throw bad("gives \(sectorsPerCluster) sectors per cluster (must be a power of two, 1–128)")
        }
        let reserved = UInt64(sector.le16(14))
        guard reserved >= 1 else { throw bad("gives 0 reserved sectors") }
        let fatCount = UInt64(sector[16])
        guard fatCount == 1 || fatCount == 2 else { throw bad("gives \(fatCount) FATs (must be 1 or 2)") }
        let rootEntries = UInt64(sector.le16(17))
        let media = sector[21]
        guard media == 0xF0 || media >= 0xF8 else { throw bad("has media byte 0x\(MBR.hex(media)) (must be 0xF0 or 0xF8–0xFF)") }
        let total16 = UInt64(sector.le16(19))
        let total = total16 != 0 ? total16 : UInt64(sector.le32(32))
        guard total != 0 else { throw bad("gives a total of 0 sectors") }
        let fat16Size = UInt64(sector.le16(22))
        let isFAT32 = fat16Size == 0
        let fatSectors = isFAT32 ? UInt64(sector.le32(36)) : fat16Size
        guard fatSectors != 0 else { throw bad("gives a FAT size of 0 sectors") }
        if isFAT32 {
            guard rootEntries == 0 else { throw bad("is FAT32 but gives \(rootEntries) fixed root directory entries") }
            guard sector.le16(42) == 0 else { throw bad("gives FAT32 version \(sector.le16(42)) (only 0.0 exists)") }
        } else {
            guard rootEntries != 0 else { throw bad("is FAT12/16 but gives no root directory entries") }
        }
        let rootSectors = divideRoundingUp(rootEntries * 32, bytesPerSector)
        let metadata = reserved + fatCount * fatSectors + rootSectors
        guard metadata < total else {
            throw bad("puts the data area at sector \(metadata), beyond its \(total) sectors")
        }
        let clusters = (total - metadata) / sectorsPerCluster
        guard clusters >= 1 else { throw bad("leaves room for no cluster") }
        let kind: FATKind
        if isFAT32 {
            guard clusters <= 0x0FFF_FFF5 else { throw bad("gives \(clusters) clusters, more than FAT32 can address") }
            kind = .fat32
        } else if clusters < 4085 {
            kind = .fat12
        } else if clusters < 65525 {
            kind = .fat16
        } else {
            throw bad("has a FAT16 layout with \(clusters) clusters, more than FAT16 can address")
        }
        guard kind.bytes(forEntries: clusters + 2) <= fatSectors * bytesPerSector else {
            throw bad("has a FAT of \(fatSectors) sectors, too small for its \(clusters) clusters")
        }
        var activeFAT: UInt64 = 0
        var mirrored = true
        var rootCluster: UInt32 = 0
        let signatureOffset = isFAT32 ? 66 : 38
        if isFAT32 {
            let flags = sector.le16(40)
            if flags & 0x80 != 0 {
                mirrored = false
                activeFAT = UInt64(flags & 0x0F)
                guard activeFAT < fatCount else { throw bad("makes FAT \(activeFAT) active but has \(fatCount)") }
            }
            rootCluster = sector.le32(44)
            guard rootCluster >= 2, UInt64(rootCluster) - 2 < clusters else {
                throw bad("puts the root directory at cluster \(rootCluster), outside the heap (2–\(clusters + 1))")
            }
        }
        var volumeID: UInt32?
        var label: String?
        let extendedSignature = sector[signatureOffset]
        if extendedSignature == 0x29 || extendedSignature == 0x28 {
            volumeID = sector.le32(signatureOffset + 1)
        }
        if extendedSignature == 0x29 {
            let text = ShortNames.decodeLabel(Array(sector[(signatureOffset + 5)..<(signatureOffset + 16)]))
            label = text == "NO NAME" || text.isEmpty ? nil : text
        }
        return FATBootSector(kind: kind, bytesPerSector: bytesPerSector, sectorsPerCluster: sectorsPerCluster,
                             reservedSectors: reserved, fatCount: fatCount, rootEntryCount: rootEntries,
                             totalSectors: total, fatSectors: fatSectors, activeFAT: activeFAT, rootCluster: rootCluster,
                             clusterCount: UInt32(clusters), volumeID: volumeID, label: label, mirrored: mirrored)
    }
}
