import CustodyUdev

/// One logical unit of a docked USB mass-storage device: a camera's storage, or one
/// slot of a card reader (`sdb`, `sdc`, … behind the same USB device).
public struct StorageSlot: Sendable, Equatable, Hashable {
    /// The logical unit number: 0 for a camera's storage; 0, 1, … for a reader's slots.
    public var lun: Int
    /// The SCSI address `host:channel:target:lun`, e.g. "6:0:0:1".
    public var scsiAddress: String
    /// The disk's kernel name, e.g. "sdc".
    public var disk: String
    /// The disk's sysfs path, which names it in udev's events.
    public var syspath: String

    public init(lun: Int, scsiAddress: String, disk: String, syspath: String) {
        self.lun = lun; self.scsiAddress = scsiAddress; self.disk = disk; self.syspath = syspath
    }

    /// The slot `disk` is, if it is a logical unit of the USB device at `busPath`: the
    /// kernel puts it at `…/<busPath>/<busPath>:C.I/hostH/targetH:C:T/H:C:T:L/block/<disk>`
    /// (an interface of that very device, not of one behind it on a hub).
    public static func locate(_ disk: BlockDisk, busPath: String) -> StorageSlot? {
        let parts = disk.syspath.split(separator: "/", omittingEmptySubsequences: true).map(String.init)
        guard parts.count >= 7, let i = parts.lastIndex(of: busPath), i + 7 == parts.count else { return nil }
        let interface = parts[i + 1], host = parts[i + 2], target = parts[i + 3], address = parts[i + 4]
        let numbers = address.split(separator: ":").compactMap { Int($0) }
        guard interface.hasPrefix(busPath + ":"), host.hasPrefix("host"), Int(host.dropFirst(4)) != nil,
              target.hasPrefix("target"), numbers.count == 4, numbers.allSatisfy({ $0 >= 0 }),
              parts[i + 5] == "block", parts[i + 6] == disk.name else { return nil }
        return StorageSlot(lun: numbers[3], scsiAddress: address, disk: disk.name, syspath: disk.syspath)
    }
}
