/// States of a docked device.
public enum DeviceState: String, Sendable, Codable, CaseIterable {
    /// Present; no job running (automatic ingest off, or no driver yet).
    case docked
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
    /// The job this dock started (or resumed).
    public var jobId: Int64?
    public var message: String?

    public init(id: Int64, vendorId: String, productId: String, serial: String?, manufacturer: String?, product: String?,
                model: String?, kind: String?, driver: String?, state: DeviceState, busPath: String, blockDevice: String?,
                alsaCard: String?, dockedAt: String, undockedAt: String?, jobId: Int64?, message: String?) {
        self.id = id; self.vendorId = vendorId; self.productId = productId; self.serial = serial
        self.manufacturer = manufacturer; self.product = product; self.model = model; self.kind = kind; self.driver = driver
        self.state = state; self.busPath = busPath; self.blockDevice = blockDevice; self.alsaCard = alsaCard
        self.dockedAt = dockedAt; self.undockedAt = undockedAt; self.jobId = jobId; self.message = message
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
    }
}

/// `GET /v1/devices` answer.
public struct DeviceListDTO: Sendable, Codable, Equatable {
    public var devices: [DeviceDTO]
    public init(devices: [DeviceDTO]) { self.devices = devices }
}
