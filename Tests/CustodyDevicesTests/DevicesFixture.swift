import CustodyCatalog
import CustodyCore
import CustodyDirectory
import CustodyIngest
import CustodyModel
import CustodyTestSupport
import CustodyUdev
import Foundation
import Logging
import Synchronization
import Testing
@testable import CustodyDevices
@testable import CustodyStore

/// A block-device driver whose "media" are directories: a node holds a medium when the
/// test put one there. Counts every probe, by node.
final class DirectoryMediaDriver: EvidenceDriver {
    let kind: DriverKind = .massStorage
    var readsBlockDevices: Bool { true }
    /// What each node holds now: the medium and the directory standing for its files.
    let media = Mutex<[String: (medium: Medium, root: String)]>([:])
    let probes = Mutex<[String: Int]>([:])
    /// Nodes whose medium cannot be read, and why.
    let unreadable = Mutex<[String: String]>([:])

    func insert(_ medium: Medium, root: String, at node: String) { media.withLock { $0[node] = (medium, root) } }
    func eject(_ node: String) { _ = media.withLock { $0.removeValue(forKey: node) } }
    func probeCount(_ node: String) -> Int { probes.withLock { $0[node] ?? 0 } }
    var totalProbes: Int { probes.withLock { $0.values.reduce(0, +) } }

    func probe(_ device: DockedDevice) async -> ProbeResult {
        guard let node = device.blockDevice else { return .deferred("its storage has not appeared yet") }
        probes.withLock { $0[node, default: 0] += 1 }
        if let why = unreadable.withLock({ $0[node] }) { return .unsupported(why) }
        guard let held = media.withLock({ $0[node] }) else { return .deferred("no medium in \(node)") }
        return .supported(medium: held.medium)
    }

    func startIngest(_ device: DockedDevice, engine: IngestEngine) async throws -> Int64 {
        guard let node = device.blockDevice, let held = media.withLock({ $0[node] }) else { throw CancellationError() }
        return try await engine.submit(path: held.root, driver: .directory, deviceSerial: device.description.serial, caller: .daemon,
                                       medium: held.medium.identity,
                                                origin: ["slot": .object(["lun": .number(Double(device.slot?.lun ?? -1)), "blockDevice": .string(node)])]).jobID
    }

    func resumeIngest(_ job: Int64, _ device: DockedDevice, engine: IngestEngine) throws {
        guard let node = device.blockDevice, let held = media.withLock({ $0[node] }) else { throw CancellationError() }
        try engine.resume(job, caller: .daemon, at: held.root)
    }
}

/// Log records kept for the test to read (warnings with their metadata).
final class CapturedLog: Sendable {
    struct Record: Sendable { var level: Logger.Level; var message: String; var metadata: Logger.Metadata }
    let records = Mutex<[Record]>([])
    var logger: Logger { Logger(label: "test") { _ in Handler(log: self) } }
    func warnings() -> [Record] { records.withLock { $0.filter { $0.level == .warning } } }

    struct Handler: LogHandler {
        let log: CapturedLog
        var metadata: Logger.Metadata = [:]
        var logLevel: Logger.Level = .trace
        subscript(metadataKey key: String) -> Logger.Metadata.Value? {
            get { metadata[key] }
            set { metadata[key] = newValue }
        }
        func log(event: LogEvent) {
            let all = metadata.merging(event.metadata ?? [:]) { _, new in new }
            log.records.withLock { $0.append(Record(level: event.level, message: "\(event.message)", metadata: all)) }
        }
    }
}

/// The real store, except that after `open` files have started copying, the next one
/// waits (in `stageBlob`, before a byte of it is read) until the test lets it go: a job
/// held mid-way for as long as the test needs, whatever the machine's speed.
final class HeldStore: EvidenceStore {
    let inner: LocalStore
    private let open: Int
    private let started = Mutex(0)
    private let gate = DispatchSemaphore(value: 0)
    private let released = Atomic<Bool>(false)

