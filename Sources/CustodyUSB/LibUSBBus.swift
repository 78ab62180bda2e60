import CLibUSB
import CustodyCore

/// The real bus: libusb-1.0 with its event thread, hotplug (or polling) and sysfs
/// for what the device cannot tell.
public final class LibUSBBus: USBBus {
    /// Where arrivals and departures come from.
    public enum EventSource: Sendable, Equatable {
        /// libusb hotplug where available (`LIBUSB_CAP_HAS_HOTPLUG` and registration
        /// succeeds), else polling.
        case automatic
        /// Enumeration every `pollInterval`, diffed against the previous one.
        case polling
    }

    private let context: LibUSBContext
    private let describer: LibUSBDescriber
    private let monitor: DeviceMonitor

    /// Creates a libusb context (`libusb_init`) and runs libusb's event handling on its
    /// own thread, stopped and joined by ``shutdown()`` (or deinit). Registers for
    /// hotplug, or starts polling every `pollInterval` where hotplug is unavailable.
    /// - Throws: ``USBError`` naming `libusb_init`.
    public init(sysfs: SysfsRoot = .fromEnvironment(), pollInterval: Duration = .seconds(1),
                eventSource: EventSource = .automatic) throws(USBError) {
        context = try LibUSBContext()
        describer = LibUSBDescriber(sysfs: sysfs)
        monitor = DeviceMonitor(context: context, describer: describer, pollInterval: pollInterval, eventSource: eventSource)
    }

    deinit { shutdown() }

    /// True when events come from libusb hotplug, false when from polling.
    public var usesHotplug: Bool { monitor.usesHotplug }

    /// Every device libusb lists, hubs and root hubs included, ordered by bus and port
    /// chain; strings read from each device where it can be opened, else from sysfs.
    public func devices() throws(USBError) -> [USBDeviceDescription] {
        guard !context.isShutDown else {
            throw USBError(call: "libusb_get_device_list", code: USBError.Code.noDevice,
                           message: "the bus was shut down (LibUSBBus.shutdown())")
        }
        let list = try DeviceList(context: context)
        let descriptions = list.devices.map { describer.describe($0, readStrings: true) }
        monitor.remember(descriptions)
        return descriptions.sorted { a, b in
            a.busNumber != b.busNumber ? a.busNumber < b.busNumber : a.portNumbers.lexicographicallyPrecedes(b.portNumbers)
        }
    }

    public func events() -> AsyncStream<USBEvent> { monitor.subscribe() }

    /// Opens the device that is at `device`'s bus and address now, if it is the same
    /// device (same vendor and product ids).
    public func open(_ device: USBDeviceDescription) throws(USBError) -> any USBDeviceHandle {
        try openHandle(device)
    }

    /// ``open(_:)`` with the concrete type.
    public func openHandle(_ device: USBDeviceDescription) throws(USBError) -> LibUSBDeviceHandle {
        guard !context.isShutDown else { throw USBError.closed("libusb_open", device: device.label) }
        let list = try DeviceList(context: context)
        guard let match = list.devices.first(where: {
            Int(libusb_get_bus_number($0)) == device.busNumber && Int(libusb_get_device_address($0)) == device.address
        }) else {
            throw USBError(call: "libusb_open", code: USBError.Code.noDevice, device: device.label,
                           message: "no device at bus \(device.busNumber) address \(device.address): it was unplugged (or re-plugged at a new address); wait for its next arrival")
        }
        let current = LibUSBDescriber.identity(of: match)
        guard current.vendorID == device.vendorID, current.productID == device.productID else {
            throw USBError(call: "libusb_open", code: USBError.Code.noDevice, device: device.label,
                           message: "bus \(device.busNumber) address \(device.address) is now \(current.vendorHex):\(current.productHex): the device was unplugged and its address reused")
        }
        var handle: OpaquePointer?
        try USBError.check("libusb_open", device: device.label, libusb_open(match, &handle))
        guard let handle else { throw USBError(call: "libusb_open", code: USBError.Code.other, device: device.label) }
        return LibUSBDeviceHandle(device: device, context: context, handle: handle)
    }

    /// Stops hotplug or polling, finishes every event stream, closes open handles
    /// (aborting their transfers), stops and joins the event thread, `libusb_exit`.
    /// Idempotent. Later calls fail cleanly; calls running concurrently with it are the
    /// caller's to stop first (the daemon stops its drivers before the bus).
    public func shutdown() {
        monitor.stop()
        context.shutdown()
        monitor.finish()
    }
}

/// `libusb_get_device_list` … `libusb_free_device_list`.
final class DeviceList {
    let devices: [OpaquePointer]
    private let list: UnsafeMutablePointer<OpaquePointer?>

    init(context: LibUSBContext) throws(USBError) {
        var list: UnsafeMutablePointer<OpaquePointer?>?
        let count = try USBError.check("libusb_get_device_list", Int32(clamping: libusb_get_device_list(context.pointer.raw, &list)))
        guard let list else { throw USBError(call: "libusb_get_device_list", code: USBError.Code.other) }
        self.list = list
        devices = (0..<Int(count)).compactMap { list[$0] }
    }

    deinit { libusb_free_device_list(list, 1) }
}
