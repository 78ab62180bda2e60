import CustodyCore
import CustodyProtocol
import Foundation
import GRDB

/// A device as the device manager saw it dock.
public struct DockRecord: Sendable, Equatable {
    public var device: USBDeviceDescription
    public var model: String?
    public var kind: DeviceKind?
    public var driver: DriverKind?
    /// "file:line" of the catalog entry that matched; nil when unsupported.
    public var catalogEntry: String?
    public var blockDevice: String?
    public var alsaCard: String?
    public var state: DeviceState
    public var message: String?

    public init(device: USBDeviceDescription, model: String?, kind: DeviceKind?, driver: DriverKind?, catalogEntry: String?,
                blockDevice: String?, alsaCard: String?, state: DeviceState, message: String?) {
        self.device = device; self.model = model; self.kind = kind; self.driver = driver; self.catalogEntry = catalogEntry
        self.blockDevice = blockDevice; self.alsaCard = alsaCard; self.state = state; self.message = message
    }
}

/// Where docks are recorded: every dock and undock is a custody event.
public protocol DockStore: Sendable {
    /// Records a dock (and the device in the registry); returns the dock's id.
    func recordDock(_ dock: DockRecord, actor: Caller) throws -> Int64
    /// A dock's new state, message and job.
    func updateDock(_ id: Int64, state: DeviceState, message: String?, jobID: Int64?) throws
    /// Records the device's removal.
    func recordUndock(_ id: Int64, actor: Caller) throws
    /// Docks, newest first; with `presentOnly`, those not removed.
    func docks(presentOnly: Bool, limit: Int) throws -> [DeviceDTO]
    /// The newest interrupted job of the device with this serial, to resume at the next dock.
    func interruptedJob(deviceSerial: String) throws -> Int64?
    /// Marks docks left present by a previous run as removed (at start-up).
    func closeStaleDocks(actor: Caller) throws
}

extension LocalStore: DockStore {
    public func recordDock(_ dock: DockRecord, actor: Caller) throws -> Int64 {
        try db.write { db in
            let d = dock.device
            let time = now
            try db.execute(sql: """
                INSERT INTO docks (device_serial, vendor_id, product_id, manufacturer, product, model, kind, driver, catalog_entry,
                                   bus_path, block_device, alsa_card, state, message, docked_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """, arguments: [d.serial, Int64(d.vendorID), Int64(d.productID), d.manufacturer, d.product, dock.model,
                                 dock.kind?.rawValue, dock.driver?.rawValue, dock.catalogEntry, d.busPath, dock.blockDevice,
                                 dock.alsaCard, dock.state.rawValue, dock.message, time])
            let id = db.lastInsertedRowID
            if let serial = d.serial {
                try db.execute(sql: """
                    INSERT INTO devices (serial, vendor_id, product_id, manufacturer, product, model, kind, first_seen, last_seen)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                    ON CONFLICT(serial) DO UPDATE SET vendor_id = excluded.vendor_id, product_id = excluded.product_id,
                        manufacturer = excluded.manufacturer, product = excluded.product, model = excluded.model,
                        kind = excluded.kind, last_seen = excluded.last_seen
                    """, arguments: [serial, Int64(d.vendorID), Int64(d.productID), d.manufacturer, d.product, dock.model,
                                     dock.kind?.rawValue, time, time])
            }
            var detail: [String: JSONValue] = [
                "vendorId": .string(d.vendorHex), "productId": .string(d.productHex), "busPath": .string(d.busPath),
                "serial": d.serial.map { .string($0) } ?? .null, "model": dock.model.map { .string($0) } ?? .null,
                "kind": dock.kind.map { .string($0.rawValue) } ?? .null, "driver": dock.driver.map { .string($0.rawValue) } ?? .null,
                "state": .string(dock.state.rawValue),
            ]
            if let block = dock.blockDevice { detail["blockDevice"] = .string(block) }
            if let card = dock.alsaCard { detail["alsaCard"] = .string(card) }
            if let entry = dock.catalogEntry { detail["catalogEntry"] = .string(entry) }
            try insertEvent(db, EventInput(actor: actor, action: "device.dock", subject: "dock:\(id)",
                                           outcome: dock.state == .unsupported ? "unsupported" : "ok", detail: detail))
            return id
        }
    }

