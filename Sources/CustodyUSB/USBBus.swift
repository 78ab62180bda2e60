import CustodyCore

/// A device came or went. A departure carries the description taken at arrival
/// (strings cannot be read from a device that is gone).
public enum USBEvent: Sendable, Equatable {
    case arrived(USBDeviceDescription)
    case left(USBDeviceDescription)

    /// The device the event is about.
    public var device: USBDeviceDescription {
        switch self {
        case .arrived(let device), .left(let device): device
        }
    }
}

/// The seam between the device manager and USB: ``LibUSBBus`` in the daemon,
/// `FakeUSBBus` (CustodyTestSupport) in unit tests.
public protocol USBBus: Sendable {
    /// Devices present now (enumeration at start-up).
    /// - Throws: ``USBError`` naming `libusb_get_device_list` when enumeration fails.
    func devices() throws(USBError) -> [USBDeviceDescription]
    /// Arrivals and departures from the moment of the call, delivered from libusb's
    /// hotplug callback through a stream (never blocking in the callback). Where hotplug
    /// is not available, periodic enumeration diffed against the previous list produces
    /// the same events. Each call returns an independent stream; it finishes when the bus
    /// shuts down. Subscribe before calling ``devices()`` so that no arrival falls between.
    func events() -> AsyncStream<USBEvent>
    /// Opens a device for the drivers (PTP/MTP).
    /// - Throws: ``USBError`` naming `libusb_open`; `LIBUSB_ERROR_NO_DEVICE` when the device
    ///   is no longer on the bus at that address.
    func open(_ device: USBDeviceDescription) throws(USBError) -> any USBDeviceHandle
}

/// An open device. Transfers block the calling thread until done, timed out or
/// aborted: a cancelled Task aborts its transfer within a few milliseconds
/// (``USBError/isCancelled``). Call from a thread that may block (not the
/// cooperative pool's for long transfers).
public protocol USBDeviceHandle: Sendable {
    /// `libusb_claim_interface`.
    func claimInterface(_ number: UInt8) throws(USBError)
    /// `libusb_release_interface`.
    func releaseInterface(_ number: UInt8) throws(USBError)
    /// Bulk OUT transfer; returns the bytes written.
    func bulkWrite(endpoint: UInt8, _ data: [UInt8], timeout: Duration) throws(USBError) -> Int
    /// Bulk IN transfer of at most `maxLength` bytes; returns what was read.
    func bulkRead(endpoint: UInt8, maxLength: Int, timeout: Duration) throws(USBError) -> [UInt8]
    /// Interrupt IN transfer of at most `maxLength` bytes.
    func interruptRead(endpoint: UInt8, maxLength: Int, timeout: Duration) throws(USBError) -> [UInt8]
    /// String descriptor `index` in the device's first language, decoded from UTF-16LE.
    func stringDescriptor(_ index: UInt8) throws(USBError) -> String
    /// Aborts transfers in flight, releases the device. Idempotent; later calls throw
    /// ``USBError/isDisconnected``.
    func close()
}

/// What identifies one plugged-in device for as long as it stays plugged in: the
/// address changes at every plug, so bus + address (+ ids, against address reuse).
public struct USBDeviceKey: Hashable, Sendable, Comparable, CustomStringConvertible {
    public var busNumber: Int
    public var address: Int
    public var vendorID: UInt16
    public var productID: UInt16

    public init(busNumber: Int, address: Int, vendorID: UInt16, productID: UInt16) {
        self.busNumber = busNumber; self.address = address; self.vendorID = vendorID; self.productID = productID
    }

    public init(_ device: USBDeviceDescription) {
        self.init(busNumber: device.busNumber, address: device.address, vendorID: device.vendorID, productID: device.productID)
    }

    public static func < (a: USBDeviceKey, b: USBDeviceKey) -> Bool {
        (a.busNumber, a.address, a.vendorID, a.productID) < (b.busNumber, b.address, b.vendorID, b.productID)
    }

    public var description: String {
        "bus \(busNumber) address \(address) (\(USBDeviceDescription.hex4(vendorID)):\(USBDeviceDescription.hex4(productID)))"
    }
}

/// The difference between two enumerations: what arrived and what left, each in
/// (bus, address) order. Polling (where hotplug is unavailable) and the fake bus use it.
public struct USBDeviceListDiff: Sendable, Equatable {
    public var arrived: [USBDeviceKey]
    public var left: [USBDeviceKey]

    public init(previous: Set<USBDeviceKey>, current: Set<USBDeviceKey>) {
        arrived = current.subtracting(previous).sorted()
        left = previous.subtracting(current).sorted()
    }

    public var isEmpty: Bool { arrived.isEmpty && left.isEmpty }
}

extension USBDeviceDescription {
    /// "1-2.3 2e8a:0c10", for messages.
    public var label: String { "\(busPath) \(vendorHex):\(productHex)" }
}
