import CustodyUdev
import Foundation
import Synchronization
import Testing

/// The real libudev monitor and enumeration against umockdev's emulated sysfs and
/// netlink, driven by the runner's testbed driver (system-tests/umockdev/run-usb-tests.sh,
/// phase 3): disks added in the kernel's order, media inserted and taken out.
@Suite("Umockdev block watcher", .serialized,
       .enabled(if: ProcessInfo.processInfo.environment["UMOCKDEV_DIR"] != nil
                    && ProcessInfo.processInfo.environment["CUSTODY_UMOCKDEV_CONTROL"] != nil,
                "needs the testbed driver of system-tests/umockdev/run-usb-tests.sh"))
struct UmockdevBlockWatcherTests {
    static let reader = "/sys/devices/pci0000:00/0000:00:1f.0/usb5/5-1/5-1:1.0/host7/target7:0:0"

    @Test("a reader's disks arrive after its USB device; a medium inserted and taken out is a change with DISK_MEDIA_CHANGE and the new size")
    func readerSlots() async throws {
        let watcher = try UdevBlockWatcher()
        defer { watcher.shutdown() }
        let events = Collected(watcher.events())
        #expect(try watcher.disks().filter { $0.syspath.hasPrefix(Self.reader) }.isEmpty)

        try await TestbedDriver.request("dock card-reader-two-slot")
        try await TestbedDriver.request("present card-reader-two-slot sdc")
        try await TestbedDriver.request("present card-reader-two-slot sdd")
        let sdc = BlockDisk(syspath: Self.reader + "/7:0:0:0/block/sdc", name: "sdc", sizeBytes: 0)
        let sdd = BlockDisk(syspath: Self.reader + "/7:0:0:1/block/sdd", name: "sdd", sizeBytes: 0)
        try await events.wait(for: [.added(sdc), .added(sdd)])
        #expect(events.all.count == 2, "the USB device and interfaces are no disks: \(events.all)")
        #expect(try watcher.disks().filter { $0.syspath.hasPrefix(Self.reader) }.sorted { $0.name < $1.name } == [sdc, sdd])

        let image = NSTemporaryDirectory() + "custody-udev-\(UUID().uuidString).img"
        try Data(repeating: 0xA5, count: 1 << 20).write(to: URL(fileURLWithPath: image))
        defer { try? FileManager.default.removeItem(atPath: image) }
        try await TestbedDriver.request("insert sdc \(image)")
        var inserted = sdc
        inserted.sizeBytes = 1 << 20
        inserted.mediaChanged = true
        try await events.wait(for: [.changed(inserted)])
        try await TestbedDriver.request("eject sdc")
        var ejected = sdc
        ejected.mediaChanged = true
        try await events.wait(for: [.changed(ejected)])

        try await TestbedDriver.request("remove card-reader-two-slot")
        try await events.wait(for: [.removed(BlockDisk(syspath: sdc.syspath, name: "sdc", sizeBytes: nil)),
                                    .removed(BlockDisk(syspath: sdd.syspath, name: "sdd", sizeBytes: nil))])
        #expect(try watcher.disks().filter { $0.syspath.hasPrefix(Self.reader) }.isEmpty)
        watcher.shutdown()
        try await events.waitForEnd()
    }
}

/// A stream's events, as they arrive.
final class Collected: Sendable {
    private let received = Mutex<[BlockEvent]>([])
    private let ended = Atomic<Bool>(false)

    init(_ stream: AsyncStream<BlockEvent>) {
        Task { [self] in
            for await event in stream { received.withLock { $0.append(event) } }
            ended.store(true, ordering: .sequentiallyConsistent)
        }
    }

    var all: [BlockEvent] { received.withLock { $0 } }

    /// Until every event in `expected` has arrived (in any order), at most 10 s.
    func wait(for expected: [BlockEvent]) async throws {
        for _ in 0..<1000 {
            let now = all
            if expected.allSatisfy(now.contains) { return }
            try await Task.sleep(for: .milliseconds(10))
        }
        Issue.record("expected \(expected), received \(all)")
        throw CancellationError()
    }

    func waitForEnd() async throws {
        for _ in 0..<1000 {
            if ended.load(ordering: .sequentiallyConsistent) { return }
            try await Task.sleep(for: .milliseconds(10))
        }
        Issue.record("the stream did not finish at shutdown")
    }
}

/// Asks the runner's testbed driver for a change and waits for its answer.
enum TestbedDriver {
    struct Failure: Error, CustomStringConvertible { var description: String }

    static func request(_ command: String) async throws {
        guard let directory = ProcessInfo.processInfo.environment["CUSTODY_UMOCKDEV_CONTROL"] else {
            throw Failure(description: "CUSTODY_UMOCKDEV_CONTROL is not set")
        }
        let id = UUID().uuidString
        let temporary = "\(directory)/.\(id).tmp"
        try Data((command + "\n").utf8).write(to: URL(fileURLWithPath: temporary))
        try FileManager.default.moveItem(atPath: temporary, toPath: "\(directory)/request-\(id)")
        let reply = "\(directory)/done-\(id)"
        for _ in 0..<2000 {
            if let text = FileManager.default.contents(atPath: reply).map({ String(decoding: $0, as: UTF8.self) }) {
                guard text.hasPrefix("ok") else { throw Failure(description: "\(command): \(text)") }
                return
            }
            try await Task.sleep(for: .milliseconds(5))
        }
        throw Failure(description: "the testbed driver did not answer \(command)")
    }
}
