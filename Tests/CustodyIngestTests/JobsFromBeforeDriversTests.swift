import CustodyCore
import CustodyModel
import CustodyTestSupport
import Foundation
import GRDB
import Logging
import Testing
@testable import CustodyIngest
@testable import CustodyStore

/// Jobs recorded before jobs named their driver (an index at v8): their roots alone say
/// how their sources are read, and after the upgrade they run as they always did.
@Suite("Jobs from before drivers were recorded")
struct JobsFromBeforeDriversTests {
    /// The `st_dev`/`st_ino` of `path`, as the jobs' root-identity columns hold them.
    func identity(_ path: String) throws -> (Int64, Int64) {
        var status = stat()
        guard stat(path, &status) == 0 else { throw CocoaError(.fileNoSuchFile, userInfo: ["path": path]) }
        return (Int64(bitPattern: UInt64(status.st_dev)), Int64(bitPattern: UInt64(status.st_ino)))
    }

    /// A state directory beside the fixture's whose index stops at v8, before jobs named their driver.
    func oldIndex(_ f: IngestFixture) throws -> String {
        let state = f.dir.path + "/old-state"
        try FileManager.default.createDirectory(atPath: state, withIntermediateDirectories: true)
        let queue = try DatabaseQueue(path: state + "/index.sqlite")
        try IndexMigrations.migrator().migrate(queue, upTo: "v8-ingest")
        try queue.close()
        return state
    }

    @Test("an interrupted directory job and an interrupted disk-image job from a v8 index resume after the upgrade, each through its driver")
    func resumeAfterUpgrade() async throws {
        let f = try IngestFixture()
        defer { f.dir.remove() }
        let state = try oldIndex(f)
        _ = try f.writeFiles(2, size: 3000)
        let image = f.dir.path + "/card.img"
        try fatCard(image, label: "CARDA", volumeID: "12345678")
        let (cardDevice, cardInode) = try identity(f.card)
        let (imageDevice, imageInode) = try identity(image)
        let old = try DatabaseQueue(path: state + "/index.sqlite")
        try await old.write { db in
            try db.execute(sql: "INSERT INTO sources (kind, key, root, created_at) VALUES ('path', ?, ?, 't'), ('path', ?, ?, 't')",
                           arguments: ["path:" + f.card, f.card, "path:volume:" + image, "volume:" + image])
            try db.execute(sql: """
                INSERT INTO jobs (source_id, root, state, requested_uid, requested_name, created_at, total_files, root_device, root_inode)
                VALUES (1, ?, 'interrupted', 1001, 'ana', 't', 2, ?, ?), (2, ?, 'interrupted', 1001, 'ana', 't', 3, ?, ?)
                """, arguments: [f.card, cardDevice, cardInode, "volume:" + image, imageDevice, imageInode])
            try db.execute(sql: """
                INSERT INTO job_files (job_id, path, size, state) VALUES
                    (1, 'clip0.bin', 3000, 'pending'), (1, 'clip1.bin', 3000, 'pending'),
                    (2, 'DCIM/CLIP0.MP4', 10000, 'pending'), (2, 'DCIM/CLIP1.MP4', 10001, 'pending'), (2, 'DCIM/CLIP2.MP4', 10002, 'pending')
                """)
        }
        try old.close()

        let store = try LocalStore(stateDirectory: state)
        #expect(try store.jobContext(1)?.address == SourceAddress(driver: "directory", location: f.card))
        #expect(try store.jobContext(2)?.address == SourceAddress(driver: "massStorage", location: image))
        // Resumed by request only (not by the start itself), both in one run.
        var config = f.config()
        config.resumeOnStart = false
        let engine = IngestEngine(store: store, config: config, logger: Logger(label: "test"), drivers: f.drivers)
        try engine.resume(1, caller: f.caller)
        try engine.resume(2, caller: f.caller)
        let ended = try await f.runUntilDone(engine, [1, 2], on: store)
        let (directory, volume) = (ended[0], ended[1])
        #expect(directory.state == .completed && directory.stored == 2 && directory.root == f.card)
        #expect(volume.state == .completed && volume.stored == 3 && volume.root == "volume:" + image)
        #expect(try store.items(ItemQuery()).items.count == 5)
    }

    @Test("a v8 disk-image job whose image was replaced since is refused, as before the upgrade")
    func replacedImageRefused() async throws {
        let f = try IngestFixture()
        defer { f.dir.remove() }
        let state = try oldIndex(f)
        let image = f.dir.path + "/card.img"
        try fatCard(image, label: "CARDA", volumeID: "12345678")
        let (imageDevice, imageInode) = try identity(image)
        // Another card moved to the image's path: another file (both exist at once, so its inode differs).
        try fatCard(f.dir.path + "/other.img", label: "CARDB", volumeID: "9abcdef0")
        #expect(rename(f.dir.path + "/other.img", image) == 0)
        let old = try DatabaseQueue(path: state + "/index.sqlite")
        try await old.write { db in
            try db.execute(sql: "INSERT INTO sources (kind, key, root, created_at) VALUES ('path', ?, ?, 't')",
                           arguments: ["path:volume:" + image, "volume:" + image])
            try db.execute(sql: """
                INSERT INTO jobs (source_id, root, state, requested_uid, requested_name, created_at, total_files, root_device, root_inode)
                VALUES (1, ?, 'interrupted', 1001, 'ana', 't', 1, ?, ?)
                """, arguments: ["volume:" + image, imageDevice, imageInode])
            try db.execute(sql: "INSERT INTO job_files (job_id, path, size, state) VALUES (1, 'DCIM/CLIP0.MP4', 10000, 'pending')")
        }
        try old.close()

        let store = try LocalStore(stateDirectory: state)
        let engine = IngestEngine(store: store, config: f.config(), logger: Logger(label: "test"), drivers: f.drivers)
        try engine.resume(1, caller: f.caller)
        let done = try await f.runUntilDone(engine, 1, on: store)
        #expect(done.stored == 0 && done.pending == 1)
        #expect(done.message?.contains("was replaced since the job was checked") == true)
    }
}
