import CustodyCore
import CustodyIngest
import CustodyModel
import CustodyStore
import CustodyUdev
import Logging

/// Slots: each logical unit of a docked mass-storage device, followed through udev.
extension DeviceManager {
    /// The disks already known that are logical units of `device`, by slot number.
    func storageSlots(of device: USBDeviceDescription) -> [(disk: BlockDisk, storage: StorageSlot)] {
        table.withLock { t in
            t.disks.values.compactMap { disk in StorageSlot.locate(disk, busPath: device.busPath).map { (disk, $0) } }
        }.sorted { $0.storage.lun < $1.storage.lun }
    }

    /// A disk came, changed or went: the slot it is (if its device is docked) is probed
    /// again when its medium may have changed, and loses its job when it is gone.
    func blockChanged(_ change: BlockEvent, input: AsyncStream<Event>.Continuation, group: inout DiscardingTaskGroup) async {
        let disk = change.disk
        let previous = table.withLock { t -> BlockDisk? in
            let before = t.disks[disk.syspath]
            if case .removed = change { t.disks[disk.syspath] = nil } else { t.disks[disk.syspath] = disk }
            return before
        }
        // Only docks whose media are read by a block-device driver; a disk of no dock is only remembered.
        guard let (busPath, storage) = table.withLock({ t -> (String, StorageSlot)? in
            for (busPath, dock) in t.docks where dock.reads && dock.driver?.readsBlockDevices == true {
                if let storage = StorageSlot.locate(disk, busPath: busPath) { return (busPath, storage) }
            }
            return nil
        }) else { return }
        let known = table.withLock { $0.docks[busPath]?.slots[storage.lun] != nil }
        switch change {
        case .added where !known, .changed where !known:
            slotAppeared(storage, disk: disk, busPath: busPath, input: input, group: &group)
        case .added, .changed:
            // A `change` that changes nothing a reader cares about (a property refreshed) is not a new medium.
            let mediumMayHaveChanged = disk.mediaChanged || disk.ejectRequested || disk.sizeBytes != previous?.sizeBytes
                || { if case .added = change { return true } else { return false } }()
            guard mediumMayHaveChanged, let dockID = table.withLock({ $0.docks[busPath]?.dockID }) else { return }
            table.withLock { $0.docks[busPath]?.slots[storage.lun]?.sizeBytes = disk.sizeBytes }
            startProbe(SlotKey(busPath: busPath, dockID: dockID, lun: storage.lun), input: input, group: &group)
        case .removed:
            await slotGone(storage, busPath: busPath)
        }
    }

    /// A logical unit of a docked device appeared (with the device, or later): probed.
    func slotAppeared(_ storage: StorageSlot, disk: BlockDisk, busPath: String, input: AsyncStream<Event>.Continuation,
                      group: inout DiscardingTaskGroup) {
        let node = locator.sysfs.devPath(storage.disk)
        guard let dockID = table.withLock({ t -> Int64? in
            guard t.docks[busPath] != nil else { return nil }
            t.incarnations += 1
            t.docks[busPath]?.slots[storage.lun] = .init(incarnation: t.incarnations, storage: storage, node: node, sizeBytes: disk.sizeBytes)
            return t.docks[busPath]?.dockID
        }) else { return }
        logger.info("\(node) appeared: slot \(storage.lun) (\(storage.scsiAddress)) of the device at \(busPath)",
                    metadata: fields(busPath, lun: storage.lun))
        startProbe(SlotKey(busPath: busPath, dockID: dockID, lun: storage.lun), input: input, group: &group)
    }

    /// A logical unit is gone (its disk removed while the device stays docked).
    func slotGone(_ storage: StorageSlot, busPath: String) async {
        guard let slot = table.withLock({ $0.docks[busPath]?.slots.removeValue(forKey: storage.lun) }) else { return }
        if let job = slot.job {
            engine.interrupt(job, reason: "\(slot.node ?? storage.disk) went away during the job; resumed when its medium is docked again")
        }
        guard let dockID = table.withLock({ $0.docks[busPath]?.dockID }) else { return }
        // The slot's last medium and job stay on record beside its removal.
        await write(slot: DockSlotRecord(slot: storage.lun, blockDevice: slot.node ?? storage.disk, state: .removed,
                                         medium: slot.written?.medium, jobID: slot.written?.jobID, message: "its disk went away"),
                    dockID: dockID)
        await writeDock(busPath)
    }

