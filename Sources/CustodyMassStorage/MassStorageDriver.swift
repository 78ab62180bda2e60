import CustodyCatalog
import CustodyCore
import CustodyDevices
import CustodyIngest
import CustodyVolumes

/// The driver of USB mass-storage cameras and recorders: their block device is opened
/// read-only and its FAT/exFAT file systems are read in user space (``CustodyVolumes``);
/// nothing is mounted, nothing on the medium can change. Which files are ingested is
/// the catalog entry's `paths` / `exclude`.
public struct MassStorageDriver: EvidenceDriver {
    public let kind: DriverKind = .massStorage

    public init() {}

    public func probe(_ device: DockedDevice) async -> ProbeResult {
        guard let node = device.blockDevice else {
            return .deferred("its block device has not appeared yet")
        }
        let opened: FileBlockDevice
        do { opened = try FileBlockDevice(path: node) } catch {
            // A device node that cannot be opened read-only (permissions, gone): say which and why.
            return error.code == .deviceOpen ? .unsupported("cannot open \(node) read-only: \(error.message)") : .deferred(error.message)
        }
        // A card reader with no card, or a camera still presenting its storage: no medium yet.
        guard opened.size > 0 else { return .deferred("\(node) has no medium yet") }
        return .supported
    }

    public func startIngest(_ device: DockedDevice, engine: IngestEngine) async throws -> Int64 {
        guard let node = device.blockDevice else { throw IngestError(.pathNotFound, "no block device for dock \(device.dockID)") }
        let options = device.entry.options
        let job = try await engine.submitVolumeJob(device: node, deviceSerial: device.description.serial, caller: .daemon,
                                                   include: { options.selects($0) })
        return job.jobID
    }
}
