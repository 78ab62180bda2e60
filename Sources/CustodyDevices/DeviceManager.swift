import CustodyCatalog
import CustodyCore
import CustodyIngest
import CustodyModel
import CustodyStore
import CustodyUSB
import CustodyUdev
import Logging
import Synchronization

/// Turns USB arrivals and departures, and block disks' udev events, into docks and
/// jobs: matches each device against the catalog, records the dock, and for each
/// logical unit of a mass-storage device (a camera's storage, a card reader's slots)
/// asks its driver about the medium whenever the disk appears or its medium changes;
/// starts (or resumes) one job per medium and interrupts it when the medium or the
/// device is pulled. While nothing changes it does nothing: no retry, no poll.
/// Runs only inside ``run()``; one event at a time.
public final class DeviceManager: Sendable {
    public struct Options: Sendable {
        /// Kinds whose devices are ingested as soon as they dock.
        public var autoIngestKinds: Set<DeviceKind>
        public init(autoIngestKinds: Set<DeviceKind> = Set(DeviceKind.allCases)) {
            self.autoIngestKinds = autoIngestKinds
        }
    }

    let bus: any USBBus
    let blockDevices: (any BlockDeviceWatcher)?
    let catalog: DeviceCatalog
    let drivers: DriverRegistry
    let docks: any DockStore
    let engine: IngestEngine
    let locator: DeviceLocator
    let options: Options
    let logger: Logger
    /// Only the event loop reads and writes it.
    let table = Mutex(DockTable())

    /// One thing for the event loop to handle.
    enum Event: Sendable {
        case usb(USBEvent)
        case block(BlockEvent)
        case jobEnded(JobEnd)
        /// A probe of a slot finished.
        case settled(SlotKey, SlotOutcome)
    }

    public init(bus: any USBBus, blockDevices: (any BlockDeviceWatcher)?, catalog: DeviceCatalog, drivers: DriverRegistry,
                docks: any DockStore, engine: IngestEngine, sysfs: SysfsRoot, options: Options = Options(), logger: Logger) {
        self.bus = bus; self.blockDevices = blockDevices; self.catalog = catalog; self.drivers = drivers; self.docks = docks
        self.engine = engine; self.locator = DeviceLocator(sysfs: sysfs); self.options = options; self.logger = logger
    }

    /// Events handled so far (tests wait for a number instead of for time).
    var handledEvents: Int { table.withLock { $0.handled } }

    /// Enumerates the disks and devices already there, then follows udev, hotplug and
    /// job ends until cancelled.
    public func run() async {
        let (docks, engine, logger) = (self.docks, self.engine, self.logger)
        await BlockingDoor.store.run {
            do { try docks.closeStaleDocks(actor: .daemon) } catch { logger.error("cannot close stale docks: \(error)") }
            // A medium's job left running by a crash is interrupted first, so that seeing that medium resumes it.
            engine.holdUnfinishedMediumJobs()
        }
        // Subscribe before enumerating, so that nothing in between is missed; a disk or
        // device seen both ways is handled once (by sysfs path, by bus path).
        let usb = bus.events()
        let block = blockDevices?.events()
        let ends = engine.jobEnds()
        let (events, input) = AsyncStream.makeStream(of: Event.self)
        // Disks first, so that a device present at start finds its storage at once.
        if let blockDevices {
            do {
                for disk in try blockDevices.disks() { input.yield(.block(.added(disk))) }
            } catch {
                logger.error("block device enumeration failed: \(error)")
            }
        }
        do {
            for device in try bus.devices() { input.yield(.usb(.arrived(device))) }
        } catch {
            logger.error("USB enumeration failed: \(error)")
        }
        await withDiscardingTaskGroup { group in
            group.addTask { for await event in usb { input.yield(.usb(event)) } }
            if let block { group.addTask { for await event in block { input.yield(.block(event)) } } }
            group.addTask { for await end in ends { input.yield(.jobEnded(end)) } }
            for await event in events {
                await handle(event, input: input, group: &group)
                table.withLock { $0.handled += 1 }
            }
        }
    }

    func handle(_ event: Event, input: AsyncStream<Event>.Continuation, group: inout DiscardingTaskGroup) async {
        switch event {
        case .usb(.arrived(let device)): await arrived(device, input: input, group: &group)
        case .usb(.left(let device)): await left(device)
        case .block(let change): await blockChanged(change, input: input, group: &group)
        case .jobEnded(let end): jobEnded(end)
        case .settled(let key, let outcome): await settle(key, outcome, input: input, group: &group)
        }
    }

    // MARK: - USB

