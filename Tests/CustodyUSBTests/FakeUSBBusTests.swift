import CustodyCore
import CustodyTestSupport
import CustodyUSB
import Testing

/// Devices as the emulated ones in system-tests/umockdev describe them.
enum SampleDevices {
    static let bodycam = USBDeviceDescription(
        busNumber: 1, portNumbers: [2, 3], address: 5, vendorID: 0x2E8A, productID: 0x0C10,
        interfaces: [USBInterfaceDescription(number: 0, interfaceClass: 0x08, interfaceSubclass: 0x06, interfaceProtocol: 0x50)],
        manufacturer: "Custody Test", product: "Custody Test Bodycam", serial: "BWC0001234")
    static let stillCamera = USBDeviceDescription(
        busNumber: 2, portNumbers: [1], address: 4, vendorID: 0x2E8A, productID: 0x0C20,
        interfaces: [USBInterfaceDescription(number: 0, interfaceClass: 0x06, interfaceSubclass: 0x01, interfaceProtocol: 0x01)],
        manufacturer: "Custody Test", product: "Custody Test Still Camera", serial: "PTP0000042")
}

@Suite("FakeUSBBus")
struct FakeUSBBusTests {
    @Test("devices() returns the scripted list, or the scripted error")
    func scriptedDevices() throws {
        let bus = FakeUSBBus(devices: [SampleDevices.bodycam])
        #expect(try bus.devices() == [SampleDevices.bodycam])
        let failure = USBError(call: "libusb_get_device_list", code: USBError.Code.noMemory)
        bus.failEnumeration(with: failure)
        #expect(throws: failure) { try bus.devices() }
        bus.failEnumeration(with: nil)
        #expect(try bus.devices().count == 1)
    }

    @Test("arrivals and departures reach every stream, in order; leave reports the stored description")
    func eventsReachEverySubscriber() async throws {
        let bus = FakeUSBBus(devices: [SampleDevices.bodycam])
        let first = bus.events()
        let second = bus.events()
        bus.arrive(SampleDevices.stillCamera)
        var bare = SampleDevices.bodycam
        bare.serial = nil  // what a departure without strings looks like: the bus reports what it had
        bus.leave(bare)
        bus.finish()
        var seen: [[USBEvent]] = []
        for stream in [first, second] {
            var events: [USBEvent] = []
            for await event in stream { events.append(event) }
            seen.append(events)
        }
        let expected: [USBEvent] = [.arrived(SampleDevices.stillCamera), .left(SampleDevices.bodycam)]
        #expect(seen == [expected, expected])
        #expect(try bus.devices() == [SampleDevices.stillCamera])
    }

    @Test("a stream that ends unsubscribes; streams after finish() are finished")
    func subscriptionLifecycle() async {
        let bus = FakeUSBBus()
        do {
            let stream = bus.events()
            #expect(bus.subscriberCount == 1)
            let consumer = Task { for await _ in stream {} }
            consumer.cancel()
            await consumer.value
        }
        #expect(bus.subscriberCount == 0)
        bus.finish()
        var count = 0
        for await _ in bus.events() { count += 1 }
        #expect(count == 0)
    }

    @Test("replacing the list announces the difference like polling: departures, then arrivals")
    func replaceAnnouncesDiff() async {
        let bus = FakeUSBBus(devices: [SampleDevices.bodycam])
        let stream = bus.events()
        bus.replaceDevices(with: [SampleDevices.stillCamera])
        bus.finish()
        var events: [USBEvent] = []
        for await event in stream { events.append(event) }
        #expect(events == [.left(SampleDevices.bodycam), .arrived(SampleDevices.stillCamera)])
    }

    @Test("opening a device that vanished fails like libusb: LIBUSB_ERROR_NO_DEVICE naming libusb_open")
    func openVanished() throws {
        let bus = FakeUSBBus()
        let error = try #require(throws: USBError.self) { try bus.open(SampleDevices.stillCamera) }
        #expect(error.call == "libusb_open" && error.isDisconnected)
        #expect(error.device == "2-1 2e8a:0c20")
    }