    // MARK: - Probing

    /// Probes a slot, unless a probe of it is running: then once more after that one.
    func startProbe(_ slotKey: SlotKey, input: AsyncStream<Event>.Continuation, group: inout DiscardingTaskGroup) {
        var key = slotKey
        let start = table.withLock { t -> (DockTable.Dock, DockTable.Slot)? in
            guard let dock = t.docks[key.busPath], dock.dockID == key.dockID, var slot = dock.slots[key.lun] else { return nil }
            guard !slot.probing else {
                t.docks[key.busPath]?.slots[key.lun]?.dirty = true
                return nil
            }
            slot.probing = true
            t.docks[key.busPath]?.slots[key.lun] = slot
            return (dock, slot)
        }
        guard let (dock, slot) = start, let driver = dock.driver else { return }
        key.incarnation = slot.incarnation
        let docked = DockedDevice(dockID: dock.dockID, description: dock.device, entry: dock.entry, blockDevice: slot.node,
                                  alsaCard: nil, slot: slot.storage)
        let (docks, engine, probed) = (self.docks, self.engine, key)
        group.addTask {
            let outcome = await Self.probe(docked, driver: driver, reading: (slot.medium, slot.job), docks: docks, engine: engine)
            input.yield(.settled(probed, outcome))
        }
    }

    /// Asks the driver; starts the medium's job, or resumes the interrupted one that read it.
    static func probe(_ docked: DockedDevice, driver: any EvidenceDriver, reading: (medium: Medium?, job: Int64?),
                      docks: any DockStore, engine: IngestEngine) async -> SlotOutcome {
        switch await driver.probe(docked) {
        case .deferred(let why):
            return .waiting(why)
        case .unsupported(let why):
            return .unreadable(why)
        case .supported(let medium):
            if reading.job != nil && (medium == nil || medium == reading.medium) { return .unchanged }
            if let old = reading.job {
                // Another medium where one was being read: that job must not read the new one.
                engine.interrupt(old, reason: "its medium was replaced by another in \(docked.blockDevice ?? "the device")")
            }
            do {
                let serial = docked.description.serial
                // The index is asked, and the job resumed, on the store's door.
                let interrupted: Int64? = try await BlockingDoor.store.run {
                    let found: Int64? = if let medium {
                        try docks.interruptedJob(deviceSerial: serial, medium: medium.identity)
                    } else if let serial {
                        try docks.interruptedJob(deviceSerial: serial)
                    } else {
                        nil
                    }
                    // The same medium back after being pulled mid-job: that job goes on, wherever the medium is now.
                    if let found { try driver.resumeIngest(found, docked, engine: engine) }
                    return found
                }
                if let interrupted {
                    return .reading(medium, job: interrupted, resumed: true)
                }
                return .reading(medium, job: try await driver.startIngest(docked, engine: engine), resumed: false)
            } catch {
                return .failed("cannot start the ingest: \(error)")
            }
        }
    }

