import CustodyCore
import CustodyUdev
import Synchronization

/// Scripted block disks for unit tests: the test sets the disks present at start and
/// pushes `add`, `change` and `remove` events as udev would.
///
///     let block = FakeBlockWatcher()
///     block.add(FakeBlockWatcher.disk(busPath: "1-2", lun: 0, name: "sdb", bytes: 0))   // an empty slot
///     block.change(FakeBlockWatcher.disk(busPath: "1-2", lun: 0, name: "sdb", bytes: 1 << 24, mediaChanged: true))
public final class FakeBlockWatcher: BlockDeviceWatcher {
    private let present: Mutex<[String: BlockDisk]>
    private let fanOut = StreamFanOut<BlockEvent>()
    private let enumerations = Mutex(0)

    public init(disks: [BlockDisk] = []) {
        present = Mutex(Dictionary(disks.map { ($0.syspath, $0) }, uniquingKeysWith: { _, last in last }))
    }

    public func disks() throws(UdevError) -> [BlockDisk] {
        enumerations.withLock { $0 += 1 }
        return present.withLock { Array($0.values).sorted { $0.syspath < $1.syspath } }
    }

    public func events() -> AsyncStream<BlockEvent> { fanOut.subscribe() }

    /// How many times ``disks()`` was called.
    public var enumerationCount: Int { enumerations.withLock { $0 } }

    /// Subscribed streams (the device manager subscribes once it runs).
    public var subscribers: Int { fanOut.count }

    public func add(_ disk: BlockDisk) {
        present.withLock { $0[disk.syspath] = disk }
        fanOut.yield(.added(disk))
    }

    public func change(_ disk: BlockDisk) {
        present.withLock { $0[disk.syspath] = disk }
        fanOut.yield(.changed(disk))
    }

    public func remove(_ disk: BlockDisk) {
        _ = present.withLock { $0.removeValue(forKey: disk.syspath) }
        fanOut.yield(.removed(disk))
    }

    public func finish() { fanOut.finish() }

    /// A disk as the kernel names a USB mass-storage logical unit: behind interface 1.0
    /// of the device at `busPath`, SCSI host `host`, logical unit `lun`.
    public static func disk(busPath: String, lun: Int, name: String, bytes: UInt64?, host: Int = 6,
                            mediaChanged: Bool = false) -> BlockDisk {
        let base = "/sys/devices/pci0000:00/0000:00:14.0/usb1"
        let parents = busPath.split(separator: ".").indices.map { i in busPath.split(separator: ".")[...i].joined(separator: ".") }
        let usb = ([base] + parents).joined(separator: "/")
        let syspath = "\(usb)/\(busPath):1.0/host\(host)/target\(host):0:0/\(host):0:0:\(lun)/block/\(name)"
        return BlockDisk(syspath: syspath, name: name, sizeBytes: bytes, mediaChanged: mediaChanged)
    }
}
