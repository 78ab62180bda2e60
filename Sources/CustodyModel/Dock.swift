/// States of a docked device (and of each slot of a mass-storage one).
public enum DeviceState: String, Sendable, CaseIterable {
    /// Present; no job running (automatic ingest off, or no driver yet).
    case docked
    /// Present, waiting for its storage to appear or for a medium in a slot; nothing is
    /// read or polled meanwhile (`waitingSince` says since when, `message` what it waits for).
    case waitingForMedium
    /// Its ingest job is running.
    case ingesting
    /// Its job ended and every file was stored.
    case done
    /// Its job ended with errors, or the driver could not read it.
    case error
    /// Unplugged.
    case removed
    /// No catalog entry matches it: left alone.
    case unsupported
}

/// A device as docked: each docking is one, with its own id.
public struct Dock: Sendable, Equatable {
    /// The dock's id.
    public var id: Int64
    /// Four lowercase hex digits.
    public var vendorId: String
    public var productId: String
    public var serial: String?
    public var manufacturer: String?
    public var product: String?
    /// Model name from the catalog; nil when unsupported.
    public var model: String?
    public var kind: String?
    public var driver: String?
    public var state: DeviceState
    /// USB port path as in sysfs, e.g. "1-2.3".
    public var busPath: String
    /// Mass storage: its block device, e.g. "/dev/sdb".
    public var blockDevice: String?
    /// Audio interfaces: the ALSA card id, e.g. "Courtroom3".
    public var alsaCard: String?
    public var dockedAt: String
    public var undockedAt: String?
    /// The job this dock started (or resumed) last; each slot's is in `slots`.
    public var jobId: Int64?
    public var message: String?
    /// While `waitingForMedium`: since when (RFC 3339, UTC); nil otherwise.
    public var waitingSince: String?
    /// Mass storage: each logical unit (a camera's storage, each slot of a card reader)
    /// with its medium and job, by slot number; empty for other drivers.
    public var slots: [DockSlot]

    public init(id: Int64, vendorId: String, productId: String, serial: String?, manufacturer: String?, product: String?,
                model: String?, kind: String?, driver: String?, state: DeviceState, busPath: String, blockDevice: String?,
                alsaCard: String?, dockedAt: String, undockedAt: String?, jobId: Int64?, message: String?,
                waitingSince: String? = nil, slots: [DockSlot] = []) {
        self.id = id; self.vendorId = vendorId; self.productId = productId; self.serial = serial
        self.manufacturer = manufacturer; self.product = product; self.model = model; self.kind = kind; self.driver = driver
        self.state = state; self.busPath = busPath; self.blockDevice = blockDevice; self.alsaCard = alsaCard
        self.dockedAt = dockedAt; self.undockedAt = undockedAt; self.jobId = jobId; self.message = message
        self.waitingSince = waitingSince; self.slots = slots
    }
}

/// One slot of a docked mass-storage device: a logical unit with its own block device,
/// whose medium is read as a job of its own.
public struct DockSlot: Sendable, Equatable {
    /// The logical unit number (0 for a camera's storage; 0, 1, … for a reader's slots).
    public var slot: Int
    /// Its block device now, e.g. "/dev/sdc".
    public var blockDevice: String
    /// waitingForMedium (no medium), ingesting (its job runs), done (its job stored
    /// every file), error (its medium could not be read, or its job ended with errors),
    /// removed (the logical unit is gone).
    public var state: DeviceState
    /// When the slot entered that state (RFC 3339, UTC).
    public var since: String
    /// The medium in it: its volumes' types, labels and serials; nil when none.
    public var medium: String?
    /// The job reading (or that read) its medium; nil when none.
    public var jobId: Int64?
    public var message: String?

    public init(slot: Int, blockDevice: String, state: DeviceState, since: String, medium: String?, jobId: Int64?, message: String?) {
        self.slot = slot; self.blockDevice = blockDevice; self.state = state; self.since = since
        self.medium = medium; self.jobId = jobId; self.message = message
    }
}
