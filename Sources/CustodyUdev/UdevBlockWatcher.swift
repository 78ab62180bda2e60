#if canImport(Glibc)
import Glibc
#endif
import CLibUdev
import CustodyCore
import Dispatch
import Synchronization

/// Follows whole disks through libudev's monitor (netlink group "udev", filtered to
/// `block` / `disk`): the events udevd sends once it has processed the kernel's, so
/// that the node exists with its permissions when the event arrives.
///
/// The monitor's socket is non-blocking and watched by a dispatch read source on a
/// serial queue; each readable moment drains every queued message, copies each into a
/// ``BlockDisk`` and yields it to the subscribers' streams. Nothing waits: no timer, no
/// retry, no poll of any device while nothing happens. Every libudev call (monitor,
/// enumeration, release) runs on that one queue, since libudev's objects are not
/// thread-safe.
public final class UdevBlockWatcher: BlockDeviceWatcher {
    private let queue = DispatchQueue(label: "custody.udev.block-watcher")
    private let handles: Handles
    private let source: ReadSource
    private let fanOut = StreamFanOut<BlockEvent>()
    private let stopped = Atomic<Bool>(false)

    /// `udev_new`, `udev_monitor_new_from_netlink(udev, "udev")`, the block/disk filter,
    /// `udev_monitor_enable_receiving`; the socket watched from then on.
    /// - Throws: ``UdevError`` naming the call that failed.
    public init() throws(UdevError) {
        guard let udev = udev_new() else { throw UdevError(.context, call: "udev_new", subject: "libudev", errno: errno) }
        guard let monitor = udev_monitor_new_from_netlink(udev, "udev") else {
            let code = errno
            udev_unref(udev)
            throw UdevError(.monitor, call: "udev_monitor_new_from_netlink", subject: "udev", errno: code)
        }
        do {
            // Only whole disks: partitions, loop devices' partitions and other subsystems never reach us.
            try UdevError.check(udev_monitor_filter_add_match_subsystem_devtype(monitor, "block", "disk"), .monitor,
                                call: "udev_monitor_filter_add_match_subsystem_devtype", subject: "block/disk")
            try UdevError.check(udev_monitor_enable_receiving(monitor), .monitor,
                                call: "udev_monitor_enable_receiving", subject: "block/disk")
        } catch {
            udev_monitor_unref(monitor)
            udev_unref(udev)
            throw error
        }
        let fd = udev_monitor_get_fd(monitor)
        // libudev opens the socket SOCK_NONBLOCK; made certain here, since a blocking
        // receive would stall the queue (and with it every later event).
        let flags = fcntl(fd, F_GETFL)
        if flags >= 0 && flags & O_NONBLOCK == 0 { _ = fcntl(fd, F_SETFL, flags | O_NONBLOCK) }

        let handles = Handles(udev: udev, monitor: monitor)
        self.handles = handles
        let read = DispatchSource.makeReadSource(fileDescriptor: fd, queue: queue)
        self.source = ReadSource(source: read)
        let fanOut = self.fanOut
        read.setEventHandler { Self.drain(handles, into: fanOut) }
        // The monitor (and its socket) and the context are released on the queue, after the last drain.
        read.setCancelHandler { handles.release() }
        read.resume()
    }

    deinit { shutdown() }

    public func events() -> AsyncStream<BlockEvent> { fanOut.subscribe() }

    /// `udev_enumerate` over subsystem `block`, property `DEVTYPE=disk`.
    public func disks() throws(UdevError) -> [BlockDisk] {
        let result: Result<[BlockDisk], UdevError> = queue.sync {
            guard let udev = handles.udev else {
                return .failure(UdevError(.enumerate, call: "udev_enumerate_new", subject: "block", errno: ESHUTDOWN))
            }
            return Self.enumerate(udev)
        }
        return try result.get()
    }

    /// Stops watching, finishes every stream, releases libudev's objects. Idempotent.
    public func shutdown() {
        guard !stopped.exchange(true, ordering: .relaxed) else { return }
        source.source.cancel()
        queue.sync {}
        fanOut.finish()
    }

    // MARK: - On the queue

