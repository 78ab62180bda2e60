/// The exFAT up-case table: read through its cluster chain, checked against the
/// checksum in its directory entry, and decompressed (a 0xFFFF unit followed by a
/// count means "that many characters map to themselves"). Used to check name hashes.
struct ExFATUpcase: Sendable {
    /// Up-case mapping of the first `table.count` UTF-16 units; the rest map to themselves.
    let table: [UInt16]

    /// The largest table accepted: every one of the 65 536 units, uncompressed, twice over.
    static let maximumBytes: UInt64 = 256 * 1024

    /// Loads the table described by the up-case directory entry.
    static func load(entry: [UInt8], at offset: Int, clusters: FileClusters) throws(VolumeError) -> ExFATUpcase {
        let storedChecksum = entry.le32(offset + 4)
        let first = entry.le32(offset + 20)
        let length = entry.le64(offset + 24)
        let name = clusters.heap.device.name
        guard length >= 2, length <= maximumBytes, length % 2 == 0 else {
            throw VolumeError(.exfatUpcaseInvalid, "\(name): the up-case table is \(length) bytes long (must be even, 2–\(maximumBytes))")
        }
        let needed = clusters.heap.clusters(for: length)
        var chain = ClusterSource(chain: try ClusterChain(fat: clusters.fat, first: first, expected: needed,
                                                          subject: "the up-case table", path: nil))
        var bytes: [UInt8] = []
        bytes.reserveCapacity(Int(length))
        while let run = try chain.nextRun(maxClusters: needed) {
            let count = min(UInt64(run.count) * clusters.heap.clusterSize, length - UInt64(bytes.count))
            bytes += try clusters.heap.device.readBytes(at: clusters.heap.byteOffset(of: run.first), count: Int(count), what: "up-case table")
        }
        try chain.finish()
        var sum: UInt32 = 0
        for byte in bytes {
            sum = (sum & 1 == 1 ? 0x8000_0000 : 0) &+ (sum >> 1) &+ UInt32(byte)
        }
        guard sum == storedChecksum || FuzzingMode.acceptsBadChecksums else {
            throw VolumeError(.exfatUpcaseInvalid,
                "\(name): the up-case table fails its checksum (entry says 0x\(ExFATBootSector.hex(storedChecksum)), table sums to 0x\(ExFATBootSector.hex(sum)))")
        }
        var table: [UInt16] = []
        table.reserveCapacity(65_536)
        var index = 0
        let units = bytes.count / 2
        while index < units, table.count < 65_536 {
            let unit = bytes.le16(2 * index)
            if unit == 0xFFFF, index + 1 < units {
                let run = Int(bytes.le16(2 * index + 2))
                let end = min(65_536, table.count + run)
                while table.count < end { table.append(UInt16(table.count)) }
                index += 2
            } else {
                table.append(unit)
                index += 1
            }
        }
        return ExFATUpcase(table: table)
    }

    func upcase(_ unit: UInt16) -> UInt16 {
        Int(unit) < table.count ? table[Int(unit)] : unit
    }

    /// The name hash the stream extension entry stores for `name`.
    func hash(_ name: [UInt16]) -> UInt16 {
        var hash: UInt16 = 0
        for unit in name {
            let upper = upcase(unit)
            for byte in [UInt8(upper & 0xFF), UInt8(upper >> 8)] {
                hash = (hash & 1 == 1 ? 0x8000 : 0) &+ (hash >> 1) &+ UInt16(byte)
            }
        }
        return hash
    }
}
