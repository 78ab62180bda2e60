import CustodyCatalog
import CustodyCore
import CustodyIngest
import CustodyModel
import CustodyStore
import CustodyUdev

/// What the device manager knows of the devices docked now and of every whole disk
/// udev has announced. Only the manager's event loop changes it, one event at a time.
struct DockTable {
    /// Docks present now, by bus path.
    var docks: [String: Dock] = [:]
    /// Every whole disk present, by sysfs path, whether or not a dock is known for it
    /// yet (a disk's event may be handled before its USB device's arrival).
    var disks: [String: BlockDisk] = [:]
    /// The slot each job read, by job id, until the job ends (its device may be gone by then).
    var owners: [Int64: JobOwner] = [:]
    /// Events handled so far.
    var handled = 0
    /// Numbers each slot as it appears, so that a probe of a slot that went and came back
    /// is not taken for a probe of the new one.
    var incarnations = 0

    /// A docked device, matched and recorded.
    struct Dock {
        var dockID: Int64
        var device: USBDeviceDescription
        var entry: CatalogEntry
        var driver: (any EvidenceDriver)?
        /// Whether its media are read as they come (automatic ingest on, a driver there).
        var reads: Bool
        /// Mass storage: its logical units, by number. Other drivers: one, numbered
        /// ``SlotKey/wholeDevice``.
        var slots: [Int: Slot] = [:]
        /// What was last written to its dock row (state, message, job).
        var written: Summary?
    }

    /// One logical unit (or, for drivers without block devices, the device as a whole).
    struct Slot {
        /// Which appearance of the slot this is (``DockTable/incarnations``).
        var incarnation = 0
        var storage: StorageSlot?
        var node: String?
        /// The disk's size when last seen (to tell a changed medium from a spurious `change`).
        var sizeBytes: UInt64?
        /// waitingForMedium, ingesting (its medium is read by `job`) or error, and why.
        var state: DeviceState = .waitingForMedium
        var message: String?
        /// The medium being read, and its job.
        var medium: Medium?
        var job: Int64?
        /// A probe is running; `dirty`: its storage changed meanwhile, probe again after it.
        var probing = false
        var dirty = false
        /// What was last written to its slot row.
        var written: DockSlotRecord?
    }

    /// A dock row's state, message and job.
    struct Summary: Equatable {
        var state: DeviceState
        var message: String?
        var job: Int64?
    }
}

/// Names one slot of one dock (a dock id, since a bus path is reused by the next device).
struct SlotKey: Hashable, Sendable {
    var busPath: String
    var dockID: Int64
    var lun: Int
    /// The slot's appearance the probe was about (set by `startProbe`).
    var incarnation = 0

    /// The slot number standing for a whole device read without block devices (PTP, MTP).
    static let wholeDevice = -1
}

/// Whose a job is: the dock's slot, and what the journal says of it (kept, since the
/// job may end after its device was pulled).
struct JobOwner: Sendable {
    var key: SlotKey
    /// "Custody Test Card Reader serial CRD0000050, /dev/sdc"
    var what: String
    var fields: [String: String]
}

/// What a probe of a slot came to, handed back to the event loop.
enum SlotOutcome: Sendable {
    /// Nothing to read (no storage yet, no medium): waiting, and why.
    case waiting(String)
    /// A medium it cannot read.
    case unreadable(String)
    /// The medium being read already: nothing to do.
    case unchanged
    /// Its medium is read by this job (started, or an interrupted one resumed).
    case reading(Medium?, job: Int64, resumed: Bool)
    /// The job could not be started.
    case failed(String)
}

extension DockTable.Dock {
    /// The dock row as its slots make it: ingesting while a medium is read, error when
    /// what is there cannot be read, waiting while there is nothing to read.
    func summary() -> DockTable.Summary {
        let all = slots.values.sorted { $0.storage?.lun ?? -1 < $1.storage?.lun ?? -1 }
        if let newest = all.compactMap(\.job).max() { return .init(state: .ingesting, message: nil, job: newest) }
        if let failed = all.first(where: { $0.state == .error }) {
            return .init(state: .error, message: failed.message, job: nil)
        }
        if let whole = slots[SlotKey.wholeDevice] { return .init(state: .waitingForMedium, message: whole.message, job: nil) }
        let nodes = all.compactMap(\.node)
        let message: String
        switch nodes.count {
        case 0: message = "waiting for its storage to appear" + (storageHint.map { " (\($0))" } ?? "")
        case 1: message = "no medium in \(nodes[0]): waiting for one to be inserted"
        default: message = "no medium in its \(nodes.count) slots (\(nodes.joined(separator: ", "))): waiting for one to be inserted"
        }
        return .init(state: .waitingForMedium, message: message, job: nil)
    }

    /// The catalog's idea of how long this model takes to present its storage.
    var storageHint: String? {
        entry.options.storageDelaySeconds.map { "its catalog entry says \(entry.name) presents it about \($0) s after docking" }
    }
}