    /// A probe's outcome, applied on the event loop; a slot whose storage changed
    /// during the probe is probed again.
    func settle(_ key: SlotKey, _ outcome: SlotOutcome, input: AsyncStream<Event>.Continuation, group: inout DiscardingTaskGroup) async {
        let current = table.withLock { t -> (DockTable.Dock, DockTable.Slot)? in
            guard let dock = t.docks[key.busPath], dock.dockID == key.dockID, let slot = dock.slots[key.lun],
                  slot.incarnation == key.incarnation else { return nil }
            return (dock, slot)
        }
        guard let (dock, before) = current else {
            // The device (or the disk) went while it was probed: a job started meanwhile stops at once.
            if case .reading(_, let job, _) = outcome {
                engine.interrupt(job, reason: "device removed as its job began; resumed when it is docked again")
            }
            return
        }
        var slot = before
        let place = slot.node ?? "the device"
        let fields = fields(key.busPath, lun: key.lun)
        func stopReading(_ why: String) {
            guard let job = slot.job else { return }
            engine.interrupt(job, reason: why)
            slot.job = nil
            slot.medium = nil
        }
        switch outcome {
        case .unchanged:
            break
        case .waiting(let why):
            let pulled = slot.job.map { job in "\(slot.medium?.summary ?? "its medium") was taken out during job \(job); insert it again, in any slot, to resume" }
            if let pulled { logger.info("\(place): \(pulled)", metadata: fields) }
            stopReading("the medium was taken out of \(place) during the job; resumed when it is inserted again")
            slot.state = .waitingForMedium
            slot.message = pulled.map { "\(why); \($0)" } ?? why
        case .unreadable(let why):
            stopReading("the medium in \(place) changed during the job and cannot be read: \(why)")
            slot.state = .error
            slot.message = why
            logger.warning("\(dock.entry.name) serial \(dock.device.serial ?? "-"): the medium in \(place) cannot be read: \(why)",
                           metadata: fields)
        case .failed(let why):
            slot.state = .error
            slot.message = why
            logger.warning("\(dock.entry.name) serial \(dock.device.serial ?? "-"): \(place): \(why)", metadata: fields)
        case .reading(let medium, let job, let resumed):
            if let old = slot.job, old != job { stopReading("its medium was replaced in \(place)") }
            slot.medium = medium
            slot.job = job
            slot.state = .ingesting
            slot.message = nil
            let what = "\(dock.entry.name) serial \(dock.device.serial ?? "-"), \(place)"
            let owner = JobOwner(key: key, what: what, fields: fields.mapValues { "\($0)" })
            table.withLock { $0.owners[job] = owner }
            logger.info("\(resumed ? "resumed" : "started") job \(job) for \(medium?.summary ?? "the device") in \(place)",
                        metadata: fields.merging(["job_id": "\(job)"]) { a, _ in a })
        }
        let again = slot.dirty
        slot.probing = again
        slot.dirty = false
        table.withLock { $0.docks[key.busPath]?.slots[key.lun] = slot }
        if let storage = slot.storage, let node = slot.node {
            await write(slot: DockSlotRecord(slot: storage.lun, blockDevice: node, state: slot.state, medium: slot.medium?.summary,
                                             jobID: slot.job, message: slot.message), dockID: dock.dockID)
        }
        await writeDock(key.busPath)
        if again {
            table.withLock { $0.docks[key.busPath]?.slots[key.lun]?.probing = false }
            startProbe(key, input: input, group: &group)
        }
    }

    /// A job ended: one that did not store every file is a warning, with its device.
    func jobEnded(_ end: JobEnd) {
        guard let owner = table.withLock({ $0.owners.removeValue(forKey: end.jobID) }), end.state != .completed else { return }
        var fields = owner.fields.mapValues { Logger.MetadataValue.string($0) }
        fields["job_id"] = "\(end.jobID)"
        logger.warning("job \(end.jobID) of \(owner.what) ended \(end.state.rawValue): \(end.message ?? "some files failed")", metadata: fields)
    }

    // MARK: - Records

    /// The slot row, written when it changed.
    func write(slot record: DockSlotRecord, dockID: Int64) async {
        let busPath = table.withLock { t in t.docks.first { $0.value.dockID == dockID }?.key }
        if let busPath, table.withLock({ $0.docks[busPath]?.slots[record.slot]?.written }) == record { return }
        do {
            let docks = self.docks
            try await BlockingDoor.store.run { try docks.updateSlot(dock: dockID, record) }
            if let busPath { table.withLock { $0.docks[busPath]?.slots[record.slot]?.written = record } }
        } catch {
            logger.error("cannot record slot \(record.slot) of dock \(dockID): \(error)")
        }
    }

    /// The dock row as its slots make it, written when it changed.
    func writeDock(_ busPath: String) async {
        guard let dock = table.withLock({ $0.docks[busPath] }) else { return }
        let summary = dock.summary()
        guard summary != dock.written else { return }
        do {
            let (docks, dockID) = (self.docks, dock.dockID)
            try await BlockingDoor.store.run { try docks.updateDock(dockID, state: summary.state, message: summary.message, jobID: summary.job) }
            table.withLock { $0.docks[busPath]?.written = summary }
        } catch {
            logger.error("cannot record the state of dock \(dock.dockID): \(error)", metadata: Self.journalFields(dock.device))
        }
    }

    /// The device's journal fields, with the slot (DEVICE_SLOT) and its node (DEVICE_NODE).
    func fields(_ busPath: String, lun: Int) -> Logger.Metadata {
        guard let dock = table.withLock({ $0.docks[busPath] }) else { return ["device_bus_path": "\(busPath)"] }
        var fields = Self.journalFields(dock.device)
        if lun != SlotKey.wholeDevice { fields["device_slot"] = "\(lun)" }
        if let node = dock.slots[lun]?.node { fields["device_node"] = "\(node)" }
        return fields
    }
}
