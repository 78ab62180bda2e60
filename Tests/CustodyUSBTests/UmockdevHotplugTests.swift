import CustodyCore
import CustodyUSB
import Testing

/// Devices plugged and unplugged while the real libusb watches: the runner's driver
/// (system-tests/umockdev/run-usb-tests.sh, Python + UMockdev.Testbed) starts with only the
/// body camera loaded and adds or removes the others when a test asks.
@Suite("Umockdev hotplug", .serialized,
       .enabled(if: Umockdev.hotplugDriverActive, "needs the hotplug driver of system-tests/umockdev/run-usb-tests.sh"))
struct UmockdevHotplugTests {
    @Test("libusb hotplug: arrival within 1 s of the uevent, departure with the cached description, then open fails")
    func hotplugArrivalAndDeparture() async throws {
        let bus = try LibUSBBus()
        defer { bus.shutdown() }
        #expect(bus.usesHotplug)
        let camera = EmulatedDevice.stillCamera.description
        let events = EventCollector.collecting(bus.events())
        #expect(try bus.devices().map(\.busPath) == ["usb1", "1-2", "1-2.3"])

        let requested = ContinuousClock.now
        let added = try HotplugDriver.send("add ptp-still-camera")
        let arrival = try #require(await events.first(within: .seconds(1)) { $0 == .arrived(camera) },
                                   "no arrival of \(camera.label) within 1 s; saw \(events.events)")
        let arrivalWait = ContinuousClock.now - requested
        let addReply = try await added()
        #expect(arrivalWait < .seconds(1))
        let uevent = Double(Int64(arrival.at) - Int64(addReply.started)) / 1e6
        print("umockdev hotplug: \(camera.label) arrived \(uevent) ms after the driver began adding it")

        let handle = try bus.open(camera)
        handle.close()

        let removing = ContinuousClock.now
        let removed = try HotplugDriver.send("remove ptp-still-camera")
        // The departure carries the strings read at arrival: the device is gone from sysfs by now.
        let departure = try #require(await events.first(within: .seconds(1)) { $0 == .left(camera) },
                                     "no departure of \(camera.label) within 1 s; saw \(events.events)")
        let removeReply = try await removed()
        #expect(ContinuousClock.now - removing < .seconds(2))
        let leftAfter = Double(Int64(departure.at) - Int64(removeReply.started)) / 1e6
        print("umockdev hotplug: \(camera.label) left \(leftAfter) ms after the driver began removing it")
        #expect(events.events.contains { if case .arrived(let d) = $0 { d.busPath == "usb2" } else { false } })

        let error = try #require(throws: USBError.self) { try bus.open(camera) }
        #expect(error.call == "libusb_open" && error.isDisconnected)
    }

    @Test("polling (no hotplug): arrival and departure within one poll interval plus the describe time")
    func pollingArrivalAndDeparture() async throws {
        let bus = try LibUSBBus(pollInterval: .milliseconds(200), eventSource: .polling)
        defer { bus.shutdown() }
        #expect(!bus.usesHotplug)
        let mtp = EmulatedDevice.mtpDevice.description
        let events = EventCollector.collecting(bus.events())

        let added = try HotplugDriver.send("add mtp-device")
        let arrival = try #require(await events.first(within: .seconds(1)) { $0 == .arrived(mtp) },
                                   "no arrival of \(mtp.label) within 1 s; saw \(events.events)")
        let addReply = try await added()
        print("umockdev polling: \(mtp.label) arrived \(Double(Int64(arrival.at) - Int64(addReply.started)) / 1e6) ms after the driver began adding it")

        let removed = try HotplugDriver.send("remove mtp-device")
        let departure = try #require(await events.first(within: .seconds(1)) { $0 == .left(mtp) },
                                     "no departure of \(mtp.label) within 1 s; saw \(events.events)")
        let removeReply = try await removed()
        print("umockdev polling: \(mtp.label) left \(Double(Int64(departure.at) - Int64(removeReply.started)) / 1e6) ms after the driver began removing it")
    }

    @Test("every subscriber sees the same events; a departure of a device known only from devices() carries its strings")
    func subscribersAndCache() async throws {
        let bus = try LibUSBBus()
        defer { bus.shutdown() }
        let audio = EmulatedDevice.audioInterface.description
        let first = EventCollector.collecting(bus.events())
        let second = EventCollector.collecting(bus.events())
        let added = try HotplugDriver.send("add usb-audio-interface")
        #expect(await first.first(within: .seconds(1)) { $0 == .arrived(audio) } != nil)
        #expect(await second.first(within: .seconds(1)) { $0 == .arrived(audio) } != nil)
        _ = try await added()

        // A second bus that never saw the arrival: devices() fills its cache.
        let late = try LibUSBBus()
        defer { late.shutdown() }
        let lateEvents = EventCollector.collecting(late.events())
        #expect(try late.devices().contains(audio))

        let removed = try HotplugDriver.send("remove usb-audio-interface")
        for collector in [first, second, lateEvents] {
            #expect(await collector.first(within: .seconds(1)) { $0 == .left(audio) } != nil)
        }
        _ = try await removed()
        late.shutdown()
        bus.shutdown()
        #expect(await waitUntil { first.hasEnded && second.hasEnded && lateEvents.hasEnded })
    }
}

/// Polls `condition` for up to a second.
private func waitUntil(_ condition: @Sendable () -> Bool) async -> Bool {
    let deadline = ContinuousClock.now + .seconds(1)
    while !condition() {
        if ContinuousClock.now >= deadline { return false }
        try? await Task.sleep(for: .milliseconds(5))
    }
    return true
}
