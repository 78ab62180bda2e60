import CustodyCatalog
import CustodyCore
import CustodyIngest
import CustodyProtocol
import CustodyStore
import CustodyTestSupport
import Foundation
import Logging
import Synchronization
import Testing
@testable import CustodyDevices

/// A driver that "reads" a device by ingesting a directory standing for its files.
final class DirectoryDriver: EvidenceDriver {
    let kind: DriverKind = .massStorage
    let filesBySerial: [String: String]
    let probes: Mutex<Int> = Mutex(0)
    let deferFirst: Int

    init(filesBySerial: [String: String], deferFirst: Int = 0) {
        self.filesBySerial = filesBySerial
        self.deferFirst = deferFirst
    }

    func probe(_ device: DockedDevice) async -> ProbeResult {
        let n = probes.withLock { $0 += 1; return $0 }
        return n <= deferFirst ? .deferred("block device not there yet") : .supported
    }

    func startIngest(_ device: DockedDevice, engine: IngestEngine) async throws -> Int64 {
        guard let root = device.description.serial.flatMap({ filesBySerial[$0] }) else { throw CancellationError() }
        return try await engine.submitDeviceJob(root: root, deviceSerial: device.description.serial, caller: .daemon).jobID
    }
}

struct DevicesFixture {
    let dir: TemporaryDirectory
    let store: LocalStore
    let engine: IngestEngine
    let bus: FakeUSBBus
    let catalog: DeviceCatalog

    static let bodycam = USBDeviceDescription(
        busNumber: 1, portNumbers: [2], address: 5, vendorID: 0x2e8a, productID: 0x0c10,
        interfaces: [USBInterfaceDescription(number: 0, interfaceClass: 0x08, interfaceSubclass: 0x06, interfaceProtocol: 0x50)],
        manufacturer: "Custody", product: "Test Bodycam", serial: "BWC0001234")
    static let keyboard = USBDeviceDescription(
        busNumber: 1, portNumbers: [3], address: 6, vendorID: 0x046d, productID: 0xc31c,
        interfaces: [USBInterfaceDescription(number: 0, interfaceClass: 0x03, interfaceSubclass: 0x01, interfaceProtocol: 0x01)],
        product: "Keyboard", serial: nil)

    init(present: [USBDeviceDescription]) throws {
        dir = try TemporaryDirectory("custody-devices")
        store = try LocalStore(stateDirectory: dir.path + "/state")
        var config = DaemonConfig.Ingest()
        config.concurrency = 1
        config.commitBatchFiles = 2
        config.chunkBytes = 4096
        engine = IngestEngine(store: store, config: config, logger: Logger(label: "test"))
        bus = FakeUSBBus(devices: present)
        try dir.write("catalog/test.toml", Data("""
            [[device]]
            name = "Custody Test Bodycam"
            vendor = "2e8a"
            product = "0c10"
            kind = "bodyCamera"
            driver = "massStorage"
            """.utf8))
        catalog = try DeviceCatalog.load(directories: [dir.path + "/catalog"])
    }

    func manager(_ driver: DirectoryDriver?) -> DeviceManager {
        DeviceManager(bus: bus, catalog: catalog, drivers: DriverRegistry(driver.map { [$0] } ?? []), docks: store, engine: engine,
                      sysfs: SysfsRoot(sys: dir.path + "/sys", dev: dir.path + "/dev"),
                      options: .init(probeRetryDelay: .milliseconds(10)), logger: Logger(label: "test"))
    }

    func card(_ name: String, files: Int, size: Int = 20_000) throws -> String {
        for i in 0..<files { try dir.write("\(name)/DCIM/CLIP\(i).MP4", Data(repeating: UInt8(i % 251), count: size + i)) }
        return dir.path + "/" + name
    }

    /// Polls until `condition` holds (at most 10 s).
    func eventually(_ what: String, _ condition: () throws -> Bool) async throws {
        for _ in 0..<1000 {
            if try condition() { return }
            try await Task.sleep(for: .milliseconds(10))
        }
        Issue.record("timed out waiting for \(what)")
    }
}

@Suite("Device manager")
struct DeviceManagerTests {
    @Test("devices docked before start are found; an uncatalogued one is listed as unsupported and left alone")
    func enumerationAtStart() async throws {
        let f = try DevicesFixture(present: [DevicesFixture.bodycam, DevicesFixture.keyboard])
        defer { f.dir.remove() }
        let manager = f.manager(nil)
        let task = Task { await manager.run() }
        defer { task.cancel() }
        try await f.eventually("two docks") { try f.store.docks(presentOnly: true, limit: 10).count == 2 }
        let docks = try f.store.docks(presentOnly: true, limit: 10)
        let cam = try #require(docks.first { $0.serial == "BWC0001234" })
        #expect(cam.vendorId == "2e8a" && cam.productId == "0c10" && cam.model == "Custody Test Bodycam")
        #expect(cam.kind == "bodyCamera" && cam.driver == "massStorage" && cam.state == .docked && cam.busPath == "1-2")
        #expect(cam.message?.contains("no massStorage driver") == true)
        let kb = try #require(docks.first { $0.vendorId == "046d" })
        #expect(kb.state == .unsupported && kb.model == nil && kb.jobId == nil)
        let events = try f.store.events(EventQuery()).filter { $0.action == "device.dock" }
        #expect(events.count == 2)
    }

