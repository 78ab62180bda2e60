/// The exFAT boot region: the main boot sector, checked field by field, and the
/// boot checksum of sector 11 over sectors 0–10. When the main region is bad the
/// backup region (sectors 12–23) is used and the problem is recorded.
struct ExFATBootSector: Sendable, Equatable {
    var bytesPerSectorShift: UInt8
    var sectorsPerClusterShift: UInt8
    /// All in sectors.
    var volumeLength: UInt64
    var fatOffset: UInt64
    var fatLength: UInt64
    var clusterHeapOffset: UInt64
    var clusterCount: UInt32
    var rootCluster: UInt32
    var serialNumber: UInt32
    var revision: UInt16
    var volumeFlags: UInt16
    var numberOfFats: UInt8

    var bytesPerSector: UInt64 { 1 << UInt64(bytesPerSectorShift) }
    var clusterSize: UInt64 { 1 << UInt64(bytesPerSectorShift + sectorsPerClusterShift) }
    /// The FAT and bitmap in use: the second only when there are two and ActiveFat says so.
    var activeFAT: UInt64 { numberOfFats == 2 ? UInt64(volumeFlags & 1) : 0 }
    var activeFATOffset: UInt64 { (fatOffset + activeFAT * fatLength) * bytesPerSector }
    var volumeBytes: UInt64 { volumeLength * bytesPerSector }

    /// Reads and checks the boot region of `device`; returns it and the problems gone
    /// past (the backup region was used).
    static func load(_ device: any BlockDevice) throws(VolumeError) -> (ExFATBootSector, [VolumeProblem]) {
        let first = try device.readBytes(at: 0, count: 512, what: "exFAT boot sector")
        guard first.matches("EXFAT   ", at: 3) else {
            throw VolumeError(.exfatBootSector, "\(device.name): no \"EXFAT\" file system name in the boot sector")
        }
        let shift = first[108]
        guard (9...12).contains(shift) else {
            throw VolumeError(.exfatBootSector, "the exFAT boot sector of \(device.name) gives bytes-per-sector shift \(shift) (must be 9–12)")
        }
        let sectorBytes = 1 << Int(shift)
        do throws(VolumeError) {
            return (try loadRegion(device, sector: 0, sectorBytes: sectorBytes), [])
        } catch let mainError {
            do throws(VolumeError) {
                let backup = try loadRegion(device, sector: 12, sectorBytes: sectorBytes)
                return (backup, [mainError, VolumeError(mainError.code,
                    "\(device.name): the main exFAT boot region is bad; the backup boot region (sectors 12–23) was used")])
            } catch {
                throw mainError
            }
        }
    }

    private static func loadRegion(_ device: any BlockDevice, sector: UInt64, sectorBytes: Int) throws(VolumeError) -> ExFATBootSector {
        let which = sector == 0 ? "main" : "backup"
        let region = try device.readBytes(at: sector * UInt64(sectorBytes), count: 12 * sectorBytes, what: "\(which) exFAT boot region")
        let computed = checksum(region, sectorBytes: sectorBytes)
        for index in stride(from: 11 * sectorBytes, to: 12 * sectorBytes, by: 4)
            where region.le32(index) != computed && !FuzzingMode.acceptsBadChecksums {
            throw VolumeError(.exfatBootChecksum,
                "the \(which) exFAT boot region of \(device.name) fails its checksum (sector 11 holds 0x\(hex(region.le32(index))), sectors 0–10 sum to 0x\(hex(computed)))")
        }
        return try parse(Array(region[0..<512]), name: "\(device.name) (\(which) boot sector)", sectorBytes: sectorBytes)
    }

    /// The boot checksum over sectors 0–10, skipping VolumeFlags and PercentInUse.
    static func checksum(_ region: [UInt8], sectorBytes: Int) -> UInt32 {
        var sum: UInt32 = 0
        for index in 0..<(11 * sectorBytes) where index != 106 && index != 107 && index != 112 {
            sum = (sum & 1 == 1 ? 0x8000_0000 : 0) &+ (sum >> 1) &+ UInt32(region[index])
        }
        return sum
    }

