import CustodyProtocol
import CustodyStore
import CustodyVolumes
import Foundation

/// The FAT/exFAT volumes of a block device or an image, read in user space through
/// ``CustodyVolumes`` (opened `O_RDONLY`; never mounted, never written).
///
/// Paths are those of the file system ("DCIM/100MEDIA/FILE0001.MP4"); a device with
/// several volumes prefixes each with its partition ("p2/DCIM/…").
final class VolumeSource: IngestSource {
    /// A job root naming a volume source: `volume:` and the device or image path.
    static let prefix = "volume:"

    let devicePath: String
    /// The device as opened, to tell later whether its medium is still there.
    private let device: FileBlockDevice
    private let volumes: [any EvidenceVolume]
    /// Every listed file, by its job path.
    private let files: [String: (volume: Int, file: VolumeFile)]

    /// Opens the device and lists its volumes.
    /// - Throws: ``IngestError`` when the device cannot be opened or holds no readable volume.
    init(devicePath: String) throws(IngestError) {
        self.devicePath = devicePath
        let device: FileBlockDevice
        do { device = try FileBlockDevice(path: devicePath) } catch {
            throw IngestError(.pathNotFound, "cannot open \(devicePath) read-only: \(error.message)")
        }
        self.device = device
        let opened: OpenedDevice
        do { opened = try VolumeOpener.open(device) } catch {
            throw IngestError(.badRequest, "\(devicePath) cannot be read as evidence media: \(error.message)")
        }
        guard !opened.volumes.isEmpty else {
            throw IngestError(.badRequest, "\(devicePath) holds no FAT or exFAT file system"
                              + (opened.problems.isEmpty ? "" : ": " + opened.problems.map(\.message).joined(separator: "; ")))
        }
        volumes = opened.volumes
        problems = opened.problems.map(\.description)
        var files: [String: (volume: Int, file: VolumeFile)] = [:]
        var listings: [VolumeListing] = []
        for (i, volume) in opened.volumes.enumerated() {
            let listing = volume.list()
            listings.append(listing)
            for file in listing.files {
                files[Self.jobPath(file.path, volume: volume, of: opened.volumes.count)] = (volume: i, file: file)
            }
        }
        self.files = files
        self.listings = listings
    }

    /// Problems of the partition table or of volumes that could not be opened.
    let problems: [String]
    /// Each volume's listing, in volume order.
    let listings: [VolumeListing]

    static func jobPath(_ path: String, volume: any EvidenceVolume, of count: Int) -> String {
        count > 1 ? "p\(volume.info.partitionIndex ?? 0)/\(path)" : path
    }

    /// The job's manifest: every file `include` selects, in path order; a file the
    /// listing found unreadable fails at once with its problem.
    func plan(include: (String) -> Bool) -> [PlannedFile] {
        files.keys.sorted().filter(include).map { path in
            let (_, file) = files[path]!
            return PlannedFile(path: path, size: Int64(file.size), modifiedAt: Self.date(file.modified),
                               failure: file.problem.map { "\($0.message) [\($0.code.rawValue)]" })
        }
    }

    /// A key naming the medium itself (its volumes' types and serials), so that the same
    /// card docked again, at another device node, is the same source.
    var sourceKey: String {
        "volume:" + volumes.map { "\($0.info.fileSystem.rawValue)-\($0.info.serial ?? "noserial")-\($0.info.byteOffset)" }.joined(separator: ",")
    }

    /// The medium's identity (volumes' types, serials, labels), as a docked medium's job records it.
    var identity: MediumIdentity? { MediumIdentity(volumes: volumes.map(\.info)) }

    func unavailable() -> String? { device.mediumGone() }

