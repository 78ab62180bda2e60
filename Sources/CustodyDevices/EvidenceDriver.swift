import CustodyCatalog
import CustodyCore
import CustodyIngest

/// What a driver says of a docked device (or of one slot of it).
public enum ProbeResult: Sendable, Equatable {
    /// It can read it now; `medium` identifies what it would read, where media are
    /// removable (an interrupted job of the same medium is resumed instead of a new one).
    case supported(medium: Medium?)
    /// It cannot (the reason is shown to the operator and written to the journal); the
    /// device or slot is left alone until its medium changes.
    case unsupported(String)
    /// Nothing to read yet (its storage has not appeared, its slot is empty): it waits,
    /// and is asked again only when its storage changes (a disk added, a medium inserted).
    case deferred(String)
}

/// A docked device as the drivers see it; for mass storage, one slot of it.
public struct DockedDevice: Sendable, Equatable {
    public var dockID: Int64
    public var description: USBDeviceDescription
    public var entry: CatalogEntry
    /// Mass storage: the slot's block device node, e.g. "/dev/sdb".
    public var blockDevice: String?
    /// Audio interfaces: the ALSA card id, e.g. "Courtroom3".
    public var alsaCard: String?
    /// Mass storage: which logical unit of the device this is.
    public var slot: StorageSlot?

    public init(dockID: Int64, description: USBDeviceDescription, entry: CatalogEntry, blockDevice: String?, alsaCard: String?,
                slot: StorageSlot? = nil) {
        self.dockID = dockID; self.description = description; self.entry = entry
        self.blockDevice = blockDevice; self.alsaCard = alsaCard; self.slot = slot
    }
}

/// A family of devices (mass storage, PTP, MTP, ALSA capture): `probe`, then
/// ingest. Each driver lives in its own module under `Sources/CustodyDrivers/` and gives
/// the engine its sources (`SourceDriver`, `EvidenceSource`); the daemon registers it
/// here and with the engine. `CustodyTestSupport` has fakes.
public protocol EvidenceDriver: Sendable {
    /// The catalog's name for this driver.
    var kind: DriverKind { get }
    /// Whether its media are block devices: then every logical unit of a docked device
    /// is a slot, probed when its disk appears and whenever its medium changes.
    var readsBlockDevices: Bool { get }
    /// Whether this driver can read the device (or slot) now. Called once per change of
    /// its storage, never in a loop.
    func probe(_ device: DockedDevice) async -> ProbeResult
    /// Starts the ingest job of the device's (or slot's) recordings; returns its id.
    func startIngest(_ device: DockedDevice, engine: IngestEngine) async throws -> Int64
    /// Resumes an interrupted job of the same device or medium, reading it where it is now.
    func resumeIngest(_ job: Int64, _ device: DockedDevice, engine: IngestEngine) throws
}

extension EvidenceDriver {
    public var readsBlockDevices: Bool { false }

    public func resumeIngest(_ job: Int64, _ device: DockedDevice, engine: IngestEngine) throws {
        try engine.resume(job, caller: .daemon)
    }
}

/// The drivers this build has, by kind.
public struct DriverRegistry: Sendable {
    private let drivers: [DriverKind: any EvidenceDriver]

    public init(_ drivers: [any EvidenceDriver] = []) {
        var byKind: [DriverKind: any EvidenceDriver] = [:]
        for d in drivers { byKind[d.kind] = d }
        self.drivers = byKind
    }

    public func driver(for kind: DriverKind) -> (any EvidenceDriver)? { drivers[kind] }
}
