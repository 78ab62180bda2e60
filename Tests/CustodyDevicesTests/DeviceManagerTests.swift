import CustodyCatalog
import CustodyCore
import CustodyIngest
import CustodyModel
import CustodyTestSupport
import CustodyUdev
import Foundation
import Testing
@testable import CustodyDevices
@testable import CustodyStore

@Suite("Device manager")
struct DeviceManagerTests {
    @Test("devices docked before start are found; an uncatalogued one is listed as unsupported and left alone")
    func enumerationAtStart() async throws {
        let f = try DevicesFixture(present: [DevicesFixture.bodycam, DevicesFixture.keyboard])
        defer { f.dir.remove() }
        let task = f.running(f.manager(nil))
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

    @Test("a camera whose disk appears after it docked waits for it (saying since when, with the catalog's hint), then is ingested")
    func storageAppearsLater() async throws {
        let f = try DevicesFixture(present: [])
        defer { f.dir.remove() }
        let driver = DirectoryMediaDriver()
        let task = f.running(f.manager(driver))
        defer { task.cancel() }
        try await f.subscribed()
        f.bus.arrive(DevicesFixture.bodycam)
        try await f.eventually("the dock to wait") { try f.dock(DevicesFixture.bodycam)?.state == .waitingForMedium }
        let waiting = try #require(try f.dock(DevicesFixture.bodycam))
        #expect(waiting.waitingSince != nil && waiting.blockDevice == nil && waiting.slots.isEmpty && waiting.jobId == nil)
        #expect(waiting.message == "waiting for its storage to appear (its catalog entry says Custody Test Bodycam presents it about 8 s after docking)")
        #expect(driver.totalProbes == 0, "nothing to probe before a disk appears")

        // The disk appears, holding the camera's storage.
        let card = try f.card("card", files: 3)
        driver.insert(Medium(identity: "FAT32 AAAA-0001 \"BWC\" @0", summary: "FAT32 \"BWC\" AAAA-0001"), root: card, at: "/dev/sdb")
        f.block.add(DevicesFixture.disk(DevicesFixture.bodycam, lun: 0, name: "sdb", bytes: 1 << 26))
        try await f.eventually("the dock to finish") { try f.dock(DevicesFixture.bodycam)?.state == .done }
        let done = try #require(try f.dock(DevicesFixture.bodycam))
        let jobID = try #require(done.jobId)
        #expect(done.waitingSince == nil && done.blockDevice == "/dev/sdb")
        #expect(done.slots == [DockSlot(slot: 0, blockDevice: "/dev/sdb", state: .done, since: done.slots[0].since,
                                             medium: "FAT32 \"BWC\" AAAA-0001", jobId: jobID, message: nil)])
        let job = try #require(try f.store.job(jobID, withFiles: false))
        #expect(job.state == .completed && job.stored == 3 && job.device == "BWC0001234")
        let dockOfJob = try await f.store.db.read { try Int64.fetchOne($0, sql: "SELECT dock_id FROM jobs WHERE id = ?", arguments: [jobID]) }
        #expect(dockOfJob == done.id)
        #expect(driver.probeCount("/dev/sdb") == 1)
    }

    @Test("a disk handled before its device's arrival is found when the device docks")
    func diskBeforeDevice() async throws {
        let f = try DevicesFixture(present: [])
        defer { f.dir.remove() }
        let driver = DirectoryMediaDriver()
        let card = try f.card("card", files: 2)
        driver.insert(Medium(identity: "m1", summary: "m1"), root: card, at: "/dev/sdb")
        let manager = f.manager(driver)
        let task = f.running(manager)
        defer { task.cancel() }
        try await f.subscribed()
        f.block.add(DevicesFixture.disk(DevicesFixture.bodycam, lun: 0, name: "sdb", bytes: 1 << 26))
        try await f.eventually("the disk event handled") { manager.handledEvents >= 1 }
        #expect(driver.totalProbes == 0, "a disk of no dock is only remembered")
        f.bus.arrive(DevicesFixture.bodycam)
        try await f.eventually("the dock to finish") { try f.dock(DevicesFixture.bodycam)?.state == .done }
        #expect(try f.store.items(ItemQuery()).total == 2)
    }

    @Test("pulling the device mid-job ends the job interrupted with exactly the files not stored; the next dock resumes it")
    func removalInterruptsAndRedockResumes() async throws {
        let disk = DevicesFixture.disk(DevicesFixture.bodycam, lun: 0, name: "sdb", bytes: 1 << 26)
        let f = try DevicesFixture(present: [], disks: [disk], holdAfter: 10)
        defer { f.dir.remove() }
        let held = try #require(f.held)
        defer { held.release() }
        let card = try f.card("card", files: 200, size: 20_000)
        let driver = DirectoryMediaDriver()
        driver.insert(Medium(identity: "m1", summary: "m1"), root: card, at: "/dev/sdb")
        let task = f.running(f.manager(driver))
        defer { task.cancel() }
        try await f.subscribed()
        f.bus.arrive(DevicesFixture.bodycam)
        var jobID: Int64 = 0
        // Held after 10 files: the device is certainly pulled mid-job.
        try await f.eventually("some files stored, the copy held") {
            guard let id = try f.dock(DevicesFixture.bodycam)?.jobId else { return false }
            jobID = id
            return try held.filesStarted > 10 && (f.store.job(id, withFiles: false)?.stored ?? 0) >= 4
        }
        f.block.remove(disk)
        f.bus.leave(DevicesFixture.bodycam)
        try await f.eventually("the undock recorded") { try f.dock(DevicesFixture.bodycam)?.state == .removed }
        held.release()
        try await f.eventually("the job interrupted") { try f.store.job(jobID, withFiles: false)?.state == .interrupted }
        let interrupted = try #require(try f.store.job(jobID, withFiles: true))
        #expect(interrupted.message?.contains("went away during the job") == true || interrupted.message?.contains("removed during the job") == true)
        let pending = Set((interrupted.files ?? []).filter { $0.state == .pending }.map(\.path))
        let stored = Set(try f.store.items(DevicesFixture.everyItem).items.map(\.source.path))
        #expect(pending.count == Int(interrupted.pending) && pending.count > 0)
        #expect(pending.union(stored).count == 200 && pending.isDisjoint(with: stored))
        #expect(try f.store.events(EventQuery()).contains { $0.action == "device.undock" })

        f.bus.arrive(DevicesFixture.bodycam)
        f.block.add(disk)
        try await f.eventually("the resumed job to complete") { try f.store.job(jobID, withFiles: false)?.state == .completed }
        let done = try #require(try f.store.job(jobID, withFiles: false))
        #expect(done.stored == 200 && done.pending == 0 && done.duplicates == 0)
        #expect(try f.store.items(ItemQuery()).total == 200)
        try await f.eventually("the second dock done") { try f.store.docks(presentOnly: false, limit: 10).first?.state == .done }
        let docks = try f.store.docks(presentOnly: false, limit: 10)
        #expect(docks.count == 2 && docks.first?.jobId == jobID)
    }

    @Test("a slot's disk is found by its sysfs path under the device's own interface, with its logical unit")
    func locatingSlots() throws {
        let disk = FakeBlockWatcher.disk(busPath: "1-2.3", lun: 1, name: "sdc", bytes: 0, host: 7)
        #expect(StorageSlot.locate(disk, busPath: "1-2.3") == StorageSlot(lun: 1, scsiAddress: "7:0:0:1", disk: "sdc", syspath: disk.syspath))
        #expect(StorageSlot.locate(disk, busPath: "1-2") == nil, "a disk behind a hub is not the hub's")
        #expect(StorageSlot.locate(disk, busPath: "1-3") == nil)
        let partition = BlockDisk(syspath: disk.syspath + "/sdc1", name: "sdc1", sizeBytes: 0)
        #expect(StorageSlot.locate(partition, busPath: "1-2.3") == nil)
        let odd = BlockDisk(syspath: disk.syspath.replacingOccurrences(of: "7:0:0:1", with: "7:0:x:1"), name: "sdc", sizeBytes: 0)
        #expect(StorageSlot.locate(odd, busPath: "1-2.3") == nil)
    }

    @Test("the ALSA card is found through sysfs")
    func locator() throws {
        let dir = try TemporaryDirectory("custody-sysfs")
        defer { dir.remove() }
        try dir.write("sys/bus/usb/devices/3-1.4/3-1.4:1.0/sound/card2/id", Data("Courtroom3\n".utf8))
        let locator = DeviceLocator(sysfs: SysfsRoot(sys: dir.path + "/sys", dev: "/dev"))
        #expect(locator.alsaCard(busPath: "3-1.4") == "Courtroom3")
        #expect(locator.alsaCard(busPath: "1-2") == nil)
    }
}
