import CustodyCore
import Foundation
@testable import CustodyCatalog

/// A USB device as libusb would describe it, for matching.
func usbDevice(_ vendor: UInt16, _ product: UInt16, _ interfaces: [USBInterfaceDescription] = []) -> USBDeviceDescription {
    USBDeviceDescription(busNumber: 1, portNumbers: [2], address: 5, vendorID: vendor, productID: product, interfaces: interfaces)
}

/// One interface: `interface(0, 0x08, 0x06, 0x50)`, `interface(1, 0xff, 0xff, 0x00, name: "MTP")`.
func interface(_ number: UInt8, _ cls: UInt8, _ subclass: UInt8, _ proto: UInt8, name: String? = nil) -> USBInterfaceDescription {
    USBInterfaceDescription(number: number, interfaceClass: cls, interfaceSubclass: subclass, interfaceProtocol: proto, name: name)
}

/// The error `DeviceCatalog.parse` throws for `text`, or nil when it parses.
func parseError(_ text: String, file: String = "catalog/x.toml") -> CatalogError? {
    do {
        _ = try DeviceCatalog.parse(text, file: file)
        return nil
    } catch {
        return error
    }
}

/// The error `DeviceCatalog.load` throws, or nil.
func loadError(_ directories: [String]) -> CatalogError? {
    do {
        _ = try DeviceCatalog.load(directories: directories)
        return nil
    } catch {
        return error
    }
}

/// A fresh directory under the system's temporary directory, removed by `remove()`.
struct TemporaryDirectory {
    let path: String

    init() throws {
        path = FileManager.default.temporaryDirectory.appendingPathComponent("custody-catalog-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    /// Creates `relative` (and its parent directories) holding `text`; returns its path.
    @discardableResult
    func write(_ relative: String, _ text: String) throws -> String {
        let file = path + "/" + relative
        try FileManager.default.createDirectory(atPath: (file as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try Data(text.utf8).write(to: URL(fileURLWithPath: file))
        return file
    }

    func remove() {
        try? FileManager.default.removeItem(atPath: path)
    }
}

/// The repository: three levels above this file.
let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