    init(_ inner: LocalStore, open: Int) { self.inner = inner; self.open = open }

    /// Files that have begun copying (the held one included).
    var filesStarted: Int { started.withLock { $0 } }
    /// Lets the held file, and every later one, go.
    func release() {
        guard !released.exchange(true, ordering: .sequentiallyConsistent) else { return }
        gate.signal()
    }

    func stageBlob() throws -> TemporaryBlob {
        let n = started.withLock { $0 += 1; return $0 }
        if n > open && !released.load(ordering: .sequentiallyConsistent) {
            gate.wait()
            gate.signal()  // and the next one waiting, if any
        }
        return try inner.stageBlob()
    }
    func installBlobs(_ blobs: [(TemporaryBlob, sha256: String)]) throws -> [Bool] { try inner.installBlobs(blobs) }
    func rehashBlob(_ sha256: String) throws -> String { try inner.rehashBlob(sha256) }
    func blobPath(_ sha256: String) -> String { inner.blobPath(sha256) }
    func createJob(_ plan: JobPlan, caller: Caller) throws -> JobContext { try inner.createJob(plan, caller: caller) }
    func pendingFiles(job: Int64) throws -> [PlannedFile] { try inner.pendingFiles(job: job) }
    func jobContext(_ id: Int64) throws -> JobContext? { try inner.jobContext(id) }
    func relocateJob(_ id: Int64, root: String, location: String?, actor: Caller) throws {
        try inner.relocateJob(id, root: root, location: location, actor: actor)
    }
    func commit(_ outcomes: [FileOutcome], job: JobContext) throws { try inner.commit(outcomes, job: job) }
    func setJobState(_ id: Int64, _ state: JobState, message: String?, actor: Caller) throws {
        try inner.setJobState(id, state, message: message, actor: actor)
    }
    func jobIDs(in states: [JobState]) throws -> [Int64] { try inner.jobIDs(in: states) }
    func knownFiles(sourceID: Int64) throws -> [String: KnownFile] { try inner.knownFiles(sourceID: sourceID) }
    func job(_ id: Int64, withFiles: Bool) throws -> Job? { try inner.job(id, withFiles: withFiles) }
    func jobs(limit: Int) throws -> [Job] { try inner.jobs(limit: limit) }
    func item(_ id: Int64) throws -> Item? { try inner.item(id) }
    func items(_ query: ItemQuery) throws -> ItemPage { try inner.items(query) }
    func events(_ query: EventQuery) throws -> [CustodyEvent] { try inner.events(query) }
    func totals() throws -> StoreTotals { try inner.totals() }
    func record(_ event: EventInput) throws { try inner.record(event) }
    func latestEventSeq() throws -> Int64 { try inner.latestEventSeq() }
    var changes: ChangePublisher { inner.changes }
    func recover() throws -> RecoveryReport { try inner.recover() }
}

struct DevicesFixture {
    let dir: TemporaryDirectory
    let store: LocalStore
    let engine: IngestEngine
    let bus: FakeUSBBus
    let block: FakeBlockWatcher
    let catalog: DeviceCatalog
    let log = CapturedLog()
    /// Set with `holdAfter`: the engine's store, holding the copy after that many files.
    let held: HeldStore?

    static let bodycam = USBDeviceDescription(
        busNumber: 1, portNumbers: [2], address: 5, vendorID: 0x2e8a, productID: 0x0c10,
        interfaces: [USBInterfaceDescription(number: 0, interfaceClass: 0x08, interfaceSubclass: 0x06, interfaceProtocol: 0x50)],
        manufacturer: "Custody", product: "Test Bodycam", serial: "BWC0001234")
    static let reader = USBDeviceDescription(
        busNumber: 1, portNumbers: [4], address: 7, vendorID: 0x2e8a, productID: 0x0c50,
        interfaces: [USBInterfaceDescription(number: 0, interfaceClass: 0x08, interfaceSubclass: 0x06, interfaceProtocol: 0x50)],
        manufacturer: "Custody", product: "Test Card Reader", serial: "CRD0000050")
    static let keyboard = USBDeviceDescription(
        busNumber: 1, portNumbers: [3], address: 6, vendorID: 0x046d, productID: 0xc31c,
        interfaces: [USBInterfaceDescription(number: 0, interfaceClass: 0x03, interfaceSubclass: 0x01, interfaceProtocol: 0x01)],
        product: "Keyboard", serial: nil)

