/// DOS partition tables: the four entries of sector 0 and the chain of extended
/// boot records (EBRs) of an extended partition.
enum MBR {
    struct Entry: Equatable {
        var status: UInt8
        var type: UInt8
        var firstLBA: UInt32
        var sectorCount: UInt32

        var isExtended: Bool { type == 0x05 || type == 0x0F || type == 0x85 }
    }

    /// At most this many logical partitions are followed (Linux allows far fewer in practice).
    static let maximumLogicalPartitions = 256

    /// The four entries of a sector with the 0x55AA signature, or nil when they cannot
    /// be a partition table (a boot indicator other than 0x00/0x80, an entry starting at 0).
    static func primaryEntries(_ sector: [UInt8]) -> [Entry]? {
        guard sector.count >= 512 else { return nil }
        var entries: [Entry] = []
        for index in 0..<4 {
            let base = 446 + 16 * index
            let entry = Entry(status: sector[base], type: sector[base + 4],
                              firstLBA: sector.le32(base + 8), sectorCount: sector.le32(base + 12))
            if entry.type != 0 {
                guard entry.status == 0x00 || entry.status == 0x80 else { return nil }
                guard entry.firstLBA != 0 || entry.type == 0xEE else { return nil }
            }
            entries.append(entry)
        }
        return entries
    }

    /// The layout of an MBR-partitioned device whose sector 0 holds `entries`.
    static func read(_ device: any BlockDevice, entries: [Entry]) -> PartitionLayout {
        var layout = PartitionLayout(scheme: .mbr)
        let sectorSize = UInt64(device.sectorSize)
        for (offset, entry) in entries.enumerated() where entry.type != 0 {
            let index = offset + 1
            if entry.isExtended {
                readExtended(device, container: entry, containerIndex: index, into: &layout)
                continue
            }
            if let partition = makePartition(device, index: index, kind: .mbrPrimary, entry: entry,
                                             base: 0, sectorSize: sectorSize, layout: &layout) {
                layout.partitions.append(partition)
            }
        }
        layout.partitions.sort { $0.index < $1.index }
        return layout
    }

    /// Follows the EBR chain of an extended partition. Each EBR's first entry is a
    /// logical partition (relative to that EBR), its second the next EBR (relative to
    /// the extended partition's start). A repeated EBR ends the walk with a problem.
    private static func readExtended(_ device: any BlockDevice, container: Entry, containerIndex: Int, into layout: inout PartitionLayout) {
        let sectorSize = UInt64(device.sectorSize)
        let containerStart = UInt64(container.firstLBA)
        var ebrLBA = containerStart
        var visited: Set<UInt64> = []
        var nextIndex = 5
        while true {
            if visited.contains(ebrLBA) || visited.count >= maximumLogicalPartitions {
                layout.problems.append(VolumeError(.mbrExtendedLoop,
                    "\(device.name): the extended boot record chain of partition \(containerIndex) comes back to sector \(ebrLBA) (or passes \(maximumLogicalPartitions) records); the walk stops there"))
                return
            }
            visited.insert(ebrLBA)
            guard let byteOffset = ebrLBA.times(sectorSize) else { return }
            let sector: [UInt8]
            do throws(VolumeError) {
                sector = try device.readBytes(at: byteOffset, count: 512, what: "extended boot record at sector \(ebrLBA)")
            } catch {
                layout.problems.append(error)
                return
            }
            guard sector[510] == 0x55, sector[511] == 0xAA else {
                layout.problems.append(VolumeError(.mbrInvalid,
                    "\(device.name): the extended boot record at sector \(ebrLBA) has no 0x55AA signature; the logical partitions after it are not read"))
                return
            }
            let logical = Entry(status: sector[446], type: sector[450], firstLBA: sector.le32(454), sectorCount: sector.le32(458))
            let link = Entry(status: sector[462], type: sector[466], firstLBA: sector.le32(470), sectorCount: sector.le32(474))
            if logical.type != 0 {
                if let partition = makePartition(device, index: nextIndex, kind: .mbrLogical, entry: logical,
                                                 base: ebrLBA, sectorSize: sectorSize, layout: &layout) {
                    layout.partitions.append(partition)
                }
                nextIndex += 1
            }
            guard link.type != 0, link.isExtended, link.firstLBA != 0 else { return }
            ebrLBA = containerStart + UInt64(link.firstLBA)
        }
    }

    private static func makePartition(_ device: any BlockDevice, index: Int, kind: Partition.Kind, entry: Entry,
                                      base: UInt64, sectorSize: UInt64, layout: inout PartitionLayout) -> Partition? {
        let type = "0x" + hex(entry.type)
        let first = base + UInt64(entry.firstLBA)
        guard entry.sectorCount > 0, entry.firstLBA > 0 else {
            layout.problems.append(VolumeError(.mbrInvalid,
                "\(device.name): partition \(index) (type \(type)) starts at sector \(first) with \(entry.sectorCount) sectors; it is skipped"))
            return nil
        }
        guard let offset = first.times(sectorSize), let length = UInt64(entry.sectorCount).times(sectorSize),
              offset < device.size else {
            layout.problems.append(VolumeError(.partitionInvalid,
                "\(device.name): partition \(index) (type \(type)) starts at sector \(first), beyond the end of the device (\(device.size) bytes); it is skipped"))
            return nil
        }
        if offset + length > device.size {
            layout.problems.append(VolumeError(.partitionInvalid,
                "\(device.name): partition \(index) (type \(type)) ends at byte \(offset + length), beyond the end of the device (\(device.size) bytes): the device is truncated"))
        }
        return Partition(index: index, kind: kind, firstSector: first, sectorCount: UInt64(entry.sectorCount),
                         sectorSize: Int(sectorSize), byteOffset: offset, byteLength: length,
                         type: type, typeName: typeNames[entry.type], isBootable: entry.status == 0x80)
    }

    static func hex(_ byte: UInt8) -> String {
        let digits = Array("0123456789abcdef")
        return String([digits[Int(byte >> 4)], digits[Int(byte & 0xF)]])
    }

    static let typeNames: [UInt8: String] = [
        0x01: "FAT12", 0x04: "FAT16 <32M", 0x06: "FAT16", 0x07: "HPFS/NTFS/exFAT",
        0x0B: "FAT32", 0x0C: "FAT32 (LBA)", 0x0E: "FAT16 (LBA)", 0x83: "Linux",
        0xEE: "GPT protective", 0xEF: "EFI system",
    ]
}
