import CustodyCatalog
import CustodyCore
import CustodyIngest
import CustodyProtocol
import CustodyStore
import CustodyUSB
import Logging
import Synchronization

/// Turns USB arrivals and departures into docks: matches each device against the
/// catalog, records the dock, asks its driver, starts (or resumes) its ingest, and
/// interrupts that job when the device is pulled. Runs only inside ``run()``.
public final class DeviceManager: Sendable {
    public struct Options: Sendable {
        /// Kinds whose devices are ingested as soon as they dock.
        public var autoIngestKinds: Set<DeviceKind>
        /// How often, and how many times, a deferred probe is retried.
        public var probeRetryDelay: Duration
        public var probeRetries: Int
        public init(autoIngestKinds: Set<DeviceKind> = Set(DeviceKind.allCases), probeRetryDelay: Duration = .milliseconds(250), probeRetries: Int = 20) {
            self.autoIngestKinds = autoIngestKinds; self.probeRetryDelay = probeRetryDelay; self.probeRetries = probeRetries
        }
    }

    let bus: any USBBus
    let catalog: DeviceCatalog
    let drivers: DriverRegistry
    let docks: any DockStore
    let engine: IngestEngine
    let locator: DeviceLocator
    let options: Options
    let logger: Logger
    /// Docks present now, by bus path.
    private let present = Mutex<[String: (dock: Int64, job: Int64?)]>([:])

    public init(bus: any USBBus, catalog: DeviceCatalog, drivers: DriverRegistry, docks: any DockStore, engine: IngestEngine,
                sysfs: SysfsRoot, options: Options = Options(), logger: Logger) {
        self.bus = bus; self.catalog = catalog; self.drivers = drivers; self.docks = docks; self.engine = engine
        self.locator = DeviceLocator(sysfs: sysfs); self.options = options; self.logger = logger
    }

    /// Enumerates the devices already docked, then follows hotplug until cancelled.
    public func run() async {
        do { try docks.closeStaleDocks(actor: .daemon) } catch { logger.error("cannot close stale docks: \(error)") }
        // Subscribe before enumerating, so nothing docked in between is missed;
        // a device seen by both is recorded once (by bus path).
        let events = bus.events()
        do {
            for device in try bus.devices() { await arrived(device) }
        } catch {
            logger.error("USB enumeration failed: \(error)")
        }
        for await event in events {
            switch event {
            case .arrived(let device): await arrived(device)
            case .left(let device): left(device)
            }
        }
    }

    func arrived(_ device: USBDeviceDescription) async {
        // Hubs (class 09) carry no evidence: not listed, not "unsupported".
        guard device.deviceClass != 0x09, !device.interfaces.contains(where: { $0.interfaceClass == 0x09 }) else { return }
        if let stale = present.withLock({ $0.removeValue(forKey: device.busPath) }) {
            // Its removal was missed: close that dock first.
            try? docks.recordUndock(stale.dock, actor: .daemon)
        }
        guard let entry = catalog.match(device) else {
            let dock = try? docks.recordDock(DockRecord(
                device: device, model: nil, kind: nil, driver: nil, catalogEntry: nil, blockDevice: nil, alsaCard: nil,
                state: .unsupported, message: "no catalog entry matches \(device.vendorHex):\(device.productHex); left alone"),
                actor: .daemon)
            if let dock { present.withLock { $0[device.busPath] = (dock, nil) } }
            logger.info("unsupported device \(device.vendorHex):\(device.productHex) at \(device.busPath): left alone")
            return
        }
        let blockDevice = entry.driver == .massStorage ? locator.blockDevice(busPath: device.busPath) : nil
        let alsaCard = entry.driver == .alsaCapture ? locator.alsaCard(busPath: device.busPath) : nil
        let dockID: Int64
        do {
            dockID = try docks.recordDock(DockRecord(
                device: device, model: entry.name, kind: entry.kind, driver: entry.driver, catalogEntry: "\(entry.file):\(entry.line)",
                blockDevice: blockDevice, alsaCard: alsaCard, state: .docked, message: nil), actor: .daemon)
        } catch {
            logger.error("cannot record the dock of \(device.busPath): \(error)")
            return
        }
        present.withLock { $0[device.busPath] = (dockID, nil) }
        logger.info("docked \(entry.name) (\(entry.kind.rawValue), \(entry.driver.rawValue)) serial \(device.serial ?? "-") at \(device.busPath)",
                    metadata: Self.journalFields(device))
        await startIngest(DockedDevice(dockID: dockID, description: device, entry: entry, blockDevice: blockDevice, alsaCard: alsaCard))
    }

    private func startIngest(_ docked: DockedDevice) async {
        let entry = docked.entry
        guard entry.options.autoIngest ?? options.autoIngestKinds.contains(entry.kind) else {
            try? docks.updateDock(docked.dockID, state: .docked, message: "automatic ingest is off for \(entry.kind.rawValue)", jobID: nil)
            return
        }
        guard let driver = drivers.driver(for: entry.driver) else {
            try? docks.updateDock(docked.dockID, state: .docked,
                                  message: "this build has no \(entry.driver.rawValue) driver yet; recordings are not read", jobID: nil)
            return
        }
        var attempt = 0
        while true {
            switch await driver.probe(docked) {
            case .supported:
                do {
                    let job: Int64
                    if let serial = docked.description.serial, let interrupted = try docks.interruptedJob(deviceSerial: serial) {
                        // The same device back after being pulled mid-job: that job goes on.
                        try engine.resume(interrupted, caller: .daemon)
                        job = interrupted
                    } else {
                        job = try await driver.startIngest(docked, engine: engine)
                    }
                    present.withLock { if $0[docked.description.busPath]?.dock == docked.dockID { $0[docked.description.busPath]?.job = job } }
                    try docks.updateDock(docked.dockID, state: .ingesting, message: nil, jobID: job)
                } catch {
                    try? docks.updateDock(docked.dockID, state: .error, message: "cannot start the ingest: \(error)", jobID: nil)
                }
                return
            case .unsupported(let why):
                try? docks.updateDock(docked.dockID, state: .error, message: why, jobID: nil)
                return
            case .deferred(let why):
                attempt += 1
                guard attempt <= options.probeRetries, present.withLock({ $0[docked.description.busPath]?.dock == docked.dockID }) else {
                    try? docks.updateDock(docked.dockID, state: .error, message: "not ready: \(why)", jobID: nil)
                    return
                }
                try? await Task.sleep(for: options.probeRetryDelay)
            }
        }
    }

    func left(_ device: USBDeviceDescription) {
        guard let gone = present.withLock({ $0.removeValue(forKey: device.busPath) }) else { return }
        if let job = gone.job {
            engine.interrupt(job, reason: "device \(device.serial ?? device.busPath) removed during the job; resumed at its next dock")
        }
        do { try docks.recordUndock(gone.dock, actor: .daemon) } catch { logger.error("cannot record the undock of \(device.busPath): \(error)") }
        logger.info("undocked \(device.vendorHex):\(device.productHex) serial \(device.serial ?? "-") from \(device.busPath)",
                    metadata: Self.journalFields(device))
    }

    /// The device as log metadata (journal fields DEVICE_SERIAL, DEVICE_ID, DEVICE_BUS_PATH).
    static func journalFields(_ device: USBDeviceDescription) -> Logger.Metadata {
        var fields: Logger.Metadata = ["device_id": "\(device.vendorHex):\(device.productHex)", "device_bus_path": "\(device.busPath)"]
        if let serial = device.serial { fields["device_serial"] = "\(serial)" }
        return fields
    }
}