    init(present: [USBDeviceDescription], disks: [BlockDisk] = [], holdAfter: Int? = nil) throws {
        dir = try TemporaryDirectory("custody-devices")
        store = try LocalStore(stateDirectory: dir.path + "/state")
        var config = IngestConfiguration()
        config.concurrency = 1
        config.commitBatchFiles = 2
        config.chunkBytes = 4096
        let local = store
        let held = holdAfter.map { HeldStore(local, open: $0) }
        self.held = held
        engine = IngestEngine(store: held ?? local, config: config, logger: Logger(label: "test"), drivers: SourceDrivers([DirectoryDriver()]))
        bus = FakeUSBBus(devices: present)
        block = FakeBlockWatcher(disks: disks)
        try dir.write("catalog/test.toml", Data("""
            [[device]]
            name = "Custody Test Bodycam"
            vendor = "2e8a"
            product = "0c10"
            kind = "bodyCamera"
            driver = "massStorage"

            [device.options]
            storageDelaySeconds = 8

            [[device]]
            name = "Custody Test Card Reader"
            vendor = "2e8a"
            product = "0c50"
            kind = "stillCamera"
            driver = "massStorage"
            """.utf8))
        catalog = try DeviceCatalog.load(directories: [dir.path + "/catalog"])
    }

    func manager(_ driver: (any EvidenceDriver)?) -> DeviceManager {
        DeviceManager(bus: bus, blockDevices: block, catalog: catalog, drivers: DriverRegistry(driver.map { [$0] } ?? []),
                      docks: store, engine: engine, sysfs: SysfsRoot(sys: dir.path + "/sys", dev: "/dev"), logger: log.logger)
    }

    /// Every item (a query's default is the first 100).
    static var everyItem: ItemQuery {
        var query = ItemQuery()
        query.limit = 10_000
        return query
    }

    /// The node the manager gives a disk (the fixture's dev root is `/dev`).
    static func node(_ name: String) -> String { "/dev/" + name }

    static func disk(_ device: USBDeviceDescription, lun: Int, name: String, bytes: UInt64?, mediaChanged: Bool = false) -> BlockDisk {
        FakeBlockWatcher.disk(busPath: device.busPath, lun: lun, name: name, bytes: bytes, mediaChanged: mediaChanged)
    }

    func card(_ name: String, files: Int, size: Int = 20_000) throws -> String {
        for i in 0..<files { try dir.write("\(name)/DCIM/CLIP\(i).MP4", Data(repeating: UInt8(i % 251), count: size + i)) }
        return dir.path + "/" + name
    }

    func dock(_ device: USBDeviceDescription) throws -> Dock? {
        try store.docks(presentOnly: false, limit: 20).first { $0.busPath == device.busPath }
    }

    /// Runs the manager and the engine until the test ends.
    func running(_ manager: DeviceManager) -> Task<Void, Never> {
        Task {
            await withTaskGroup(of: Void.self) { group in
                group.addTask { await manager.run() }
                group.addTask { await self.engine.run() }
                await group.next()
                engine.shutdown()
            }
        }
    }

    /// Until the manager has subscribed to both the bus and the block devices.
    func subscribed() async throws {
        try await eventually("the manager to subscribe") { block.subscribers > 0 }
    }

    /// Polls until `condition` holds (at most 20 s).
    func eventually(_ what: String, _ condition: () throws -> Bool) async throws {
        for _ in 0..<2000 {
            if try condition() { return }
            try await Task.sleep(for: .milliseconds(10))
        }
        Issue.record("timed out waiting for \(what)")
        throw CancellationError()
    }
}
