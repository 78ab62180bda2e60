/// What Custody knows of a USB device from its descriptors (and sysfs): enough to
/// match it against the device catalog and to show it to an operator. Shared by the
/// libusb wrapper (which fills it), the catalog (which matches it) and the device
/// manager (which records it).
public struct USBDeviceDescription: Sendable, Hashable, Codable {
    /// Bus number and port chain, as in sysfs: bus 1, ports [2, 3] → "1-2.3".
    public var busNumber: Int
    public var portNumbers: [Int]
    /// Device address on its bus (changes at every plug).
    public var address: Int
    public var vendorID: UInt16
    public var productID: UInt16
    public var deviceClass: UInt8
    public var deviceSubclass: UInt8
    public var deviceProtocol: UInt8
    /// Interfaces of the active configuration.
    public var interfaces: [USBInterfaceDescription]
    public var manufacturer: String?
    public var product: String?
    public var serial: String?

    public init(busNumber: Int, portNumbers: [Int], address: Int, vendorID: UInt16, productID: UInt16,
                deviceClass: UInt8 = 0, deviceSubclass: UInt8 = 0, deviceProtocol: UInt8 = 0,
                interfaces: [USBInterfaceDescription] = [], manufacturer: String? = nil, product: String? = nil, serial: String? = nil) {
        self.busNumber = busNumber; self.portNumbers = portNumbers; self.address = address
        self.vendorID = vendorID; self.productID = productID
        self.deviceClass = deviceClass; self.deviceSubclass = deviceSubclass; self.deviceProtocol = deviceProtocol
        self.interfaces = interfaces; self.manufacturer = manufacturer; self.product = product; self.serial = serial
    }

    /// The sysfs name of the device: "1-2.3" (a root hub is "usb1").
    public var busPath: String {
        portNumbers.isEmpty ? "usb\(busNumber)" : "\(busNumber)-" + portNumbers.map(String.init).joined(separator: ".")
    }

    /// Four lowercase hex digits.
    public var vendorHex: String { Self.hex4(vendorID) }
    public var productHex: String { Self.hex4(productID) }

    public static func hex4(_ v: UInt16) -> String {
        let s = String(v, radix: 16)
        return String(repeating: "0", count: 4 - s.count) + s
    }
}

/// One interface (alternate setting 0) of a USB device.
public struct USBInterfaceDescription: Sendable, Hashable, Codable {
    public var number: UInt8
    public var interfaceClass: UInt8
    public var interfaceSubclass: UInt8
    public var interfaceProtocol: UInt8
    /// The interface string (iInterface), e.g. "MTP", where it could be read.
    public var name: String?

    public init(number: UInt8, interfaceClass: UInt8, interfaceSubclass: UInt8, interfaceProtocol: UInt8, name: String? = nil) {
        self.number = number; self.interfaceClass = interfaceClass; self.interfaceSubclass = interfaceSubclass
        self.interfaceProtocol = interfaceProtocol; self.name = name
    }
}
