import CustodyCore
import CustodyModel
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

/// One slot of a docked mass-storage device as the device manager saw it last.
public struct DockSlotRecord: Sendable, Equatable {
    /// The logical unit number.
    public var slot: Int
    /// Its block device now, e.g. "/dev/sdc".
    public var blockDevice: String
    /// `waitingForMedium`, `ingesting` (its job was started or resumed: the job's state
    /// tells the rest), `error` (its medium cannot be read) or `removed`.
    public var state: DeviceState
    /// The medium in it as shown to operators (volumes' types, labels, serials).
    public var medium: String?
    public var jobID: Int64?
    public var message: String?

    public init(slot: Int, blockDevice: String, state: DeviceState, medium: String? = nil, jobID: Int64? = nil, message: String? = nil) {
        self.slot = slot; self.blockDevice = blockDevice; self.state = state; self.medium = medium; self.jobID = jobID
        self.message = message
    }
}

/// Where docks are recorded: every dock and undock is a custody event.
public protocol DockStore: Sendable {
    /// Records a dock (and the device in the registry); returns the dock's id.
    func recordDock(_ dock: DockRecord, actor: Caller) throws -> Int64
    /// A dock's new state, message and job. Entering `waitingForMedium` records since
    /// when; staying in it keeps that time.
    func updateDock(_ id: Int64, state: DeviceState, message: String?, jobID: Int64?) throws
    /// A slot's new state (the slot is added the first time); its `since` changes only
    /// with its state. A job given here is attributed to the dock.
    func updateSlot(dock id: Int64, _ slot: DockSlotRecord) throws
    /// Records the device's removal.
    func recordUndock(_ id: Int64, actor: Caller) throws
    /// Docks, newest first; with `presentOnly`, those not removed.
    func docks(presentOnly: Bool, limit: Int) throws -> [Dock]
    /// The newest interrupted job of the device with this serial that read no
    /// identified medium, to resume at the next dock.
    func interruptedJob(deviceSerial: String) throws -> Int64?
    /// The newest interrupted job that read this medium (``JobPlan/medium``) from the
    /// device with this serial (or from devices without one), to resume when the
    /// medium is seen again, at whatever node.
    func interruptedJob(deviceSerial: String?, medium: String) throws -> Int64?
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
                                   bus_path, block_device, alsa_card, state, message, docked_at, waiting_since)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """, arguments: [d.serial, Int64(d.vendorID), Int64(d.productID), d.manufacturer, d.product, dock.model,
                                 dock.kind?.rawValue, dock.driver?.rawValue, dock.catalogEntry, d.busPath, dock.blockDevice,
                                 dock.alsaCard, dock.state.rawValue, dock.message, time,
                                 dock.state == .waitingForMedium ? time : nil])
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
            try db.execute(sql: """
                UPDATE docks SET waiting_since = CASE WHEN ?1 <> 'waitingForMedium' THEN NULL
                                                      WHEN state = 'waitingForMedium' THEN coalesce(waiting_since, ?2) ELSE ?2 END,
                                 state = ?1, message = ?3, job_id = coalesce(?4, job_id)
                WHERE id = ?5
                """, arguments: [state.rawValue, now, message, jobID, id])
            if let jobID { try db.execute(sql: "UPDATE jobs SET dock_id = ? WHERE id = ?", arguments: [id, jobID]) }
        }
    }

    public func updateSlot(dock id: Int64, _ slot: DockSlotRecord) throws {
        try db.write { db in
            try db.execute(sql: """
                INSERT INTO dock_slots (dock_id, slot, block_device, state, since, medium, job_id, message) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT(dock_id, slot) DO UPDATE SET
                    since = CASE WHEN dock_slots.state = excluded.state THEN dock_slots.since ELSE excluded.since END,
                    block_device = excluded.block_device, state = excluded.state, medium = excluded.medium,
                    job_id = excluded.job_id, message = excluded.message
                """, arguments: [id, slot.slot, slot.blockDevice, slot.state.rawValue, now, slot.medium, slot.jobID, slot.message])
            if let job = slot.jobID {
                try db.execute(sql: "UPDATE jobs SET dock_id = ? WHERE id = ?", arguments: [id, job])
                try db.execute(sql: "UPDATE docks SET job_id = ? WHERE id = ? AND coalesce(job_id, 0) < ?", arguments: [job, id, job])
            }
        }
    }

    public func recordUndock(_ id: Int64, actor: Caller) throws {
        try db.write { db in
            // What it was waiting for is moot once it is gone.
            try db.execute(sql: """
                UPDATE docks SET state = 'removed', undocked_at = ?, waiting_since = NULL,
                                 message = CASE WHEN state = 'waitingForMedium' THEN NULL ELSE message END
                WHERE id = ?
                """, arguments: [now, id])
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

    public func docks(presentOnly: Bool, limit: Int) throws -> [Dock] {
        try db.read { db in
            let filter = presentOnly ? "WHERE docks.state <> 'removed'" : ""
            let sql = """
                SELECT docks.*, jobs.state AS job_state FROM docks LEFT JOIN jobs ON jobs.id = docks.job_id
                \(filter) ORDER BY docks.id DESC LIMIT ?
                """
            let slots = try Self.slots(db, filter: filter, limit: limit)
            return try Row.fetchAll(db, sql: sql, arguments: [limit]).map { row in
                let id: Int64 = row["id"]
                var dock = Dock(id: id, vendorId: USBDeviceDescription.hex4(UInt16(row["vendor_id"] as Int64)),
                                     productId: USBDeviceDescription.hex4(UInt16(row["product_id"] as Int64)), serial: row["device_serial"],
                                     manufacturer: row["manufacturer"], product: row["product"], model: row["model"], kind: row["kind"],
                                     driver: row["driver"],
                                     state: Self.following(DeviceState(rawValue: row["state"]) ?? .error, job: row["job_state"]),
                                     busPath: row["bus_path"], blockDevice: row["block_device"], alsaCard: row["alsa_card"],
                                     dockedAt: row["docked_at"], undockedAt: row["undocked_at"], jobId: row["job_id"],
                                     message: row["message"], waitingSince: row["waiting_since"], slots: slots[id] ?? [])
                Self.summarise(&dock)
                return dock
            }
        }
    }

    /// An ingesting dock or slot follows its job: done when every file is stored, error otherwise.
    static func following(_ state: DeviceState, job: String?) -> DeviceState {
        guard state == .ingesting, let job = job.flatMap(JobState.init(rawValue:)) else { return state }
        switch job {
        case .queued, .running: return .ingesting
        case .completed: return .done
        case .completedWithErrors, .failed, .interrupted: return .error
        }
    }

    /// The slots of the docks a listing shows, by dock, in slot order.
    private static func slots(_ db: Database, filter: String, limit: Int) throws -> [Int64: [DockSlot]] {
        let rows = try Row.fetchAll(db, sql: """
            SELECT dock_slots.*, jobs.state AS job_state, jobs.message AS job_message
            FROM dock_slots JOIN (SELECT id FROM docks \(filter) ORDER BY id DESC LIMIT ?) listed ON listed.id = dock_slots.dock_id
            LEFT JOIN jobs ON jobs.id = dock_slots.job_id
            ORDER BY dock_slots.dock_id, dock_slots.slot
            """, arguments: [limit])
        var slots: [Int64: [DockSlot]] = [:]
        for row in rows {
            let stored = DeviceState(rawValue: row["state"]) ?? .error
            let state = following(stored, job: row["job_state"])
            let job: Int64? = row["job_id"]
            // A job that ended badly says why, where the device manager had nothing to add.
            let jobEnded = (state == .error && stored == .ingesting) ? (row["job_message"] as String?).map { "job \(job ?? 0): \($0)" } : nil
            slots[row["dock_id"], default: []].append(DockSlot(
                slot: row["slot"], blockDevice: row["block_device"], state: state, since: row["since"], medium: row["medium"],
                jobId: job, message: row["message"] ?? jobEnded))
        }
        return slots
    }

    /// A present dock with slots is as its slots are: ingesting while any slot's job
    /// runs, else error if any failed, else done if any medium was read, else waiting.
    static func summarise(_ dock: inout Dock) {
        let live = dock.slots.filter { $0.state != .removed }
        guard dock.state != .removed, dock.state != .unsupported, !live.isEmpty else { return }
        let states = Set(live.map(\.state))
        let summary: DeviceState = states.contains(.ingesting) ? .ingesting : states.contains(.error) ? .error
            : states.contains(.done) ? .done : .waitingForMedium
        if summary == .error, let failed = live.first(where: { $0.state == .error }) {
            dock.message = "slot \(failed.slot): \(failed.message ?? "its job ended with errors")"
        } else if summary != dock.state {
            // The device manager's message was about another state.
            dock.message = nil
        }
        if summary == .waitingForMedium {
            dock.waitingSince = dock.waitingSince ?? live.map(\.since).min()
        } else {
            dock.waitingSince = nil
        }
        dock.state = summary
        dock.blockDevice = live.first?.blockDevice ?? dock.blockDevice
    }

    public func interruptedJob(deviceSerial: String) throws -> Int64? {
        try db.read { db in
            try Int64.fetchOne(db, sql: """
                SELECT id FROM jobs WHERE device_serial = ? AND state = 'interrupted' AND medium IS NULL ORDER BY id DESC LIMIT 1
                """, arguments: [deviceSerial])
        }
    }

    public func interruptedJob(deviceSerial: String?, medium: String) throws -> Int64? {
        try db.read { db in
            try Int64.fetchOne(db, sql: """
                SELECT id FROM jobs WHERE medium = ? AND device_serial IS ? AND state = 'interrupted' ORDER BY id DESC LIMIT 1
                """, arguments: [medium, deviceSerial])
        }
    }

    public func closeStaleDocks(actor: Caller) throws {
        let stale = try db.read { db in try Int64.fetchAll(db, sql: "SELECT id FROM docks WHERE state <> 'removed'") }
        for id in stale { try recordUndock(id, actor: actor) }
    }
}
