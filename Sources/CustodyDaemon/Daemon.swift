#if canImport(Glibc)
import Glibc
#endif
import CustodyCatalog
import CustodyCore
import CustodyDevices
import CustodyDirectory
import CustodyIngest
import CustodyLedger
import CustodyLogging
import CustodyMassStorage
import CustodyMetrics
import CustodyRecording
import CustodyServer
import CustodyStore
import CustodyUSB
import CustodyUdev
import Foundation
import Logging
import ServiceLifecycle

/// `custodyd` as a library: opens the store, recovers from any crash, then runs
/// the ingest and control services until SIGTERM or SIGINT.
public struct Daemon: Sendable {
    public let config: DaemonConfig
    public let notifier: SystemdNotifier
    /// The one log level of every logger (`[log] level`, then PUT /v1/log-level).
    public let logLevels: LogLevelControl
    /// The metrics `/metrics` shows; other parts (audio capture) add theirs here.
    public let metrics = MetricsRegistry()

    public init(config: DaemonConfig, notifier: SystemdNotifier = SystemdNotifier(), logLevels: LogLevelControl? = nil) {
        self.config = config
        self.notifier = notifier
        self.logLevels = logLevels ?? LogLevelControl(Logger.Level(rawValue: config.log.level) ?? .info)
    }

    public func run() async throws {
        var logger = Logger(label: "custodyd")
        logger.logLevel = Logger.Level(rawValue: config.log.level) ?? .info
        logLevels.level = logger.logLevel

        let store = try LocalStore(stateDirectory: config.stateDirectory)
        Self.installTestSeams(store, environment: ProcessInfo.processInfo.environment, logger: logger)
        let recovery = try store.recover()
        if recovery.temporaryFilesRemoved > 0 {
            logger.notice("recovery: removed \(recovery.temporaryFilesRemoved) half-written temporary files")
        }
        if !recovery.missingBlobs.isEmpty {
            logger.critical("recovery: \(recovery.missingBlobs.count) blobs named by the index are missing: \(recovery.missingBlobs.prefix(5).joined(separator: ", "))")
        }
        if !recovery.unfinishedJobs.isEmpty {
            logger.notice("recovery: jobs \(recovery.unfinishedJobs.map(String.init).joined(separator: ", ")) were cut off by a crash")
        }
        try store.record(EventInput(actor: .daemon, action: "daemon.start", subject: "daemon",
                                    detail: ["version": .string(CustodyVersion.string), "pid": .number(Double(getpid()))]))

        let key = try StationKey.loadOrCreate(path: config.stateDirectory + "/ledger/station.key", name: config.ledger.effectiveOrigin) {
            logger.warning("\($0)")
        }
        let verificationFailures = IngestMetrics.verificationFailures(metrics)
        let signer = CheckpointSigner(key: key, store: store, onVerified: { report in
            if !report.ok { verificationFailures.increment(labels: ["ledger"]) }
        })
        let space = FreeSpaceGate(path: config.stateDirectory, limits: config.space)
        let engine = IngestEngine(store: store, config: config.ingest, logger: logger, space: space,
                                  metrics: IngestMetrics(registry: metrics), stateDirectory: config.stateDirectory,
                                  drivers: SourceDrivers([DirectoryDriver(), MassStorageDriver()]))
        StoreMetrics.register(in: metrics, version: CustodyVersion.string, snapshot: store.metricsSnapshot, engine: engine, space: space)
        let recordings = makeRecordingManager(store: store, engine: engine, metrics: AudioMetrics(registry: metrics), logger: logger)
        let routes = ControlRoutes(store: store, ingest: engine, stateDirectory: config.stateDirectory, signer: signer,
                                   operations: ControlOperations(metrics: metrics, space: space, logLevels: logLevels),
                                   tagging: TaggingPolicy(retention: config.retention, gaps: config.gaps),
                                   recordings: recordings)
        let server = ControlServer(
            options: .init(socketPath: config.control.socket, socketMode: config.control.socketMode,
                           socketGroup: config.control.socketGroup, maxRequestBytes: config.control.maxRequestBytes,
                           limits: ConnectionLimits(config.control), inheritedDescriptor: SocketActivation.listeningDescriptor()),
            routes: routes, roles: RoleMap(config.control), logger: logger)
        DescriptorLimit.ensure(for: ConnectionLimits(config.control), logger: logger)
        if let role = RoleMap(config.control).roleGranted(byGroup: config.control.socketGroup) {
            logger.warning("control.socketGroup \(config.control.socketGroup) also grants the \(role.rawValue) role: everyone who may connect is \(role == .admin ? "an" : "a") \(role.rawValue); give the socket a group of its own (custody-clients)")
        }

        var services: [ServiceGroupConfiguration.ServiceConfiguration] = [
            .init(service: IngestService(engine: engine)),
            .init(service: LedgerService(
                signer: signer, interval: .seconds(config.ledger.checkpointIntervalSeconds),
                verifyInterval: config.ledger.verifyIntervalSeconds > 0 ? .seconds(config.ledger.verifyIntervalSeconds) : nil,
                verifyFull: config.ledger.verifyFull, logger: logger)),
        ]
        if let devices = try makeDeviceManager(store: store, engine: engine, logger: logger) {
            services.append(.init(service: DeviceService(manager: devices)))
        }
        services.append(.init(service: SpaceService(gate: space, store: store, interval: .seconds(config.space.checkIntervalSeconds),
                                                    notifier: notifier, logger: logger)))
        if let timeout = SystemdNotifier.watchdogTimeout() {
            let notifier = self.notifier
            services.append(.init(service: WatchdogService(watchdog: Watchdog(
                timeout: timeout, logger: logger, ping: { notifier.watchdog() },
                probe: WatchdogService.probe(server: server, store: store)))))
            logger.info("watchdog: pinging every \(timeout / 2)")
        }
        // After ingest: services stop in reverse order, so sessions end and their last
        // segments are filed while ingest still runs.
        services.append(.init(service: RecordingService(manager: recordings)))

        let notifier = self.notifier
        let totals = try store.totals()
        let control = ControlService(server: server) {
            notifier.ready(status: "serving \(totals.items) items on \(config.control.socket)")
        }
        let group = ServiceGroup(configuration: .init(
            services: services + [.init(service: control)],
            gracefulShutdownSignals: [.sigterm, .sigint],
            cancellationSignals: [],
            logger: logger))
        do {
            try await group.run()
        } catch {
            notifier.stopping()
            try? store.record(EventInput(actor: .daemon, action: "daemon.stop", subject: "daemon", outcome: "error",
                                         detail: ["error": .string("\(error)")]))
            throw error
        }
        notifier.stopping()
        try store.record(EventInput(actor: .daemon, action: "daemon.stop", subject: "daemon"))
        logger.info("stopped")
    }

