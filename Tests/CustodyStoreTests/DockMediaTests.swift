import CustodyCore
import CustodyModel
import CustodyTestSupport
import Foundation
import GRDB
import Testing
@testable import CustodyStore

@Suite("Docks: waiting, slots and their media")
struct DockMediaTests {
    static let reader = USBDeviceDescription(busNumber: 1, portNumbers: [4], address: 7, vendorID: 0x2e8a, productID: 0x0c50,
                                             product: "Test Card Reader", serial: "CRD0000050")

    func dock(_ f: StoreFixture, state: DeviceState = .waitingForMedium, message: String? = "waiting for its storage to appear") throws -> Int64 {
        try f.store.recordDock(DockRecord(device: Self.reader, model: "Custody Test Card Reader", kind: .stillCamera, driver: .massStorage,
                                          catalogEntry: "test.toml:1", blockDevice: nil, alsaCard: nil, state: state, message: message),
                               actor: .daemon)
    }

    func job(_ f: StoreFixture, medium: String?, serial: String? = "CRD0000050", root: String = "volume:/dev/sdc") throws -> Int64 {
        try f.store.createJob(JobPlan(root: root, deviceSerial: serial, files: [PlannedFile(path: "a.mp4", size: 1, modifiedAt: nil)],
                                      medium: medium), caller: .daemon).jobID
    }

    @Test("an index at v6 is upgraded to v7: docks kept with their states, slots and the medium column added, foreign keys intact")
    func upgradeFromV5() throws {
        let dir = try TemporaryDirectory("custody-upgrade-v7")
        defer { dir.remove() }
        try FileManager.default.createDirectory(atPath: dir.path + "/state", withIntermediateDirectories: true)
        let old = try DatabaseQueue(path: dir.path + "/state/index.sqlite")
        try IndexMigrations.migrator().migrate(old, upTo: "v6-store")
        try old.write { db in
            try db.execute(sql: "INSERT INTO sources (kind, key, root, created_at) VALUES ('device', 'k', 'volume:/dev/sdb', 't')")
            try db.execute(sql: """
                INSERT INTO jobs (source_id, root, device_serial, state, requested_uid, requested_name, created_at)
                VALUES (1, 'volume:/dev/sdb', 'BWC1', 'completed', 0, 'custodyd', 't')
                """)
            try db.execute(sql: """
                INSERT INTO docks (device_serial, vendor_id, product_id, model, bus_path, block_device, state, message, docked_at, job_id)
                VALUES ('BWC1', 11914, 3088, 'Cam', '1-2', '/dev/sdb', 'ingesting', NULL, '2026-03-16T09:00:00Z', 1),
                       ('BWC2', 11914, 3088, 'Cam', '1-3', NULL, 'error', 'not ready', '2026-03-16T09:01:00Z', NULL)
                """)
            try db.execute(sql: "UPDATE jobs SET dock_id = 1 WHERE id = 1")
        }
        try old.close()
        let store = try LocalStore(stateDirectory: dir.path + "/state")
        let docks = try store.docks(presentOnly: false, limit: 10)
        #expect(docks.map(\.state) == [.error, .done])
        #expect(docks.map(\.blockDevice) == [nil, "/dev/sdb"] && docks.map(\.jobId) == [nil, 1])
        #expect(docks.allSatisfy { $0.waitingSince == nil && $0.slots.isEmpty })
        let (jobColumns, dockColumns, violations, dockOfJob) = try store.db.read { db in
            (try db.columns(in: "jobs").map(\.name), try db.columns(in: "docks").map(\.name),
             try Row.fetchAll(db, sql: "PRAGMA foreign_key_check").count, try Int64.fetchOne(db, sql: "SELECT dock_id FROM jobs WHERE id = 1"))
        }
        #expect(jobColumns.contains("medium") && dockColumns.contains("waiting_since"))
        #expect(violations == 0 && dockOfJob == 1)
        // The new state is accepted by the rebuilt table's CHECK.
        try store.updateDock(2, state: .waitingForMedium, message: "waiting", jobID: nil)
        #expect(try store.docks(presentOnly: false, limit: 10).first?.state == .waitingForMedium)
    }

    @Test("a dock waiting keeps the time it began waiting while it waits; reading clears it")
    func waitingSince() throws {
        let f = try StoreFixture()
        defer { f.dir.remove() }
        let id = try dock(f)
        let began = try #require(try f.store.docks(presentOnly: true, limit: 1).first?.waitingSince)
        #expect(began == RFC3339.format(f.clock.now()))
        f.clock.advance(by: 10)
        try f.store.updateDock(id, state: .waitingForMedium, message: "no medium in /dev/sdc", jobID: nil)
        let still = try #require(try f.store.docks(presentOnly: true, limit: 1).first)
        #expect(still.waitingSince == began && still.message == "no medium in /dev/sdc")
        let job = try job(f, medium: "m")
        try f.store.updateDock(id, state: .ingesting, message: nil, jobID: job)
        let reading = try #require(try f.store.docks(presentOnly: true, limit: 1).first)
        #expect(reading.waitingSince == nil && reading.state == .ingesting && reading.jobId == job)
        f.clock.advance(by: 5)
        try f.store.updateDock(id, state: .waitingForMedium, message: "again", jobID: nil)
        #expect(try f.store.docks(presentOnly: true, limit: 1).first?.waitingSince == RFC3339.format(f.clock.now()))
    }