    public func updateDock(_ id: Int64, state: DeviceState, message: String?, jobID: Int64?) throws {
        try db.write { db in
            try db.execute(sql: "UPDATE docks SET state = ?, message = ?, job_id = coalesce(?, job_id) WHERE id = ?",
                           arguments: [state.rawValue, message, jobID, id])
            if let jobID { try db.execute(sql: "UPDATE jobs SET dock_id = ? WHERE id = ?", arguments: [id, jobID]) }
        }
    }

    public func recordUndock(_ id: Int64, actor: Caller) throws {
        try db.write { db in
            try db.execute(sql: "UPDATE docks SET state = 'removed', undocked_at = ? WHERE id = ?", arguments: [now, id])
            let row = try Row.fetchOne(db, sql: "SELECT device_serial, bus_path, job_id FROM docks WHERE id = ?", arguments: [id])
            var detail: [String: JSONValue] = [:]
            if let row {
                detail["busPath"] = .string(row["bus_path"])
                detail["serial"] = (row["device_serial"] as String?).map { .string($0) } ?? .null
                if let job = row["job_id"] as Int64? { detail["job"] = .number(Double(job)) }
            }
            try insertEvent(db, EventInput(actor: actor, action: "device.undock", subject: "dock:\(id)", detail: detail))
        }
    }

    public func docks(presentOnly: Bool, limit: Int) throws -> [DeviceDTO] {
        try db.read { db in
            let filter = presentOnly ? "WHERE docks.state <> 'removed'" : ""
            let sql = """
                SELECT docks.*, jobs.state AS job_state FROM docks LEFT JOIN jobs ON jobs.id = docks.job_id
                \(filter) ORDER BY docks.id DESC LIMIT ?
                """
            return try Row.fetchAll(db, sql: sql, arguments: [limit]).map { row in
                var state = DeviceState(rawValue: row["state"]) ?? .error
                // An ingesting dock follows its job: done when every file is stored, error otherwise.
                if state == .ingesting, let job = (row["job_state"] as String?).flatMap(JobState.init(rawValue:)) {
                    switch job {
                    case .queued, .running: state = .ingesting
                    case .completed: state = .done
                    case .completedWithErrors, .failed, .interrupted: state = .error
                    }
                }
                return DeviceDTO(id: row["id"], vendorId: USBDeviceDescription.hex4(UInt16(row["vendor_id"] as Int64)),
                          productId: USBDeviceDescription.hex4(UInt16(row["product_id"] as Int64)), serial: row["device_serial"],
                          manufacturer: row["manufacturer"], product: row["product"], model: row["model"], kind: row["kind"],
                          driver: row["driver"], state: state, busPath: row["bus_path"],
                          blockDevice: row["block_device"], alsaCard: row["alsa_card"], dockedAt: row["docked_at"],
                          undockedAt: row["undocked_at"], jobId: row["job_id"], message: row["message"])
            }
        }
    }

    public func interruptedJob(deviceSerial: String) throws -> Int64? {
        try db.read { db in
            try Int64.fetchOne(db, sql: "SELECT id FROM jobs WHERE device_serial = ? AND state = 'interrupted' ORDER BY id DESC LIMIT 1",
                               arguments: [deviceSerial])
        }
    }

    public func closeStaleDocks(actor: Caller) throws {
        let stale = try db.read { db in try Int64.fetchAll(db, sql: "SELECT id FROM docks WHERE state <> 'removed'") }
        for id in stale { try recordUndock(id, actor: actor) }
    }
}
