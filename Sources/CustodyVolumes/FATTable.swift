/// The kind of file allocation table: entry width and special values.
enum FATKind: Sendable, Equatable {
    case fat12, fat16, fat32, exfat

    /// Values at or above this end a chain.
    var endOfChain: UInt32 {
        switch self {
        case .fat12: 0xFF8
        case .fat16: 0xFFF8
        case .fat32: 0x0FFF_FFF8
        case .exfat: 0xFFFF_FFF8
        }
    }

    /// The value that marks a bad cluster.
    var bad: UInt32 {
        switch self {
        case .fat12: 0xFF7
        case .fat16: 0xFFF7
        case .fat32: 0x0FFF_FFF7
        case .exfat: 0xFFFF_FFF7
        }
    }

    /// Bytes of FAT needed for `entries` entries.
    func bytes(forEntries entries: UInt64) -> UInt64 {
        switch self {
        case .fat12: divideRoundingUp(entries * 3, 2)
        case .fat16: entries * 2
        case .fat32, .exfat: entries * 4
        }
    }
}

/// What one FAT entry says about the cluster after a given one.
enum FATEntry: Equatable {
    case next(UInt32)
    case endOfChain
    case free
    case bad
    /// A value that is neither a cluster of the heap nor a marker.
    case invalid(UInt32)
}

/// A cache of part of the FAT, so that following a chain does not read the device
/// for every entry. Each chain walk has its own.
struct FATWindow: Sendable {
    var start: UInt64 = .max
    var bytes: [UInt8] = []
    static let size: UInt64 = 64 * 1024
}

/// The active FAT of a volume, read lazily through a ``FATWindow``.
struct FATTable: Sendable {
    let device: any BlockDevice
    let kind: FATKind
    /// Byte offset of the active FAT on the volume.
    let offset: UInt64
    /// Length of one FAT in bytes.
    let length: UInt64
    /// Clusters in the heap: valid entries are 2 … clusterCount + 1.
    let clusterCount: UInt32

    /// The entry of `cluster` (which must be a cluster of the heap).
    func entry(of cluster: UInt32, window: inout FATWindow) throws(VolumeError) -> FATEntry {
        let position: UInt64
        let width: UInt64
        switch kind {
        case .fat12: position = UInt64(cluster) + UInt64(cluster) / 2; width = 2
        case .fat16: position = UInt64(cluster) * 2; width = 2
        case .fat32, .exfat: position = UInt64(cluster) * 4; width = 4
        }
        guard position + width <= length else {
            throw VolumeError(.clusterOutOfRange, "cluster \(cluster) has no entry in the FAT (\(length) bytes)")
        }
        if position < window.start || position + width > window.start + UInt64(window.bytes.count) {
            let start = position - position % FATWindow.size
            let count = min(FATWindow.size + 4, length - start)
            window.bytes = try device.readBytes(at: offset + start, count: Int(count), what: "FAT (entry of cluster \(cluster))")
            window.start = start
        }
        let index = Int(position - window.start)
        var value: UInt32
        switch kind {
        case .fat12:
            let pair = UInt32(window.bytes.le16(index))
            value = cluster & 1 == 0 ? pair & 0xFFF : pair >> 4
        case .fat16:
            value = UInt32(window.bytes.le16(index))
        case .fat32:
            value = window.bytes.le32(index) & 0x0FFF_FFFF
        case .exfat:
            value = window.bytes.le32(index)
        }
        if value == 0 { return .free }
        if value >= kind.endOfChain { return .endOfChain }
        if value == kind.bad { return .bad }
        if value >= 2 && value - 2 < clusterCount { return .next(value) }
        return .invalid(value)
    }
}
