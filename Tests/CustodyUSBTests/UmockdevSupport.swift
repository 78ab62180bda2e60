import CustodyCore
import CustodyUSB
import Foundation
import Synchronization
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// The environment of the tests that need emulated devices. They run only under
/// system-tests/umockdev/run-usb-tests.sh (umockdev sets `UMOCKDEV_DIR`); elsewhere they
/// show as skipped.
enum Umockdev {
    static let environment = ProcessInfo.processInfo.environment
    /// Set by umockdev-run / the UMockdev.Testbed of the runner.
    static var isActive: Bool { environment["UMOCKDEV_DIR"] != nil }
    /// Set by the runner's hotplug driver: the directory through which tests ask it to
    /// add and remove devices while they run.
    static var controlDirectory: String? { environment["CUSTODY_UMOCKDEV_CONTROL"] }
    static var hotplugDriverActive: Bool { isActive && controlDirectory != nil }
}

/// One emulated device of system-tests/umockdev, as the tests expect to see it.
struct EmulatedDevice: Sendable, CustomTestStringConvertible {
    var file: String
    var description: USBDeviceDescription
    var testDescription: String { file }

    static let bodycam = EmulatedDevice(file: "bodycam-mass-storage", description: USBDeviceDescription(
        busNumber: 1, portNumbers: [2, 3], address: 5, vendorID: 0x2E8A, productID: 0x0C10,
        interfaces: [USBInterfaceDescription(number: 0, interfaceClass: 0x08, interfaceSubclass: 0x06, interfaceProtocol: 0x50)],
        manufacturer: "Custody Test", product: "Custody Test Bodycam", serial: "BWC0001234"))
    static let stillCamera = EmulatedDevice(file: "ptp-still-camera", description: USBDeviceDescription(
        busNumber: 2, portNumbers: [1], address: 4, vendorID: 0x2E8A, productID: 0x0C20,
        interfaces: [USBInterfaceDescription(number: 0, interfaceClass: 0x06, interfaceSubclass: 0x01, interfaceProtocol: 0x01)],
        manufacturer: "Custody Test", product: "Custody Test Still Camera", serial: "PTP0000042"))
    static let mtpDevice = EmulatedDevice(file: "mtp-device", description: USBDeviceDescription(
        busNumber: 3, portNumbers: [4], address: 7, vendorID: 0x2E8A, productID: 0x0C30,
        interfaces: [USBInterfaceDescription(number: 0, interfaceClass: 0xFF, interfaceSubclass: 0xFF, interfaceProtocol: 0x00, name: "MTP")],
        manufacturer: "Custody Test", product: "Custody Test MTP Camera", serial: "MTP0000007"))
    static let audioInterface = EmulatedDevice(file: "usb-audio-interface", description: USBDeviceDescription(
        busNumber: 4, portNumbers: [1], address: 2, vendorID: 0x2E8A, productID: 0x0C40,
        interfaces: [
            USBInterfaceDescription(number: 0, interfaceClass: 0x01, interfaceSubclass: 0x01, interfaceProtocol: 0x00, name: "Courtroom 3 Control"),
            USBInterfaceDescription(number: 1, interfaceClass: 0x01, interfaceSubclass: 0x02, interfaceProtocol: 0x00, name: "Courtroom 3 Capture"),
        ],
        manufacturer: "Custody Test", product: "Custody Test Courtroom Audio", serial: "AUD0000003"))

    static let all = [bodycam, stillCamera, mtpDevice, audioInterface]
}

/// CLOCK_MONOTONIC in nanoseconds: the clock Python's `time.monotonic_ns()` reads,
/// so the test and the runner's driver can compare instants.
func monotonicNanoseconds() -> UInt64 {
    var now = timespec()
    clock_gettime(CLOCK_MONOTONIC, &now)
    return UInt64(now.tv_sec) * 1_000_000_000 + UInt64(now.tv_nsec)
}

/// Collects a stream's events with the instant each was received.
final class EventCollector: Sendable {
    struct Received: Sendable {
        var event: USBEvent
        var at: UInt64
    }

    private let received = Mutex<[Received]>([])
    private let ended = Atomic<Bool>(false)

    static func collecting(_ stream: AsyncStream<USBEvent>) -> EventCollector {
        let collector = EventCollector()
        Task {
            for await event in stream {
                let at = monotonicNanoseconds()
                collector.received.withLock { $0.append(Received(event: event, at: at)) }
            }
            collector.ended.store(true, ordering: .sequentiallyConsistent)
        }
        return collector
    }

    var events: [USBEvent] { received.withLock { $0.map(\.event) } }
    var hasEnded: Bool { ended.load(ordering: .sequentiallyConsistent) }

    /// The first event matching `predicate`, waiting at most `limit`.
    func first(within limit: Duration, where predicate: (USBEvent) -> Bool) async -> Received? {
        let deadline = ContinuousClock.now + limit
        while true {
            if let found = received.withLock({ $0.first { predicate($0.event) } }) { return found }
            if ContinuousClock.now >= deadline { return nil }
            try? await Task.sleep(for: .milliseconds(2))
        }
    }
}

/// Asks the runner's hotplug driver (system-tests/umockdev/run-usb-tests.sh) to change the
/// testbed: `add <name>` loads system-tests/umockdev/<name>.umockdev (umockdev emits the
/// "add" uevents), `remove <name>` sends "remove" uevents and deletes the devices.
enum HotplugDriver {
    struct Reply: Sendable {
        /// CLOCK_MONOTONIC just before the driver changed the testbed, and just after.
        var started: UInt64
        var finished: UInt64
    }

    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    /// Writes the request; returns a function that waits for the driver's reply.
    static func send(_ command: String) throws -> @Sendable () async throws -> Reply {
        guard let directory = Umockdev.controlDirectory else { throw Failure(description: "CUSTODY_UMOCKDEV_CONTROL is not set") }
        let id = UUID().uuidString
        let temporary = "\(directory)/.\(id).tmp"
        try Data((command + "\n").utf8).write(to: URL(fileURLWithPath: temporary))
        try FileManager.default.moveItem(atPath: temporary, toPath: "\(directory)/request-\(id)")
        let replyPath = "\(directory)/done-\(id)"
        return {
            let deadline = ContinuousClock.now + .seconds(10)
            while ContinuousClock.now < deadline {
                if let data = FileManager.default.contents(atPath: replyPath) {
                    let words = String(decoding: data, as: UTF8.self).split(whereSeparator: \.isWhitespace).map(String.init)
                    guard words.first == "ok", words.count == 3, let started = UInt64(words[1]), let finished = UInt64(words[2]) else {
                        throw Failure(description: "driver: \(words.joined(separator: " "))")
                    }
                    return Reply(started: started, finished: finished)
                }
                try await Task.sleep(for: .milliseconds(5))
            }
            throw Failure(description: "the hotplug driver did not answer '\(command)' within 10 s")
        }
    }
}