    /// Every message waiting on the socket, each copied and yielded; returns at `EAGAIN`.
    private static func drain(_ handles: Handles, into fanOut: StreamFanOut<BlockEvent>) {
        guard let monitor = handles.monitor else { return }
        // udev_monitor_receive_device never blocks on a non-blocking socket: NULL when empty.
        while let device = udev_monitor_receive_device(monitor) {
            defer { udev_device_unref(device) }
            guard let action = udev_device_get_action(device).map({ String(cString: $0) }) else { continue }
            switch action {
            case "add": if let disk = disk(device) { fanOut.yield(.added(disk)) }
            case "change": if let disk = disk(device) { fanOut.yield(.changed(disk)) }
            // A disk that is gone has no size or medium to tell (its sysfs may be gone already).
            case "remove": if let disk = disk(device, gone: true) { fanOut.yield(.removed(disk)) }
            default: continue  // bind, move, online, offline: nothing a medium's reader needs
            }
        }
    }

    private static func enumerate(_ udev: OpaquePointer) -> Result<[BlockDisk], UdevError> {
        guard let enumerate = udev_enumerate_new(udev) else {
            return .failure(UdevError(.enumerate, call: "udev_enumerate_new", subject: "block", errno: errno))
        }
        defer { udev_enumerate_unref(enumerate) }
        do {
            try UdevError.check(udev_enumerate_add_match_subsystem(enumerate, "block"), .enumerate,
                                call: "udev_enumerate_add_match_subsystem", subject: "block")
            try UdevError.check(udev_enumerate_add_match_property(enumerate, "DEVTYPE", "disk"), .enumerate,
                                call: "udev_enumerate_add_match_property", subject: "DEVTYPE=disk")
            try UdevError.check(udev_enumerate_scan_devices(enumerate), .enumerate, call: "udev_enumerate_scan_devices", subject: "block")
        } catch {
            return .failure(error)
        }
        var disks: [BlockDisk] = []
        var entry = udev_enumerate_get_list_entry(enumerate)
        while let current = entry {
            defer { entry = udev_list_entry_get_next(current) }
            guard let path = udev_list_entry_get_name(current),
                  let device = udev_device_new_from_syspath(udev, path) else { continue }
            defer { udev_device_unref(device) }
            if let disk = disk(device) { disks.append(disk) }
        }
        return .success(disks)
    }

    /// The disk a udev device describes, or nil when it is not a plausible whole disk.
    /// What udev reports is checked before use: a bounded sysfs path under `/sys/`
    /// without `..`, a kernel name that cannot leave `/dev`, a size that fits.
    static func disk(_ device: OpaquePointer, gone: Bool = false) -> BlockDisk? {
        guard let syspathC = udev_device_get_syspath(device), let nameC = udev_device_get_sysname(device) else { return nil }
        if let devtype = udev_device_get_devtype(device), String(cString: devtype) != "disk" { return nil }
        let syspath = String(cString: syspathC), name = String(cString: nameC)
        guard syspath.utf8.count <= BlockDisk.maxSyspathLength, syspath.hasPrefix("/sys/"),
              !syspath.split(separator: "/").contains(".."), BlockDisk.isPlausibleName(name) else { return nil }
        guard !gone else { return BlockDisk(syspath: syspath, name: name, sizeBytes: nil) }
        func property(_ key: String) -> String? { udev_device_get_property_value(device, key).map { String(cString: $0) } }
        // sysfs `size` counts 512-byte sectors whatever the device's sector size.
        let sectors = udev_device_get_sysattr_value(device, "size").flatMap { value -> UInt64? in
            let text = String(cString: value)
            return text.utf8.count <= 20 ? UInt64(text.filter { !$0.isWhitespace }) : nil
        }
        let bytes = sectors.flatMap { $0 <= UInt64.max / 512 ? $0 * 512 : nil }
        return BlockDisk(syspath: syspath, name: name, sizeBytes: bytes,
                         mediaChanged: property("DISK_MEDIA_CHANGE") == "1", ejectRequested: property("DISK_EJECT_REQUEST") == "1")
    }
}

/// libudev's context and monitor; touched only on the watcher's queue.
private final class Handles: @unchecked Sendable {
    private(set) var udev: OpaquePointer?
    private(set) var monitor: OpaquePointer?

    init(udev: OpaquePointer, monitor: OpaquePointer) { self.udev = udev; self.monitor = monitor }

    /// `udev_monitor_unref` (closing the socket), then `udev_unref`.
    func release() {
        if let monitor { udev_monitor_unref(monitor) }
        if let udev { udev_unref(udev) }
        monitor = nil
        udev = nil
    }
}

/// The read source; a dispatch source may be cancelled from any thread.
private struct ReadSource: @unchecked Sendable {
    let source: any DispatchSourceRead
}
