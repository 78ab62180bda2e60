/// A whole disk (udev `SUBSYSTEM=block`, `DEVTYPE=disk`) as udev announced it: a
/// camera's storage, or one slot of a card reader. Copied out of libudev at once, so
/// nothing here refers to libudev's objects.
public struct BlockDisk: Sendable, Equatable, Hashable {
    /// Its sysfs path as udev gives it, e.g.
    /// `/sys/devices/pci0000:00/0000:00:14.0/usb1/1-2/1-2.3/1-2.3:1.0/host6/target6:0:0/6:0:0:0/block/sdb`.
    public var syspath: String
    /// The kernel's name for it, e.g. `sdb` (its node is `/dev/sdb`).
    public var name: String
    /// Its capacity in bytes (sysfs `size`, in 512-byte sectors whatever the sector
    /// size): 0 for a reader slot with no card; nil when unknown (a disk being removed).
    public var sizeBytes: UInt64?
    /// `DISK_MEDIA_CHANGE=1`: the kernel saw a medium inserted or taken out.
    public var mediaChanged: Bool
    /// `DISK_EJECT_REQUEST=1`: the eject button of the drive was pressed.
    public var ejectRequested: Bool

    public init(syspath: String, name: String, sizeBytes: UInt64?, mediaChanged: Bool = false, ejectRequested: Bool = false) {
        self.syspath = syspath; self.name = name; self.sizeBytes = sizeBytes
        self.mediaChanged = mediaChanged; self.ejectRequested = ejectRequested
    }

    /// The longest sysfs path accepted from udev (Linux's `PATH_MAX`).
    public static let maxSyspathLength = 4096
    /// The longest kernel name accepted (the kernel's `DISK_NAME_LEN` is 32).
    public static let maxNameLength = 32

    /// Whether `name` can be a disk's kernel name: 1 to 32 of `a-z A-Z 0-9 _ -` (never `/`
    /// or `..`, so that `/dev/<name>` stays in `/dev`).
    public static func isPlausibleName(_ name: String) -> Bool {
        !name.isEmpty && name.utf8.count <= maxNameLength && name.utf8.allSatisfy {
            ($0 >= 0x30 && $0 <= 0x39) || ($0 >= 0x41 && $0 <= 0x5a) || ($0 >= 0x61 && $0 <= 0x7a) || $0 == 0x5f || $0 == 0x2d
        }
    }
}

/// A disk came, changed (a medium inserted or taken out, a new size) or went.
public enum BlockEvent: Sendable, Equatable {
    case added(BlockDisk)
    case changed(BlockDisk)
    case removed(BlockDisk)

    /// The disk the event is about.
    public var disk: BlockDisk {
        switch self {
        case .added(let disk), .changed(let disk), .removed(let disk): disk
        }
    }
}

/// The seam between the device manager and block devices: ``UdevBlockWatcher`` (libudev)
/// in the daemon, `FakeBlockWatcher` (CustodyTestSupport) in unit tests.
public protocol BlockDeviceWatcher: Sendable {
    /// The disks present now (enumeration at start-up).
    /// - Throws: ``UdevError`` naming the libudev call that failed.
    func disks() throws(UdevError) -> [BlockDisk]
    /// Disks' `add`, `change` and `remove` events from the moment of the call, each copied
    /// out of libudev and handed to the stream (never blocking the monitor). Each call
    /// returns an independent stream; it finishes when the watcher shuts down. Subscribe
    /// before calling ``disks()`` so that no event falls between.
    func events() -> AsyncStream<BlockEvent>
}