    @Test("a scripted handle answers reads in order, records writes, times out when silent")
    func scriptedTransfers() throws {
        let bus = FakeUSBBus(devices: [SampleDevices.stillCamera])
        let script = bus.handle(for: SampleDevices.stillCamera)
        script.queueRead(endpoint: 0x81, [0x0C, 0, 0, 0, 0x03, 0, 0x01, 0x20, 1, 0, 0, 0])
        script.setString(3, "PTP0000042")
        let handle = try bus.open(SampleDevices.stillCamera)
        try handle.claimInterface(0)
        #expect(try handle.bulkWrite(endpoint: 0x02, [0x10, 0, 0, 0], timeout: .seconds(1)) == 4)
        #expect(try handle.bulkRead(endpoint: 0x81, maxLength: 512, timeout: .seconds(1)).count == 12)
        let silent = try #require(throws: USBError.self) { try handle.interruptRead(endpoint: 0x83, maxLength: 8, timeout: .milliseconds(10)) }
        #expect(silent.isTimeout && silent.call == "libusb_interrupt_transfer")
        #expect(try handle.stringDescriptor(3) == "PTP0000042")
        #expect(script.writes == [FakeUSBWrite(endpoint: 0x02, bytes: [0x10, 0, 0, 0])])
        #expect(script.claimedInterfaces == [0])
        try handle.releaseInterface(0)
        handle.close()
        #expect(script.isClosed)
        let closed = try #require(throws: USBError.self) { try handle.bulkRead(endpoint: 0x81, maxLength: 8, timeout: .seconds(1)) }
        #expect(closed.isDisconnected)
    }

    @Test("scripted errors: a failing open, write, read and a device unplugged mid-transfer")
    func scriptedErrors() throws {
        let bus = FakeUSBBus(devices: [SampleDevices.stillCamera])
        bus.failOpen(SampleDevices.stillCamera, with: USBError(call: "libusb_open", code: USBError.Code.access))
        #expect(throws: USBError(call: "libusb_open", code: USBError.Code.access)) { try bus.open(SampleDevices.stillCamera) }
        bus.failOpen(SampleDevices.stillCamera, with: nil)
        let handle = try bus.open(SampleDevices.stillCamera)
        let script = bus.handle(for: SampleDevices.stillCamera)
        script.queueWriteError(endpoint: 0x02, USBError(call: "libusb_bulk_transfer", code: USBError.Code.pipe))
        #expect(throws: USBError.self) { try handle.bulkWrite(endpoint: 0x02, [1], timeout: .seconds(1)) }
        script.queueRead(endpoint: 0x81, Array(repeating: 0, count: 16))
        let overflow = try #require(throws: USBError.self) { try handle.bulkRead(endpoint: 0x81, maxLength: 8, timeout: .seconds(1)) }
        #expect(overflow.code == USBError.Code.overflow)
        bus.leave(SampleDevices.stillCamera)
        let gone = try #require(throws: USBError.self) { try handle.bulkRead(endpoint: 0x81, maxLength: 8, timeout: .seconds(1)) }
        #expect(gone.isDisconnected)
        #expect(bus.openedDevices == [SampleDevices.stillCamera])
    }

    @Test("a cancelled Task's transfer fails as cancelled")
    func cancellation() async throws {
        let bus = FakeUSBBus(devices: [SampleDevices.stillCamera])
        let handle = try bus.open(SampleDevices.stillCamera)
        let task = Task { () throws(USBError) -> [UInt8] in
            withUnsafeCurrentTask { $0?.cancel() }
            return try handle.bulkRead(endpoint: 0x81, maxLength: 8, timeout: .seconds(1))
        }
        let error = try await #require(throws: USBError.self) { try await task.value }
        #expect(error.isCancelled)
    }
}
