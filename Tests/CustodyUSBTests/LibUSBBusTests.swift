import CustodyCore
import CustodyUSB
import Testing

/// The real libusb on whatever bus this machine has (none in a container): the
/// lifecycle and the error paths that need no device.
@Suite("LibUSBBus (real libusb, no emulated devices needed)")
struct LibUSBBusTests {
    @Test("opening a device that is not on the bus is LIBUSB_ERROR_NO_DEVICE naming libusb_open")
    func openVanishedDevice() throws {
        let bus = try LibUSBBus(sysfs: SysfsRoot())
        defer { bus.shutdown() }
        let gone = USBDeviceDescription(busNumber: 250, portNumbers: [9], address: 127, vendorID: 0x2E8A, productID: 0x0C20)
        let error = try #require(throws: USBError.self) { try bus.open(gone) }
        #expect(error.call == "libusb_open")
        #expect(error.name == "LIBUSB_ERROR_NO_DEVICE")
        #expect(error.device == "250-9 2e8a:0c20")
        #expect(error.message.contains("unplugged"))
    }

    @Test("shutdown finishes every stream, is idempotent, and later calls fail cleanly")
    func shutdownFinishesStreams() async throws {
        let bus = try LibUSBBus(sysfs: SysfsRoot())
        let stream = bus.events()
        let consumer = Task { () -> Int in
            var count = 0
            for await _ in stream { count += 1 }
            return count
        }
        bus.shutdown()
        bus.shutdown()
        #expect(await consumer.value == 0)
        var late = 0
        for await _ in bus.events() { late += 1 }
        #expect(late == 0)
        let error = try #require(throws: USBError.self) { try bus.open(SampleDevices.stillCamera) }
        #expect(error.call == "libusb_open" && error.isDisconnected)
        let listing = try #require(throws: USBError.self) { try bus.devices() }
        #expect(listing.call == "libusb_get_device_list" && listing.message.contains("shut down"))
    }

    @Test("polling can be chosen; hotplug is used where libusb has it")
    func eventSource() throws {
        let polling = try LibUSBBus(sysfs: SysfsRoot(), pollInterval: .milliseconds(50), eventSource: .polling)
        #expect(!polling.usesHotplug)
        polling.shutdown()
        let automatic = try LibUSBBus(sysfs: SysfsRoot())
        #expect(automatic.usesHotplug)  // Debian's libusb: udev monitoring
        automatic.shutdown()
    }

    @Test("a bus released without shutdown() stops its thread in deinit")
    func deinitShutsDown() async throws {
        var bus: LibUSBBus? = try LibUSBBus(sysfs: SysfsRoot())
        let stream = try #require(bus).events()
        let consumer = Task { for await _ in stream {} }
        bus = nil
        await consumer.value  // returns only because deinit finished the stream
    }
}