    @Test("a hotplugged device is matched, its driver probed (deferred, then supported) and its files ingested")
    func hotplugStartsIngest() async throws {
        let f = try DevicesFixture(present: [])
        defer { f.dir.remove() }
        let card = try f.card("card", files: 3)
        let manager = f.manager(DirectoryDriver(filesBySerial: ["BWC0001234": card], deferFirst: 2))
        let task = Task { await manager.run() }
        defer { task.cancel() }
        let runner = Task { await f.engine.run() }
        defer { f.engine.shutdown(); runner.cancel() }
        try await Task.sleep(for: .milliseconds(50))
        f.bus.arrive(DevicesFixture.bodycam)
        try await f.eventually("the dock to finish") { try f.store.docks(presentOnly: true, limit: 10).first?.state == .done }
        let dock = try #require(try f.store.docks(presentOnly: true, limit: 10).first)
        let jobID = try #require(dock.jobId)
        let job = try #require(try f.store.job(jobID, withFiles: false))
        #expect(job.state == .completed && job.stored == 3 && job.device == "BWC0001234")
        #expect(try f.store.items(ItemQuery()).items.allSatisfy { $0.source.device == "BWC0001234" })
    }

    @Test("pulling the device mid-job ends the job interrupted with exactly the files not stored; the next dock resumes it")
    func removalInterruptsAndRedockResumes() async throws {
        let f = try DevicesFixture(present: [])
        defer { f.dir.remove() }
        let card = try f.card("card", files: 200, size: 200_000)
        let manager = f.manager(DirectoryDriver(filesBySerial: ["BWC0001234": card]))
        let task = Task { await manager.run() }
        defer { task.cancel() }
        let runner = Task { await f.engine.run() }
        defer { f.engine.shutdown(); runner.cancel() }
        try await Task.sleep(for: .milliseconds(50))
        f.bus.arrive(DevicesFixture.bodycam)
        var jobID: Int64 = 0
        try await f.eventually("some files stored") {
            guard let id = try f.store.docks(presentOnly: true, limit: 1).first?.jobId else { return false }
            jobID = id
            return (try f.store.job(id, withFiles: false)?.stored ?? 0) >= 4
        }
        f.bus.leave(DevicesFixture.bodycam)
        try await f.eventually("the job interrupted") { try f.store.job(jobID, withFiles: false)?.state == .interrupted }
        let interrupted = try #require(try f.store.job(jobID, withFiles: true))
        #expect(interrupted.message?.contains("removed during the job") == true)
        let pending = Set((interrupted.files ?? []).filter { $0.state == .pending }.map(\.path))
        let stored = Set(try f.store.items(ItemQuery()).items.map(\.source.path))
        #expect(pending.count == Int(interrupted.pending) && pending.count > 0)
        #expect(pending.union(stored).count == 200 && pending.isDisjoint(with: stored))
        #expect(try f.store.docks(presentOnly: false, limit: 1).first?.state == .removed)
        #expect(try f.store.events(EventQuery()).contains { $0.action == "device.undock" })

        f.bus.arrive(DevicesFixture.bodycam)
        try await f.eventually("the resumed job to complete") { try f.store.job(jobID, withFiles: false)?.state == .completed }
        let done = try #require(try f.store.job(jobID, withFiles: false))
        #expect(done.stored == 200 && done.pending == 0)
        #expect(try f.store.items(ItemQuery()).total == 200)
        let docks = try f.store.docks(presentOnly: false, limit: 10)
        #expect(docks.count == 2 && docks.first?.jobId == jobID && docks.first?.state == .done)
    }

    @Test("the block device and ALSA card are found through sysfs")
    func locator() throws {
        let dir = try TemporaryDirectory("custody-sysfs")
        defer { dir.remove() }
        try dir.write("sys/bus/usb/devices/1-2/1-2:1.0/host4/target4:0:0/4:0:0:0/block/sdb/size", Data("62333952\n".utf8))
        try dir.write("sys/bus/usb/devices/3-1.4/3-1.4:1.0/sound/card2/id", Data("Courtroom3\n".utf8))
        let locator = DeviceLocator(sysfs: SysfsRoot(sys: dir.path + "/sys", dev: "/dev"))
        #expect(locator.blockDevice(busPath: "1-2") == "/dev/sdb")
        #expect(locator.alsaCard(busPath: "3-1.4") == "Courtroom3")
        #expect(locator.blockDevice(busPath: "3-1.4") == nil)
        #expect(locator.alsaCard(busPath: "1-2") == nil)
    }
}
