import CLibUSB
import CustodyCore
import Foundation

/// Builds ``USBDeviceDescription``s from libusb devices: ids, classes and the port
/// chain from the cached descriptors; strings from the device itself where it can be
/// opened, else from sysfs (`manufacturer`, `product`, `serial`, `<busPath>:<c>.<n>/interface`).
struct LibUSBDescriber: Sendable {
    let sysfs: SysfsRoot
    /// Per string descriptor (a control transfer); a device that does not answer costs this once.
    var stringTimeoutMilliseconds: UInt32 = 500

    /// What may be read inside the hotplug callback: `libusb_get_device_descriptor`,
    /// bus number, address and port numbers (all cached by libusb, no I/O).
    static func identity(of device: OpaquePointer) -> USBDeviceDescription {
        var descriptor = libusb_device_descriptor()
        _ = libusb_get_device_descriptor(device, &descriptor)
        var ports = [UInt8](repeating: 0, count: 8)  // USB 3: at most 7 tiers below the root hub
        let count = libusb_get_port_numbers(device, &ports, Int32(ports.count))
        return USBDeviceDescription(
            busNumber: Int(libusb_get_bus_number(device)),
            portNumbers: count > 0 ? ports.prefix(Int(count)).map(Int.init) : [],
            address: Int(libusb_get_device_address(device)),
            vendorID: descriptor.idVendor, productID: descriptor.idProduct,
            deviceClass: descriptor.bDeviceClass, deviceSubclass: descriptor.bDeviceSubClass,
            deviceProtocol: descriptor.bDeviceProtocol)
    }

    /// The full description; with `readStrings` false, no string is read (no I/O beyond
    /// libusb's cached descriptors).
    func describe(_ device: OpaquePointer, readStrings: Bool) -> USBDeviceDescription {
        var description = Self.identity(of: device)
        // libusb builds the port chain from the parents it knows; a device announced by
        // hotplug before its hub can come out with a short chain. sysfs decides.
        if let ports = sysfsPortNumbers(bus: description.busNumber, address: description.address, claimed: description.portNumbers) {
            description.portNumbers = ports
        }
        let configuration = Self.configuration(of: device)
        description.interfaces = configuration.interfaces.map {
            USBInterfaceDescription(number: $0.number, interfaceClass: $0.interfaceClass,
                                    interfaceSubclass: $0.interfaceSubclass, interfaceProtocol: $0.interfaceProtocol)
        }
        guard readStrings else { return description }

        var descriptor = libusb_device_descriptor()
        _ = libusb_get_device_descriptor(device, &descriptor)
        let indices = [descriptor.iManufacturer, descriptor.iProduct, descriptor.iSerialNumber]
            + configuration.interfaces.map(\.nameIndex)
        let fromDevice = deviceStrings(indices.filter { $0 != 0 }, from: device)

        let base = "bus/usb/devices/\(description.busPath)"
        // The device's own words, escaped where text cannot hold them (UntrustedText).
        description.manufacturer = fromDevice[descriptor.iManufacturer] ?? nonEmpty(sysfs.untrustedText("\(base)/manufacturer"))
        description.product = fromDevice[descriptor.iProduct] ?? nonEmpty(sysfs.untrustedText("\(base)/product"))
        description.serial = fromDevice[descriptor.iSerialNumber] ?? nonEmpty(sysfs.untrustedText("\(base)/serial"))
        for (i, interface) in configuration.interfaces.enumerated() {
            let path = "bus/usb/devices/\(Self.interfaceDirectory(description, configuration: configuration.value, interface: interface.number))/interface"
            description.interfaces[i].name = fromDevice[interface.nameIndex] ?? nonEmpty(sysfs.untrustedText(path))
        }
        return description
    }

    /// The port chain of the device with this bus number and address, from sysfs: the
    /// `claimed` chain when its directory agrees (`busnum`, `devnum`), else the name of
    /// the directory under bus/usb/devices that does. Nil when sysfs knows no such device.
    func sysfsPortNumbers(bus: Int, address: Int, claimed: [Int]) -> [Int]? {
        func matches(_ name: String) -> Bool {
            sysfs.attribute("bus/usb/devices/\(name)/busnum").flatMap(Int.init) == bus
                && sysfs.attribute("bus/usb/devices/\(name)/devnum").flatMap(Int.init) == address
        }
        let claimedName = claimed.isEmpty ? "usb\(bus)" : "\(bus)-" + claimed.map(String.init).joined(separator: ".")
        if matches(claimedName) { return claimed }
        for name in sysfs.list("bus/usb/devices") where name.hasPrefix("\(bus)-") && !name.contains(":") && matches(name) {
            let ports = name.dropFirst("\(bus)-".count).split(separator: ".").compactMap { Int($0) }
            return ports
        }
        return nil
    }

    /// The sysfs name of an interface: "1-2.3:1.0"; a root hub's is "1-0:1.0".
    static func interfaceDirectory(_ device: USBDeviceDescription, configuration: UInt8, interface: UInt8) -> String {
        let name = device.portNumbers.isEmpty ? "\(device.busNumber)-0" : device.busPath
        return "\(name):\(configuration).\(interface)"
    }

