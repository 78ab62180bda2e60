import CustodyModel

/// A device as docked: `GET /v1/devices`, `custodyctl devices`.
public struct DeviceDTO: Sendable, Codable, Equatable {
    /// The dock's id (each docking is one).
    public var id: Int64
    /// Four lowercase hex digits.
    public var vendorId: String
    public var productId: String
    public var serial: String?
    public var manufacturer: String?
    public var product: String?
    /// Model name from the catalog; null when unsupported.
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
    /// While `waitingForMedium`: since when (RFC 3339, UTC); null otherwise.
    public var waitingSince: String?
    /// Mass storage: each logical unit (a camera's storage, each slot of a card reader)
    /// with its medium and job, by slot number; empty for other drivers.
    public var slots: [DeviceSlotDTO]

    public init(id: Int64, vendorId: String, productId: String, serial: String?, manufacturer: String?, product: String?,
                model: String?, kind: String?, driver: String?, state: DeviceState, busPath: String, blockDevice: String?,
                alsaCard: String?, dockedAt: String, undockedAt: String?, jobId: Int64?, message: String?,
                waitingSince: String? = nil, slots: [DeviceSlotDTO] = []) {
        self.id = id; self.vendorId = vendorId; self.productId = productId; self.serial = serial
        self.manufacturer = manufacturer; self.product = product; self.model = model; self.kind = kind; self.driver = driver
        self.state = state; self.busPath = busPath; self.blockDevice = blockDevice; self.alsaCard = alsaCard
        self.dockedAt = dockedAt; self.undockedAt = undockedAt; self.jobId = jobId; self.message = message
        self.waitingSince = waitingSince; self.slots = slots
    }

    /// Optional fields are always written (null when unknown): scripts rely on the keys.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(id, forKey: .id)
        try c.encode(vendorId, forKey: .vendorId)
        try c.encode(productId, forKey: .productId)
        try c.encode(serial, forKey: .serial)
        try c.encode(manufacturer, forKey: .manufacturer)
        try c.encode(product, forKey: .product)
        try c.encode(model, forKey: .model)
        try c.encode(kind, forKey: .kind)
        try c.encode(driver, forKey: .driver)
        try c.encode(state, forKey: .state)
        try c.encode(busPath, forKey: .busPath)
        try c.encode(blockDevice, forKey: .blockDevice)
        try c.encode(alsaCard, forKey: .alsaCard)
        try c.encode(dockedAt, forKey: .dockedAt)
        try c.encode(undockedAt, forKey: .undockedAt)
        try c.encode(jobId, forKey: .jobId)
        try c.encode(message, forKey: .message)
        try c.encode(waitingSince, forKey: .waitingSince)
        try c.encode(slots, forKey: .slots)
    }
}

/// One slot of a docked mass-storage device: a logical unit with its own block device,
/// whose medium is read as a job of its own.
public struct DeviceSlotDTO: Sendable, Codable, Equatable {
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
    /// The medium in it: its volumes' types, labels and serials; null when none.
    public var medium: String?
    /// The job reading (or that read) its medium; null when none.
    public var jobId: Int64?
    public var message: String?

    public init(slot: Int, blockDevice: String, state: DeviceState, since: String, medium: String?, jobId: Int64?, message: String?) {
        self.slot = slot; self.blockDevice = blockDevice; self.state = state; self.since = since
        self.medium = medium; self.jobId = jobId; self.message = message
    }

    /// Optional fields are always written (null when unknown): scripts rely on the keys.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(slot, forKey: .slot)
        try c.encode(blockDevice, forKey: .blockDevice)
        try c.encode(state, forKey: .state)
        try c.encode(since, forKey: .since)
        try c.encode(medium, forKey: .medium)
        try c.encode(jobId, forKey: .jobId)
        try c.encode(message, forKey: .message)
    }
}

/// `GET /v1/devices` answer.
public struct DeviceListDTO: Sendable, Codable, Equatable {
    public var devices: [DeviceDTO]
    public init(devices: [DeviceDTO]) { self.devices = devices }
}
