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

@Suite("Device manager: slots and media")
struct DeviceSlotTests {
    static let reader = DevicesFixture.reader
    static func slot0(bytes: UInt64, changed: Bool = false) -> BlockDisk {
        DevicesFixture.disk(reader, lun: 0, name: "sdc", bytes: bytes, mediaChanged: changed)
    }
    static func slot1(bytes: UInt64, changed: Bool = false) -> BlockDisk {
        DevicesFixture.disk(reader, lun: 1, name: "sdd", bytes: bytes, mediaChanged: changed)
    }

    @Test("an empty reader waits, says so, and probes nothing while nothing about its slots changes")
    func emptyReaderCostsNothing() async throws {
        let f = try DevicesFixture(present: [Self.reader], disks: [Self.slot0(bytes: 0), Self.slot1(bytes: 0)])
        defer { f.dir.remove() }
        let driver = DirectoryMediaDriver()
        let manager = f.manager(driver)
        let task = f.running(manager)
        defer { task.cancel() }
        try await f.eventually("both slots waiting") { try f.dock(Self.reader)?.slots.count == 2 }
        let waiting = try #require(try f.dock(Self.reader))
        #expect(waiting.state == .waitingForMedium && waiting.waitingSince != nil)
        #expect(waiting.message == "no medium in its 2 slots (/dev/sdc, /dev/sdd): waiting for one to be inserted")
        #expect(waiting.slots.map(\.state) == [.waitingForMedium, .waitingForMedium])
        #expect(waiting.slots.map(\.message) == ["no medium in /dev/sdc", "no medium in /dev/sdd"])
        #expect(driver.probeCount("/dev/sdc") == 1 && driver.probeCount("/dev/sdd") == 1)

        // Events that say nothing about a medium: a property refreshed (same size, no media
        // change), another device's disk, an uncatalogued device. Each handled, none probes.
        let before = manager.handledEvents
        f.block.change(Self.slot0(bytes: 0))
        f.block.add(DevicesFixture.disk(DevicesFixture.keyboard, lun: 0, name: "sdz", bytes: 1 << 20))
        f.bus.arrive(DevicesFixture.keyboard)
        try await f.eventually("the three events handled") { manager.handledEvents >= before + 3 }
        #expect(driver.probeCount("/dev/sdc") == 1 && driver.probeCount("/dev/sdd") == 1)
        let still = try #require(try f.dock(Self.reader))
        #expect(still.state == .waitingForMedium && still.waitingSince == waiting.waitingSince)

        // A card goes in: one probe, one job.
        let card = try f.card("card", files: 2)
        driver.insert(Medium(identity: "m1", summary: "FAT16 \"CARD\" 0000-0001"), root: card, at: "/dev/sdc")
        f.block.change(Self.slot0(bytes: 1 << 24, changed: true))
        try await f.eventually("the card read") { try f.dock(Self.reader)?.state == .done }
        #expect(driver.probeCount("/dev/sdc") == 2 && driver.probeCount("/dev/sdd") == 1)
        let done = try #require(try f.dock(Self.reader))
        #expect(done.slots.map(\.state) == [.done, .waitingForMedium] && done.waitingSince == nil)
    }