    // MARK: - Configuration

    struct Interface {
        var number: UInt8
        var interfaceClass: UInt8
        var interfaceSubclass: UInt8
        var interfaceProtocol: UInt8
        var nameIndex: UInt8
    }

    /// Interfaces (alternate setting 0) of the active configuration, or of the first
    /// one where the device is unconfigured or its active one cannot be read.
    static func configuration(of device: OpaquePointer) -> (value: UInt8, interfaces: [Interface]) {
        var config: UnsafeMutablePointer<libusb_config_descriptor>?
        if libusb_get_active_config_descriptor(device, &config) < 0 || config == nil {
            config = nil
            if libusb_get_config_descriptor(device, 0, &config) < 0 { return (1, []) }
        }
        guard let config else { return (1, []) }
        defer { libusb_free_config_descriptor(config) }
        var interfaces: [Interface] = []
        for i in 0..<Int(config.pointee.bNumInterfaces) {
            let interface = config.pointee.interface[i]
            let alternates = UnsafeBufferPointer(start: interface.altsetting, count: Int(interface.num_altsetting))
            guard let setting = alternates.first(where: { $0.bAlternateSetting == 0 }) ?? alternates.first else { continue }
            interfaces.append(Interface(number: setting.bInterfaceNumber, interfaceClass: setting.bInterfaceClass,
                                        interfaceSubclass: setting.bInterfaceSubClass,
                                        interfaceProtocol: setting.bInterfaceProtocol, nameIndex: setting.iInterface))
        }
        return (config.pointee.bConfigurationValue, interfaces)
    }

    // MARK: - Strings

    /// Opens the device and reads the string descriptors; empty where it cannot be
    /// opened (no permission, gone) or does not answer the language list.
    private func deviceStrings(_ indices: [UInt8], from device: OpaquePointer) -> [UInt8: String] {
        guard !indices.isEmpty else { return [:] }
        var handle: OpaquePointer?
        guard libusb_open(device, &handle) == 0, let handle else { return [:] }
        defer { libusb_close(handle) }
        guard let language = try? Self.firstLanguage(handle, timeout: stringTimeoutMilliseconds) else { return [:] }
        var strings: [UInt8: String] = [:]
        for index in Set(indices) {
            if let text = try? Self.string(handle, index: index, language: language, timeout: stringTimeoutMilliseconds),
               let text = nonEmpty(text) {
                strings[index] = text
            }
        }
        return strings
    }

    /// String descriptor 0: the first language id the device offers.
    static func firstLanguage(_ handle: OpaquePointer, timeout: UInt32) throws(USBError) -> UInt16 {
        let bytes = try rawString(handle, index: 0, language: 0, timeout: timeout)
        guard bytes.count >= 2 else {
            throw USBError(call: "libusb_get_string_descriptor", code: USBError.Code.io, message: "the device lists no language")
        }
        return UInt16(bytes[0]) | UInt16(bytes[1]) << 8
    }

    /// String descriptor `index` in `language`, UTF-16LE decoded.
    static func string(_ handle: OpaquePointer, index: UInt8, language: UInt16, timeout: UInt32) throws(USBError) -> String {
        text(ofDescriptor: try rawString(handle, index: index, language: language, timeout: timeout))
    }

    /// The text of a string descriptor's payload (UTF-16LE), escaped as ``UntrustedText``:
    /// a device's NUL or unpaired surrogate is kept reversibly, never dropped or replaced.
    static func text(ofDescriptor bytes: [UInt8]) -> String {
        let units = stride(from: 0, to: bytes.count - 1, by: 2).map { UInt16(bytes[$0]) | UInt16(bytes[$0 + 1]) << 8 }
        return UntrustedText.escaped(utf16: units)
    }

    /// The payload of a string descriptor (after bLength and bDescriptorType).
    private static func rawString(_ handle: OpaquePointer, index: UInt8, language: UInt16, timeout: UInt32) throws(USBError) -> [UInt8] {
        var buffer = [UInt8](repeating: 0, count: 255)
        // libusb_get_string_descriptor, with our timeout (the inline helper uses 1 s).
        let request = UInt8(LIBUSB_REQUEST_GET_DESCRIPTOR.rawValue)
        let value = UInt16(LIBUSB_DT_STRING.rawValue) << 8 | UInt16(index)
        let count = try USBError.check("libusb_get_string_descriptor", libusb_control_transfer(
            handle, UInt8(LIBUSB_ENDPOINT_IN.rawValue), request, value, language, &buffer, UInt16(buffer.count), timeout))
        guard count >= 2, buffer[1] == UInt8(LIBUSB_DT_STRING.rawValue) else {
            throw USBError(call: "libusb_get_string_descriptor", code: USBError.Code.io,
                           message: "string descriptor \(index) is malformed (\(count) bytes)")
        }
        let length = min(Int(count), Int(buffer[0]))
        return length > 2 ? Array(buffer[2..<length]) : []
    }
}

/// Trimmed text, nil when empty.
func nonEmpty(_ text: String?) -> String? {
    guard let text else { return nil }
    let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines.union(.controlCharacters))
    return trimmed.isEmpty ? nil : trimmed
}