    func arrived(_ device: USBDeviceDescription, input: AsyncStream<Event>.Continuation, group: inout DiscardingTaskGroup) async {
        // Hubs (class 09) carry no evidence: not listed, not "unsupported".
        guard device.deviceClass != 0x09, !device.interfaces.contains(where: { $0.interfaceClass == 0x09 }) else { return }
        if table.withLock({ $0.docks[device.busPath] != nil }) {
            // Its removal was missed: close that dock first.
            await left(device)
        }
        guard let entry = catalog.match(device) else {
            let docks = self.docks
            let dock = try? await BlockingDoor.store.run { try docks.recordDock(DockRecord(
                device: device, model: nil, kind: nil, driver: nil, catalogEntry: nil, blockDevice: nil, alsaCard: nil,
                state: .unsupported, message: "no catalog entry matches \(device.vendorHex):\(device.productHex); left alone"),
                actor: .daemon) }
            if let dock {
                table.withLock { $0.docks[device.busPath] = .init(dockID: dock, device: device, entry: Self.unmatched, driver: nil, reads: false) }
            }
            logger.info("unsupported device \(device.vendorHex):\(device.productHex) at \(device.busPath): left alone")
            return
        }
        let driver = drivers.driver(for: entry.driver)
        let reads = driver != nil && (entry.options.autoIngest ?? options.autoIngestKinds.contains(entry.kind))
        let blockDriven = reads && driver?.readsBlockDevices == true
        let present = blockDriven ? storageSlots(of: device) : []
        var dock = DockTable.Dock(dockID: 0, device: device, entry: entry, driver: driver, reads: reads)
        let alsaCard = entry.driver == .alsaCapture ? locator.alsaCard(busPath: device.busPath) : nil
        let (state, message) = initialState(dock, driverThere: driver != nil)
        let record = DockRecord(
            device: device, model: entry.name, kind: entry.kind, driver: entry.driver, catalogEntry: "\(entry.file):\(entry.line)",
            blockDevice: present.first.map { locator.sysfs.devPath($0.storage.disk) }, alsaCard: alsaCard,
            state: state, message: message)
        do {
            let docks = self.docks
            dock.dockID = try await BlockingDoor.store.run { try docks.recordDock(record, actor: .daemon) }
        } catch {
            logger.error("cannot record the dock of \(device.busPath): \(error)", metadata: Self.journalFields(device))
            return
        }
        dock.written = .init(state: state, message: message, job: nil)
        let dockID = dock.dockID
        table.withLock { $0.docks[device.busPath] = dock }
        logger.info("docked \(entry.name) (\(entry.kind.rawValue), \(entry.driver.rawValue)) serial \(device.serial ?? "-") at \(device.busPath)",
                    metadata: Self.journalFields(device))
        guard reads else { return }
        if blockDriven {
            for (disk, storage) in present { slotAppeared(storage, disk: disk, busPath: device.busPath, input: input, group: &group) }
        } else {
            // No block devices to follow: the device itself is probed, once.
            let key = SlotKey(busPath: device.busPath, dockID: dockID, lun: SlotKey.wholeDevice)
            table.withLock { $0.docks[device.busPath]?.slots[SlotKey.wholeDevice] = .init() }
            startProbe(key, input: input, group: &group)
        }
    }

    /// The dock row at arrival: waiting for storage, or docked with why nothing is read.
    private func initialState(_ dock: DockTable.Dock, driverThere: Bool) -> (DeviceState, String?) {
        let entry = dock.entry
        guard driverThere else {
            // An audio interface is recorded live, by a courtroom's sessions, not ingested.
            return (.docked, entry.driver == .alsaCapture
                ? "an audio interface: recorded by courtroom sessions ([[courtroom]] interface = \"\(dock.device.serial ?? "-")\", custodyctl record), not ingested"
                : "this build has no \(entry.driver.rawValue) driver yet; recordings are not read")
        }
        guard dock.reads else { return (.docked, "automatic ingest is off for \(entry.kind.rawValue)") }
        return (.waitingForMedium, dock.summary().message)
    }

    func left(_ device: USBDeviceDescription) async {
        guard let gone = table.withLock({ $0.docks.removeValue(forKey: device.busPath) }) else { return }
        for (lun, slot) in gone.slots.sorted(by: { $0.key < $1.key }) {
            guard let job = slot.job else { continue }
            let which = lun == SlotKey.wholeDevice ? "" : " (its medium in \(slot.node ?? "slot \(lun)"))"
            engine.interrupt(job, reason: "device \(device.serial ?? device.busPath) removed during the job\(which); resumed when it is docked again")
        }
        let (docks, dockID) = (self.docks, gone.dockID)
        do { try await BlockingDoor.store.run { try docks.recordUndock(dockID, actor: .daemon) } } catch {
            logger.error("cannot record the undock of \(device.busPath): \(error)", metadata: Self.journalFields(device))
        }
        logger.info("undocked \(device.vendorHex):\(device.productHex) serial \(device.serial ?? "-") from \(device.busPath)",
                    metadata: Self.journalFields(device))
    }

    /// The device as log metadata (journal fields DEVICE_SERIAL, DEVICE_ID, DEVICE_BUS_PATH).
    static func journalFields(_ device: USBDeviceDescription) -> Logger.Metadata {
        var fields: Logger.Metadata = ["device_id": "\(device.vendorHex):\(device.productHex)", "device_bus_path": "\(device.busPath)"]
        if let serial = device.serial { fields["device_serial"] = "\(serial)" }
        return fields
    }

    /// Stands in for the catalog entry of a device no entry matched (never read).
    static let unmatched = CatalogEntry(name: "-", kind: .bodyCamera, driver: .massStorage,
                                        match: .vendor(0), file: "-", line: 0)
}
