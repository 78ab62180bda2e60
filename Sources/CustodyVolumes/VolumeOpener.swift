/// A device read for evidence: its partition layout, every FAT/exFAT volume on it,
/// and what could not be opened.
public struct OpenedDevice: Sendable {
    public var layout: PartitionLayout
    /// Every FAT12/16/32 or exFAT volume found: one per partition that holds one, or
    /// the whole device when it has no partition table.
    public var volumes: [any EvidenceVolume]
    /// The layout's problems, partitions holding no FAT/exFAT file system
    /// (`partition-unknown`), and volumes that failed to open (their error, e.g.
    /// `fat-boot-sector`).
    public var problems: [VolumeProblem]

    public init(layout: PartitionLayout, volumes: [any EvidenceVolume], problems: [VolumeProblem]) {
        self.layout = layout
        self.volumes = volumes
        self.problems = problems
    }
}

/// Finds and opens the FAT/exFAT volumes of a device.
public enum VolumeOpener {
    /// Reads the partition table of `device` and opens every FAT/exFAT volume in it.
    /// Partitions that hold something else, or a volume whose boot sector is bad,
    /// become problems; the other volumes are still opened.
    /// - Throws: ``VolumeError`` only when the device itself cannot be read (too small,
    ///   I/O error on its first sector) or a GPT is announced and both headers are bad.
    public static func open(_ device: any BlockDevice) throws(VolumeError) -> OpenedDevice {
        let layout = try PartitionTable.read(device)
        var opened = OpenedDevice(layout: layout, volumes: [], problems: layout.problems)
        switch layout.scheme {
        case .superfloppy, .unrecognized:
            do throws(VolumeError) {
                if let volume = try openVolume(device, partitionIndex: nil, byteOffset: 0) {
                    opened.volumes.append(volume)
                } else {
                    opened.problems.append(VolumeError(.noVolume,
                        "\(device.name): no partition table and no FAT or exFAT boot sector at byte 0"))
                }
            } catch {
                opened.problems.append(error)
            }
        case .mbr, .gpt:
            for partition in layout.partitions {
                let window = SubrangeBlockDevice(parent: device, start: partition.byteOffset, length: partition.byteLength,
                                                 name: "\(device.name) partition \(partition.index)")
                do throws(VolumeError) {
                    if let volume = try openVolume(window, partitionIndex: partition.index, byteOffset: partition.byteOffset) {
                        opened.volumes.append(volume)
                    } else {
                        opened.problems.append(VolumeError(.partitionUnknown,
                            "\(device.name): \(partition.label) holds no FAT or exFAT file system"))
                    }
                } catch {
                    opened.problems.append(error.context(partition.label))
                }
            }
            if opened.volumes.isEmpty && layout.partitions.isEmpty {
                opened.problems.append(VolumeError(.noVolume, "\(device.name): the \(layout.scheme.rawValue.uppercased()) partition table lists no partition"))
            }
        }
        return opened
    }

    /// Opens the FAT or exFAT volume whose boot sector is at byte 0 of `device`;
    /// nil when the first sector is not a FAT or exFAT boot sector at all.
    /// - Throws: ``VolumeError`` when it claims to be one but is bad.
    public static func openVolume(_ device: any BlockDevice, partitionIndex: Int? = nil,
                                  byteOffset: UInt64 = 0) throws(VolumeError) -> (any EvidenceVolume)? {
        guard device.size >= 512 else {
            throw VolumeError(.deviceTooSmall, "\(device.name): \(device.size) bytes is too small for a boot sector")
        }
        let sector = try device.readBytes(at: 0, count: 512, what: "boot sector")
        switch FileSystemProbe.kind(of: sector) {
        case .exfat:
            return try ExFATVolume(device: device, partitionIndex: partitionIndex, byteOffset: byteOffset)
        case .fat:
            return try FATVolume(device: device, partitionIndex: partitionIndex, byteOffset: byteOffset)
        case nil:
            return nil
        }
    }
}
