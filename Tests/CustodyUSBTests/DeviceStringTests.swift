import CustodyCore
import CustodyTestSupport
import Foundation
import Testing
@testable import CustodyUSB

/// A device's own strings (serial, manufacturer, product) are outside text: NUL, unpaired
/// surrogates and bytes that are not UTF-8 are escaped reversibly, never dropped or replaced.
@Suite("USB strings")
struct DeviceStringTests {
    static func le(_ units: [UInt16]) -> [UInt8] { units.flatMap { [UInt8($0 & 0xFF), UInt8($0 >> 8)] } }

    @Test("a string descriptor with NUL, a lone surrogate and a backslash is escaped; NUL padding at the end is dropped")
    func descriptor() {
        #expect(LibUSBDescriber.text(ofDescriptor: Self.le(Array("BWC0001234".utf16))) == "BWC0001234")
        #expect(LibUSBDescriber.text(ofDescriptor: Self.le(Array("BWC12".utf16) + [0, 0, 0])) == "BWC12")
        #expect(LibUSBDescriber.text(ofDescriptor: Self.le([0x41, 0, 0x42])) == #"A\u{0000}B"#)
        #expect(LibUSBDescriber.text(ofDescriptor: Self.le([0x41, 0xD800, 0x42])) == #"A\u{D800}B"#)
        #expect(LibUSBDescriber.text(ofDescriptor: Self.le([0x5C, 0x1B, 0x202E])) == "\\\\\u{1B}\u{202E}",
                "controls are kept as they are (the CLI escapes them for terminals)")
        #expect(UntrustedText.units(ofEscaped: LibUSBDescriber.text(ofDescriptor: Self.le([0x41, 0, 0xDFFF, 0x5C]))) == [0x41, 0, 0xDFFF, 0x5C])
    }

    @Test("a sysfs string with NUL or bytes that are not UTF-8 is escaped reversibly")
    func sysfsText() throws {
        let dir = try TemporaryDirectory("custody-usb-strings")
        defer { dir.remove() }
        try dir.write("sys/bus/usb/devices/1-2/serial", Data([0x41, 0x00, 0x42, 0xFF, 0x43, 0x0A]))
        try dir.write("sys/bus/usb/devices/1-2/product", Data("Cam \u{1B}[31mRED\u{202E}\n".utf8))
        let sysfs = SysfsRoot(sys: dir.path + "/sys", dev: dir.path + "/dev")
        #expect(sysfs.untrustedText("bus/usb/devices/1-2/serial") == #"A\u{0000}B\x{FF}C"#)
        #expect(sysfs.untrustedText("bus/usb/devices/1-2/product") == "Cam \u{1B}[31mRED\u{202E}")
        #expect(UntrustedText.bytes(ofEscaped: #"A\u{0000}B\x{FF}C"#) == [0x41, 0x00, 0x42, 0xFF, 0x43])
        #expect(sysfs.untrustedText("bus/usb/devices/1-2/manufacturer") == nil)
    }
}
