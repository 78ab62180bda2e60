import CustodyCore
import CustodyUSB
import Testing

/// Real bulk and interrupt transfers through libusb's asynchronous API and the event
/// thread, answered by umockdev's usbfs ioctl replay of system-tests/umockdev/ptp-still-camera.ioctl
/// (a PTP OpenSession / ObjectAdded event / CloseSession exchange). The runner loads it
/// with `-i /dev/bus/usb/002/004=ptp-still-camera.ioctl` next to the four descriptions.
@Suite("Umockdev transfers", .serialized, .enabled(if: Umockdev.isActive, "needs emulated devices: run system-tests/umockdev/run-usb-tests.sh"))
struct UmockdevTransferTests {
    /// PTP containers: length, type (1 command, 3 response, 4 event), code, transaction id, parameters.
    static func container(type: UInt16, code: UInt16, transaction: UInt32, parameters: [UInt32] = []) -> [UInt8] {
        var bytes: [UInt8] = []
        func append<T: FixedWidthInteger>(_ value: T) { withUnsafeBytes(of: value.littleEndian) { bytes.append(contentsOf: $0) } }
        append(UInt32(12 + 4 * parameters.count))
        append(type)
        append(code)
        append(transaction)
        parameters.forEach(append)
        return bytes
    }

    @Test("a PTP session over bulk OUT / bulk IN / interrupt IN, replayed by umockdev")
    func ptpSession() throws {
        let bus = try LibUSBBus()
        defer { bus.shutdown() }
        let handle = try bus.open(EmulatedDevice.stillCamera.description)
        defer { handle.close() }
        try handle.claimInterface(0)

        let openSession = Self.container(type: 1, code: 0x1002, transaction: 0, parameters: [1])
        #expect(try handle.bulkWrite(endpoint: 0x02, openSession, timeout: .seconds(2)) == 16)
        #expect(try handle.bulkRead(endpoint: 0x81, maxLength: 512, timeout: .seconds(2))
                == Self.container(type: 3, code: 0x2001, transaction: 0))

        let event = try handle.interruptRead(endpoint: 0x83, maxLength: 64, timeout: .seconds(2))
        #expect(event == Self.container(type: 4, code: 0x4002, transaction: 2, parameters: [0x0001_0001]))

        let closeSession = Self.container(type: 1, code: 0x1003, transaction: 1)
        #expect(try handle.bulkWrite(endpoint: 0x02, closeSession, timeout: .seconds(2)) == 12)
        #expect(try handle.bulkRead(endpoint: 0x81, maxLength: 512, timeout: .seconds(2))
                == Self.container(type: 3, code: 0x2001, transaction: 1))
        try handle.releaseInterface(0)
    }

    @Test("a transfer the device does not accept fails naming libusb_submit_transfer, the handle stays usable")
    func rejectedTransfer() throws {
        let bus = try LibUSBBus()
        defer { bus.shutdown() }
        let handle = try bus.open(EmulatedDevice.stillCamera.description)
        defer { handle.close() }
        try handle.claimInterface(0)
        let unknown = Self.container(type: 1, code: 0x1001, transaction: 7)  // GetDeviceInfo: not in the replay
        let error = try #require(throws: USBError.self) { try handle.bulkWrite(endpoint: 0x02, unknown, timeout: .seconds(1)) }
        #expect(error.call == "libusb_submit_transfer" && error.name == "LIBUSB_ERROR_IO" && error.device == "2-1 2e8a:0c20")
        let openSession = Self.container(type: 1, code: 0x1002, transaction: 0, parameters: [1])
        #expect(try handle.bulkWrite(endpoint: 0x02, openSession, timeout: .seconds(2)) == 16)
        #expect(try handle.bulkRead(endpoint: 0x81, maxLength: 512, timeout: .seconds(2)).count == 12)
    }
}