    @Test("a dock with slots is as its slots are; each slot follows its job; a slot's since changes only with its state")
    func slots() throws {
        let f = try StoreFixture()
        defer { f.dir.remove() }
        let id = try dock(f)
        let a = try job(f, medium: "A")
        try f.store.updateSlot(dock: id, DockSlotRecord(slot: 0, blockDevice: "/dev/sdc", state: .ingesting, medium: "card A", jobID: a))
        try f.store.updateSlot(dock: id, DockSlotRecord(slot: 1, blockDevice: "/dev/sdd", state: .waitingForMedium, message: "no medium in /dev/sdd"))
        let t0 = RFC3339.format(f.clock.now())
        f.clock.advance(by: 3)
        try f.store.updateSlot(dock: id, DockSlotRecord(slot: 1, blockDevice: "/dev/sdd", state: .waitingForMedium, message: "no medium in /dev/sdd"))
        var listed = try #require(try f.store.docks(presentOnly: true, limit: 1).first)
        #expect(listed.state == .ingesting && listed.blockDevice == "/dev/sdc" && listed.jobId == a)
        #expect(listed.slots == [
            DockSlot(slot: 0, blockDevice: "/dev/sdc", state: .ingesting, since: t0, medium: "card A", jobId: a, message: nil),
            DockSlot(slot: 1, blockDevice: "/dev/sdd", state: .waitingForMedium, since: t0, medium: nil, jobId: nil,
                          message: "no medium in /dev/sdd"),
        ])
        #expect(try f.store.db.read { try Int64.fetchOne($0, sql: "SELECT dock_id FROM jobs WHERE id = ?", arguments: [a]) } == id)

        try f.store.setJobState(a, .completed, message: nil, actor: .daemon)
        listed = try #require(try f.store.docks(presentOnly: true, limit: 1).first)
        #expect(listed.state == .done && listed.slots.map(\.state) == [.done, .waitingForMedium] && listed.message == nil)

        try f.store.setJobState(a, .interrupted, message: "the medium was taken out; 3 files not stored", actor: .daemon)
        listed = try #require(try f.store.docks(presentOnly: true, limit: 1).first)
        #expect(listed.state == .error && listed.slots[0].state == .error)
        #expect(listed.slots[0].message == "job \(a): the medium was taken out; 3 files not stored")
        #expect(listed.message == "slot 0: job \(a): the medium was taken out; 3 files not stored")

        try f.store.updateSlot(dock: id, DockSlotRecord(slot: 0, blockDevice: "/dev/sdc", state: .waitingForMedium, message: "no medium in /dev/sdc"))
        try f.store.updateDock(id, state: .waitingForMedium, message: "no medium in its 2 slots", jobID: nil)
        listed = try #require(try f.store.docks(presentOnly: true, limit: 1).first)
        #expect(listed.state == .waitingForMedium && listed.message == "no medium in its 2 slots" && listed.waitingSince != nil)
    }

    @Test("an interrupted job is found again by its medium and its device's serial, whatever its root")
    func interruptedByMedium() throws {
        let f = try StoreFixture()
        defer { f.dir.remove() }
        let a = try job(f, medium: "FAT32 1234-ABCD \"A\" @0")
        let other = try job(f, medium: "FAT32 9999-0000 \"B\" @0")
        let plain = try job(f, medium: nil, root: "volume:/dev/sdb")
        for id in [a, other, plain] { try f.store.setJobState(id, .interrupted, message: "pulled", actor: .daemon) }
        #expect(try f.store.interruptedJob(deviceSerial: "CRD0000050", medium: "FAT32 1234-ABCD \"A\" @0") == a)
        #expect(try f.store.interruptedJob(deviceSerial: "OTHER", medium: "FAT32 1234-ABCD \"A\" @0") == nil)
        #expect(try f.store.interruptedJob(deviceSerial: nil, medium: "FAT32 1234-ABCD \"A\" @0") == nil)
        #expect(try f.store.interruptedJob(deviceSerial: "CRD0000050") == plain, "a medium's job is not resumed as the device's")
        try f.store.relocateJob(a, root: "volume:/dev/sdd", actor: .daemon)
        #expect(try f.store.jobContext(a)?.root == "volume:/dev/sdd")
        #expect(try f.store.jobContext(a)?.medium == "FAT32 1234-ABCD \"A\" @0")
        let moved = try f.store.events(EventQuery()).filter { $0.action == "job.relocate" }
        #expect(moved.map(\.detail) == [["from": .string("volume:/dev/sdc"), "to": .string("volume:/dev/sdd")]])
        #expect(throws: StoreError.self) { try f.store.relocateJob(999, root: "x", actor: .daemon) }
    }
}
