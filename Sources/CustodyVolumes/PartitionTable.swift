/// Reads a device's partition table: MBR (with extended/logical partitions), GPT
/// (behind a protective MBR, backup header when the primary is bad), or none
/// ("superfloppy", a boot sector at byte 0).
public enum PartitionTable {
    /// Reads the layout of `device`.
    ///
    /// - Throws: ``VolumeError`` when the device is too small, its first sector
    ///   cannot be read, or a GPT is announced but neither header is usable.
    ///   Lesser problems (one bad entry, an EBR loop, the backup GPT used) are in
    ///   ``PartitionLayout/problems``.
    public static func read(_ device: any BlockDevice) throws(VolumeError) -> PartitionLayout {
        guard device.size >= 512 else {
            throw VolumeError(.deviceTooSmall, "\(device.name): \(device.size) bytes is too small for a partition table or a boot sector")
        }
        let sector = try device.readBytes(at: 0, count: 512, what: "first sector (MBR or boot sector)")
        if FileSystemProbe.isBootSector(sector) {
            return PartitionLayout(scheme: .superfloppy)
        }
        let hasSignature = sector[510] == 0x55 && sector[511] == 0xAA
        if hasSignature, let entries = MBR.primaryEntries(sector) {
            if entries.contains(where: { $0.type == 0xEE }) {
                return try GPT.read(device)
            }
            if entries.contains(where: { $0.type != 0 }) {
                return MBR.read(device, entries: entries)
            }
        }
        // A GPT whose protective MBR is gone.
        if let layout = try? GPT.read(device) {
            var found = layout
            found.problems.insert(VolumeError(.mbrInvalid, "\(device.name): no protective MBR in sector 0, but a GPT header follows it; the GPT is used"), at: 0)
            return found
        }
        if FileSystemProbe.kind(of: sector) != nil {
            return PartitionLayout(scheme: .superfloppy)
        }
        return PartitionLayout(scheme: .unrecognized)
    }
}