    /// What the job's custody record says of the medium: each volume's type, label,
    /// serial, deleted directory entries and problems.
    var notes: [String: JSONValue] {
        var list: [JSONValue] = []
        for (volume, listing) in zip(volumes, listings) {
            let info = volume.info
            var v: [String: JSONValue] = [
                "fileSystem": .string(info.fileSystem.rawValue),
                "label": info.label.map(JSONValue.string) ?? .null,
                "serial": info.serial.map(JSONValue.string) ?? .null,
                "files": .number(Double(listing.files.count)),
                "deletedEntries": .number(Double(listing.deletedEntries)),
            ]
            if let p = info.partitionIndex { v["partition"] = .number(Double(p)) }
            let problems = info.problems + listing.problems
            if !problems.isEmpty { v["problems"] = .array(problems.map { .string($0.description) }) }
            list.append(.object(v))
        }
        var notes: [String: JSONValue] = ["medium": .string(devicePath), "volumes": .array(list)]
        if !problems.isEmpty { notes["deviceProblems"] = .array(problems.map(JSONValue.string)) }
        return notes
    }

    func open(_ planned: PlannedFile) -> SourceOpening {
        guard let (index, file) = files[planned.path] else {
            return .failed("no longer on \(devicePath): the medium changed since the job was planned")
        }
        guard Int64(file.size) == planned.size else {
            return .failed("is \(file.size) bytes on \(devicePath) now, \(planned.size) when the job was planned: the medium changed")
        }
        let volume = volumes[index]
        do {
            return .opened(VolumeSourceFile(reader: try volume.reader(for: file), file: file, info: volume.info))
        } catch {
            return .failed("\(error.message) [\(error.code.rawValue)]")
        }
    }

    /// A time stamp as an instant: exact when the zone is recorded, else read as UTC
    /// (the item's notes say the zone is unknown).
    static func date(_ stamp: VolumeTimestamp?) -> Date? {
        stamp.map { $0.instant ?? $0.date(assumingUTCOffsetMinutes: 0) }
    }
}

/// One file of a volume, streamed run of clusters by run of clusters.
struct VolumeSourceFile: SourceFile {
    var reader: any VolumeFileReader
    let file: VolumeFile
    let info: VolumeInfo
    var offset: UInt64 = 0

    var size: Int64 { Int64(file.size) }
    var modifiedAt: Date? { VolumeSource.date(file.modified) }

    mutating func read(into buffer: UnsafeMutableRawBufferPointer) throws(SourceReadError) -> Int {
        do {
            let n = try reader.read(into: buffer)
            offset += UInt64(n)
            return n
        } catch {
            throw SourceReadError(offset: offset, reason: "\(error.message) [\(error.code.rawValue)]")
        }
    }

    /// Evidence media are not written while Custody reads them (they are opened read-only
    /// and not mounted); a change would show as a chain or size error while reading.
    func changedWhileRead() -> String? { nil }

    var notes: [String: JSONValue] {
        func stamp(_ s: VolumeTimestamp?) -> JSONValue {
            guard let s else { return .null }
            return .object(["text": .string(s.description), "resolution": .string(s.resolution.rawValue),
                            "zoneKnown": .bool(s.isZoneKnown)])
        }
        var attributes: [JSONValue] = []
        if file.attributes.contains(.readOnly) { attributes.append(.string("readOnly")) }
        if file.attributes.contains(.hidden) { attributes.append(.string("hidden")) }
        if file.attributes.contains(.system) { attributes.append(.string("system")) }
        if file.attributes.contains(.archive) { attributes.append(.string("archive")) }
        var volume: [String: JSONValue] = [
            "fileSystem": .string(info.fileSystem.rawValue),
            "label": info.label.map(JSONValue.string) ?? .null,
            "serial": info.serial.map(JSONValue.string) ?? .null,
        ]
        if let p = info.partitionIndex { volume["partition"] = .number(Double(p)) }
        return [
            "originalPath": .string(file.path),
            "shortName": file.shortName.map(JSONValue.string) ?? .null,
            "created": stamp(file.created), "modified": stamp(file.modified), "accessed": stamp(file.accessed),
            "attributes": .array(attributes),
            "volume": .object(volume),
        ]
    }

    func close() {}
}