    /// The device manager, when docking is enabled and USB can be used. A bad
    /// catalog entry is a configuration error; USB missing is only a warning.
    func makeDeviceManager(store: LocalStore, engine: IngestEngine, logger: Logger) throws -> DeviceManager? {
        guard config.devices.enabled else { return nil }
        let catalog: DeviceCatalog
        do {
            catalog = try DeviceCatalog.load(directories: config.devices.catalog)
        } catch {
            throw ConfigError(file: error.file, line: error.line, key: nil, message: "device catalog: \(error.message)")
        }
        let bus: LibUSBBus
        do {
            bus = try LibUSBBus(sysfs: .fromEnvironment())
        } catch {
            logger.warning("USB is not available (\(error)); devices will not be detected")
            return nil
        }
        // Mass storage appears through udev after its USB device: its disks are followed, never polled for.
        let blockDevices: UdevBlockWatcher?
        do {
            blockDevices = try UdevBlockWatcher()
        } catch {
            logger.warning("udev is not available (\(error)); a docked camera's storage and a reader's media will not be seen")
            blockDevices = nil
        }
        logger.info("docking: \(catalog.entries.count) catalog entries from \(config.devices.catalog.joined(separator: ", "))")
        return DeviceManager(bus: bus, blockDevices: blockDevices, catalog: catalog, drivers: DriverRegistry([MassStorageDriver()]),
                             docks: store, engine: engine, sysfs: .fromEnvironment(),
                             options: .init(autoIngestKinds: Set(config.devices.autoIngest)), logger: logger)
    }
}
