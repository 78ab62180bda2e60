@testable import CustodyUSB
import Testing

@Suite("USBError")
struct USBErrorTests {
    @Test("a negative libusb return becomes an error naming the call, code, name and text")
    func negativeReturnBecomesTypedError() throws {
        let error = try #require(throws: USBError.self) {
            try USBError.check("libusb_open", device: "1-2.3 2e8a:0c10", -4)
        }
        #expect(error.call == "libusb_open")
        #expect(error.code == USBError.Code.noDevice)
        #expect(error.name == "LIBUSB_ERROR_NO_DEVICE")
        #expect(error.message == "No such device (it may have been disconnected)")
        #expect(error.device == "1-2.3 2e8a:0c10")
        #expect(error.isDisconnected)
        #expect(error.description == "libusb_open(1-2.3 2e8a:0c10): LIBUSB_ERROR_NO_DEVICE: No such device (it may have been disconnected) [-4]")
    }

    @Test("zero and positive returns pass through")
    func successPassesThrough() throws {
        #expect(try USBError.check("libusb_get_device_list", 7) == 7)
        #expect(try USBError.check("libusb_claim_interface", 0) == 0)
    }

    @Test("every LIBUSB_ERROR_* code has libusb's name", arguments: [
        (USBError.Code.io, "LIBUSB_ERROR_IO"),
        (USBError.Code.invalidParameter, "LIBUSB_ERROR_INVALID_PARAM"),
        (USBError.Code.access, "LIBUSB_ERROR_ACCESS"),
        (USBError.Code.noDevice, "LIBUSB_ERROR_NO_DEVICE"),
        (USBError.Code.notFound, "LIBUSB_ERROR_NOT_FOUND"),
        (USBError.Code.busy, "LIBUSB_ERROR_BUSY"),
        (USBError.Code.timeout, "LIBUSB_ERROR_TIMEOUT"),
        (USBError.Code.overflow, "LIBUSB_ERROR_OVERFLOW"),
        (USBError.Code.pipe, "LIBUSB_ERROR_PIPE"),
        (USBError.Code.interrupted, "LIBUSB_ERROR_INTERRUPTED"),
        (USBError.Code.noMemory, "LIBUSB_ERROR_NO_MEM"),
        (USBError.Code.notSupported, "LIBUSB_ERROR_NOT_SUPPORTED"),
        (USBError.Code.other, "LIBUSB_ERROR_OTHER"),
    ])
    func codeNames(code: Int32, name: String) {
        let error = USBError(call: "libusb_bulk_transfer", code: code)
        #expect(error.name == name)
        #expect(!error.message.isEmpty)
    }

    @Test("timeouts, cancellation and closed handles are recognisable")
    func classifications() {
        #expect(USBError(call: "libusb_bulk_transfer", code: USBError.Code.timeout).isTimeout)
        let cancelled = USBError.cancelled("libusb_bulk_transfer", device: "2-1 2e8a:0c20")
        #expect(cancelled.isCancelled && cancelled.name == "LIBUSB_ERROR_INTERRUPTED")
        let closed = USBError.closed("libusb_claim_interface", device: "2-1 2e8a:0c20")
        #expect(closed.isDisconnected && closed.message.contains("closed"))
    }

    @Test("timeouts convert to libusb milliseconds, never 0 (which would mean forever)")
    func timeoutConversion() {
        #expect(LibUSBDeviceHandle.milliseconds(.seconds(5)) == 5000)
        #expect(LibUSBDeviceHandle.milliseconds(.microseconds(1500)) == 2)
        #expect(LibUSBDeviceHandle.milliseconds(.zero) == 1)
        #expect(LibUSBDeviceHandle.milliseconds(.seconds(-3)) == 1)
        #expect(LibUSBDeviceHandle.milliseconds(.seconds(Int64.max)) == UInt32.max)
    }
}

@Suite("USBDeviceListDiff")
struct USBDeviceListDiffTests {
    let a = USBDeviceKey(busNumber: 1, address: 5, vendorID: 0x2E8A, productID: 0x0C10)
    let b = USBDeviceKey(busNumber: 2, address: 4, vendorID: 0x2E8A, productID: 0x0C20)
    let c = USBDeviceKey(busNumber: 1, address: 3, vendorID: 0x2E8A, productID: 0x0C30)

    @Test("arrivals and departures in (bus, address) order")
    func diff() {
        let diff = USBDeviceListDiff(previous: [a, b], current: [b, c])
        #expect(diff.arrived == [c])
        #expect(diff.left == [a])
        #expect(USBDeviceListDiff(previous: [a, b], current: [b, a]).isEmpty)
        #expect(USBDeviceListDiff(previous: [], current: [b, c, a]).arrived == [c, a, b])
    }

    @Test("a re-plug at a reused address with other ids is a departure and an arrival")
    func addressReuse() {
        let other = USBDeviceKey(busNumber: 1, address: 5, vendorID: 0x04A9, productID: 0x31C0)
        let diff = USBDeviceListDiff(previous: [a], current: [other])
        #expect(diff.arrived == [other] && diff.left == [a])
    }
}
