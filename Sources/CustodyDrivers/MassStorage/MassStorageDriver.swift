import CustodyCatalog
import CustodyCore
import CustodyDevices
import CustodyIngest
import CustodyModel
import CustodyStore
import CustodyVolumes

/// The driver of USB mass-storage cameras and recorders: their block device is opened
/// read-only and its FAT/exFAT file systems are read in user space (``CustodyVolumes``);
/// nothing is mounted, nothing on the medium can change. Which files are ingested is
/// the catalog entry's `paths` / `exclude`. Every logical unit is a slot of its own
/// (a card reader's slots, a camera's one storage), each medium its own job. The same
/// driver reads an operator's disk images and block devices (`ingest --image`,
/// `MassStorageDriver+Sources.swift`).
public struct MassStorageDriver: EvidenceDriver {
    public let kind: DriverKind = .massStorage
    public var readsBlockDevices: Bool { true }

    public init() {}

    public func probe(_ device: DockedDevice) async -> ProbeResult {
        guard let node = device.blockDevice else {
            return .deferred("its storage has not appeared yet")
        }
        return await BlockingDoor.media.run { Self.probe(node: node) }
    }

    /// Opens the node read-only and reads its partition table and boot sectors: no
    /// medium yet (size 0, `ENOMEDIUM`), a medium it cannot read, or the medium's identity.
    static func probe(node: String) -> ProbeResult {
        let opened: FileBlockDevice
        do { opened = try FileBlockDevice(path: node) } catch {
            // An empty card-reader slot: a medium to wait for, not a fault.
            if error.code == .deviceNoMedium { return .deferred("no medium in \(node)") }
            return .unsupported("cannot open \(node) read-only: \(error.message)")
        }
        // A card reader with no card, or a camera still presenting its storage: no medium yet.
        guard opened.size > 0 else { return .deferred("no medium in \(node)") }
        let device: OpenedDevice
        do { device = try VolumeOpener.open(opened) } catch {
            return .unsupported("the medium in \(node) cannot be read as evidence media: \(error.message) [\(error.code.rawValue)]")
        }
        guard let identity = MediumIdentity(volumes: device.volumes.map(\.info)) else {
            let problems = device.problems.map(\.message).joined(separator: "; ")
            return .unsupported("the medium in \(node) holds no FAT or exFAT file system" + (problems.isEmpty ? "" : ": " + problems))
        }
        return .supported(medium: Medium(identity))
    }

    public func startIngest(_ device: DockedDevice, engine: IngestEngine) async throws -> Int64 {
        guard let node = device.blockDevice else { throw IngestError(.pathNotFound, "no block device for dock \(device.dockID)") }
        let options = device.entry.options
        return try await Self.submit(node: node, deviceSerial: device.description.serial, include: { options.selects($0) },
                                     origin: Self.origin(device, node: node), engine: engine).jobID
    }

    /// Starts the job of the medium at a docked device's `node`: opened as the device
    /// manager found it (no other node, no link to check), the job keeps the identity of
    /// its medium, so that it is resumed wherever that medium is docked again.
    static func submit(node: String, deviceSerial: String?, include: @escaping @Sendable (String) -> Bool,
                       origin: [String: JSONValue], engine: IngestEngine) async throws -> JobContext {
        let source = try await BlockingDoor.media.run { () throws(IngestError) -> VolumeSource in
            try VolumeSource(devicePath: node, access: .dockedNode)
        }
        return try await engine.submit(source, deviceSerial: deviceSerial, caller: .daemon, include: include, origin: origin)
    }

    /// The medium back (in the same slot or another, at the same node or another): its job goes on from there.
    public func resumeIngest(_ job: Int64, _ device: DockedDevice, engine: IngestEngine) throws {
        guard let node = device.blockDevice else { throw IngestError(.pathNotFound, "no block device for dock \(device.dockID)") }
        try engine.resume(job, caller: .daemon, at: node)
    }

    /// Where the medium was found, for the job's `job.create` custody event: the dock, the
    /// device's USB port, and the slot (logical unit, SCSI address, node).
    static func origin(_ device: DockedDevice, node: String) -> [String: JSONValue] {
        var slot: [String: JSONValue] = ["blockDevice": .string(node)]
        if let s = device.slot {
            slot["lun"] = .number(Double(s.lun))
            slot["scsiAddress"] = .string(s.scsiAddress)
        }
        return ["dock": .number(Double(device.dockID)), "busPath": .string(device.description.busPath), "slot": .object(slot)]
    }
}