    @Test("two cards in two slots are two jobs of the dock, each named by its slot")
    func twoSlotsTwoJobs() async throws {
        let f = try DevicesFixture(present: [], disks: [Self.slot0(bytes: 1 << 24), Self.slot1(bytes: 1 << 24)])
        defer { f.dir.remove() }
        let driver = DirectoryMediaDriver()
        driver.insert(Medium(identity: "a", summary: "card A"), root: try f.card("a", files: 3), at: "/dev/sdc")
        driver.insert(Medium(identity: "b", summary: "card B"), root: try f.card("b", files: 4), at: "/dev/sdd")
        let task = f.running(f.manager(driver))
        defer { task.cancel() }
        try await f.subscribed()
        f.bus.arrive(Self.reader)
        try await f.eventually("both read") { try f.dock(Self.reader)?.slots.map(\.state) == [.done, .done] }
        let dock = try #require(try f.dock(Self.reader))
        #expect(dock.state == .done)
        let jobs = dock.slots.compactMap(\.jobId)
        #expect(Set(jobs).count == 2 && dock.jobId == jobs.max())
        #expect(dock.slots.map(\.medium) == ["card A", "card B"])
        let stored = try jobs.map { try #require(try f.store.job($0, withFiles: false)).stored }
        #expect(stored == [3, 4])
        let dockIDs = try await f.store.db.read { db in
            try Int64.fetchAll(db, sql: "SELECT dock_id FROM jobs WHERE id IN (?, ?)", arguments: [jobs[0], jobs[1]])
        }
        #expect(dockIDs == [dock.id, dock.id])
        for (lun, job) in jobs.enumerated() {
            let create = try #require(try f.store.events(EventQuery()).first { $0.action == "job.create" && $0.subject == "job:\(job)" })
            guard case .object(let source)? = create.detail["source"], case .object(let slot)? = source["slot"] else {
                Issue.record("job \(job)'s job.create names no slot: \(create.detail)")
                continue
            }
            #expect(slot["lun"] == .number(Double(lun)))
        }
    }

    @Test("a card taken out mid-job ends its job interrupted with exactly the files not stored; put back in the other slot, the same job resumes there")
    func pulledAndPutBackElsewhere() async throws {
        let f = try DevicesFixture(present: [Self.reader], disks: [Self.slot0(bytes: 0), Self.slot1(bytes: 0)], holdAfter: 10)
        defer { f.dir.remove() }
        let held = try #require(f.held)
        defer { held.release() }
        let driver = DirectoryMediaDriver()
        let card = try f.card("card", files: 200, size: 20_000)
        let medium = Medium(identity: "FAT32 1234-ABCD \"CARD\" @0", summary: "FAT32 \"CARD\" 1234-ABCD")
        let task = f.running(f.manager(driver))
        defer { task.cancel() }
        try await f.eventually("both slots waiting") { try f.dock(Self.reader)?.slots.count == 2 }
        driver.insert(medium, root: card, at: "/dev/sdc")
        f.block.change(Self.slot0(bytes: 1 << 28, changed: true))
        var jobID: Int64 = 0
        // Held after 10 files: the card is certainly taken out mid-job.
        try await f.eventually("some files stored, the copy held") {
            guard let id = try f.dock(Self.reader)?.slots.first?.jobId else { return false }
            jobID = id
            return try held.filesStarted > 10 && (f.store.job(id, withFiles: false)?.stored ?? 0) >= 4
        }
        driver.eject("/dev/sdc")
        f.block.change(Self.slot0(bytes: 0, changed: true))
        try await f.eventually("slot 0 waiting again") { try f.dock(Self.reader)?.slots.first?.state == .waitingForMedium }
        held.release()
        try await f.eventually("the job interrupted") { try f.store.job(jobID, withFiles: false)?.state == .interrupted }
        let interrupted = try #require(try f.store.job(jobID, withFiles: true))
        #expect(interrupted.message?.hasPrefix("the medium was taken out of /dev/sdc during the job") == true)
        let pending = Set((interrupted.files ?? []).filter { $0.state == .pending }.map(\.path))
        let stored = Set(try f.store.items(DevicesFixture.everyItem).items.map(\.source.path))
        #expect(pending.count == Int(interrupted.pending) && pending.count > 0 && interrupted.failed == 0)
        #expect(pending.union(stored).count == 200 && pending.isDisjoint(with: stored))
        #expect(try f.dock(Self.reader)?.state == .waitingForMedium)
        #expect(try f.dock(Self.reader)?.slots.first?.message?.contains("was taken out during job \(jobID); insert it again, in any slot, to resume") == true)

        // The same card, now in slot 1: the same job goes on, reading it where it is.
        let elsewhere = f.dir.path + "/card-in-slot-1"
        try FileManager.default.moveItem(atPath: card, toPath: elsewhere)
        driver.insert(medium, root: elsewhere, at: "/dev/sdd")
        f.block.change(Self.slot1(bytes: 1 << 28, changed: true))
        try await f.eventually("the job completed") { try f.store.job(jobID, withFiles: false)?.state == .completed }
        let done = try #require(try f.store.job(jobID, withFiles: false))
        #expect(done.stored == 200 && done.duplicates == 0 && done.failed == 0 && done.root == elsewhere)
        #expect(try f.store.items(ItemQuery()).total == 200, "nothing stored twice")
        let moved = try f.store.events(EventQuery()).filter { $0.action == "job.relocate" && $0.subject == "job:\(jobID)" }
        #expect(moved.count == 1 && moved.first?.detail["to"] == .string(elsewhere))
        try await f.eventually("slot 1 done") { try f.dock(Self.reader)?.slots.last?.state == .done }
        #expect(try f.dock(Self.reader)?.slots.last?.jobId == jobID)
    }

    @Test("a medium that cannot be read and a job that ends with failures are warnings with the device's journal fields")
    func journalWarnings() async throws {
        let f = try DevicesFixture(present: [Self.reader], disks: [Self.slot0(bytes: 1 << 24), Self.slot1(bytes: 1 << 24)])
        defer { f.dir.remove() }
        let driver = DirectoryMediaDriver()
        driver.unreadable.withLock { $0["/dev/sdc"] = "the medium in /dev/sdc holds no FAT or exFAT file system" }
        // Slot 1's job: one of its entries is a symbolic link, which fails.
        let card = try f.card("b", files: 3)
        driver.insert(Medium(identity: "b", summary: "card B"), root: card, at: "/dev/sdd")
        try FileManager.default.createSymbolicLink(atPath: card + "/DCIM/LINK.MP4", withDestinationPath: card + "/DCIM/CLIP1.MP4")
        let task = f.running(f.manager(driver))
        defer { task.cancel() }
        try await f.eventually("both slots settled") {
            let slots = try f.dock(Self.reader)?.slots ?? []
            return slots.count == 2 && slots.allSatisfy { $0.state == .error }
        }
        let dock = try #require(try f.dock(Self.reader))
        #expect(dock.state == .error && dock.message == "slot 0: the medium in /dev/sdc holds no FAT or exFAT file system")
        try await f.eventually("two warnings") { f.log.warnings().count >= 2 }
        let warnings = f.log.warnings()
        let unreadable = try #require(warnings.first { $0.message.contains("cannot be read") })
        #expect(unreadable.metadata["device_serial"] == "CRD0000050" && unreadable.metadata["device_slot"] == "0")
        #expect(unreadable.metadata["device_node"] == "/dev/sdc" && unreadable.metadata["device_bus_path"] == "1-4")
        let ended = try #require(warnings.first { $0.message.contains("ended completedWithErrors") })
        #expect(ended.metadata["device_serial"] == "CRD0000050" && ended.metadata["device_slot"] == "1")
        #expect(ended.metadata["job_id"] != nil)
    }
}