    static func parse(_ sector: [UInt8], name: String, sectorBytes: Int) throws(VolumeError) -> ExFATBootSector {
        func bad(_ why: String) -> VolumeError {
            VolumeError(.exfatBootSector, "the exFAT boot sector of \(name) \(why)")
        }
        guard sector.count >= 512, sector.matches("EXFAT   ", at: 3) else { throw bad("has no \"EXFAT\" name") }
        guard sector[510] == 0x55, sector[511] == 0xAA else { throw bad("has no 0x55AA signature at byte 510") }
        guard sector[11..<64].allSatisfy({ $0 == 0 }) else { throw bad("has non-zero bytes in its must-be-zero field (bytes 11–63)") }
        let boot = ExFATBootSector(
            bytesPerSectorShift: sector[108], sectorsPerClusterShift: sector[109],
            volumeLength: sector.le64(72), fatOffset: UInt64(sector.le32(80)), fatLength: UInt64(sector.le32(84)),
            clusterHeapOffset: UInt64(sector.le32(88)), clusterCount: sector.le32(92), rootCluster: sector.le32(96),
            serialNumber: sector.le32(100), revision: sector.le16(104), volumeFlags: sector.le16(106), numberOfFats: sector[110])
        guard (9...12).contains(boot.bytesPerSectorShift), 1 << Int(boot.bytesPerSectorShift) == sectorBytes else {
            throw bad("gives bytes-per-sector shift \(boot.bytesPerSectorShift) (must be 9–12, as in the main boot sector)")
        }
        guard boot.sectorsPerClusterShift <= 25 - boot.bytesPerSectorShift else {
            throw bad("gives sectors-per-cluster shift \(boot.sectorsPerClusterShift): clusters over 32 MiB")
        }
        guard boot.numberOfFats == 1 || boot.numberOfFats == 2 else { throw bad("gives \(boot.numberOfFats) FATs (must be 1 or 2)") }
        guard boot.revision >> 8 == 1 else { throw bad("gives file system revision \(boot.revision >> 8).\(boot.revision & 0xFF) (only 1.x exists)") }
        let shift = UInt64(boot.bytesPerSectorShift)
        guard boot.volumeLength >= (1 << 20) >> shift, boot.volumeLength.times(boot.bytesPerSector) != nil else {
            throw bad("gives an impossible volume length of \(boot.volumeLength) sectors")
        }
        guard boot.fatOffset >= 24 else { throw bad("puts the FAT at sector \(boot.fatOffset) (must be 24 or later)") }
        guard boot.clusterCount >= 1, boot.clusterCount <= 0xFFFF_FFF5 else { throw bad("gives \(boot.clusterCount) clusters") }
        let fatBytes = boot.fatLength * boot.bytesPerSector
        guard fatBytes >= (UInt64(boot.clusterCount) + 2) * 4 else {
            throw bad("has a FAT of \(boot.fatLength) sectors, too small for its \(boot.clusterCount) clusters")
        }
        guard boot.clusterHeapOffset >= boot.fatOffset + boot.fatLength * UInt64(boot.numberOfFats) else {
            throw bad("puts the cluster heap (sector \(boot.clusterHeapOffset)) over its FATs")
        }
        let heapSectors = UInt64(boot.clusterCount) << UInt64(boot.sectorsPerClusterShift)
        guard boot.clusterHeapOffset + heapSectors <= boot.volumeLength else {
            throw bad("has a cluster heap (sectors \(boot.clusterHeapOffset) + \(heapSectors)) that ends beyond the volume (\(boot.volumeLength) sectors)")
        }
        guard boot.rootCluster >= 2, boot.rootCluster - 2 < boot.clusterCount else {
            throw bad("puts the root directory at cluster \(boot.rootCluster), outside the heap (2–\(UInt64(boot.clusterCount) + 1))")
        }
        return boot
    }

    static func hex(_ value: UInt32) -> String {
        String(GPT.hex32(value).dropFirst(2))
    }
}
