import CustodyCatalog
import CustodyCore
import CustodyIngest

/// What a driver says of a docked device.
public enum ProbeResult: Sendable, Equatable {
    /// It can read this device.
    case supported
    /// It cannot (the reason is shown to the operator); the device is left alone.
    case unsupported(String)
    /// Not yet (its block device or ALSA card has not appeared): ask again shortly.
    case deferred(String)
}

/// A docked device as the drivers see it.
public struct DockedDevice: Sendable, Equatable {
    public var dockID: Int64
    public var description: USBDeviceDescription
    public var entry: CatalogEntry
    /// Mass storage: its block device node, e.g. "/dev/sdb".
    public var blockDevice: String?
    /// Audio interfaces: the ALSA card id, e.g. "Courtroom3".
    public var alsaCard: String?

    public init(dockID: Int64, description: USBDeviceDescription, entry: CatalogEntry, blockDevice: String?, alsaCard: String?) {
        self.dockID = dockID; self.description = description; self.entry = entry
        self.blockDevice = blockDevice; self.alsaCard = alsaCard
    }
}

/// A family of devices (mass storage, PTP, MTP, ALSA capture): `probe`, then
/// ingest. Each driver lives in its own module; `CustodyTestSupport` has fakes.
public protocol EvidenceDriver: Sendable {
    /// The catalog's name for this driver.
    var kind: DriverKind { get }
    /// Whether this driver can read the device now.
    func probe(_ device: DockedDevice) async -> ProbeResult
    /// Starts the ingest job of the device's recordings; returns its id.
    func startIngest(_ device: DockedDevice, engine: IngestEngine) async throws -> Int64
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
