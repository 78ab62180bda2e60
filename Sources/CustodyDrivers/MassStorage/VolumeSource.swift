#if canImport(Glibc)
import Glibc
#endif
import CustodyCore
import CustodyIngest
import CustodyModel
import CustodyStore
import CustodyVolumes
import Foundation

/// The FAT/exFAT volumes of a block device or an image, read in user space through
/// ``CustodyVolumes`` (opened `O_RDONLY`; never mounted, never written).
///
/// Paths are those of the file system ("DCIM/100MEDIA/FILE0001.MP4"); a device with
/// several volumes prefixes each with its partition ("p2/DCIM/…").
final class VolumeSource: EvidenceSource {
    /// How the device or image is opened, and so what holds a job to it.
    enum Access: Sendable {
        /// An image or a device an operator named: opened without following a link in any
        /// component of its (canonical) path, and only if it is still `expected` (when
        /// given); the job keeps which file it is.
        case named(expected: FileIdentity?, resolver: PathResolver)
        /// A docked device's node, as the device manager found it: the job keeps the
        /// identity of its medium instead, which may come back at another node.
        case dockedNode
    }

    let devicePath: String
    let access: Access
    private let volumes: [any EvidenceVolume]
    /// Every listed file, by its job path, with the problems noted on its item.
    private let files: [String: ListedFile]
    /// Paths that two or more directory entries give; each entry is kept under its own job path.
    let duplicatePaths: [String]
    /// What a listing bound left out (a subtree too deep, a path too long…): failed entries of the job.
    let cutOff: [(path: String, message: String)]
    /// The device as opened, to tell later whether its medium is still there.
    private let device: FileBlockDevice

    /// A file as the job reads it.
    struct ListedFile {
        var volume: Int
        var file: VolumeFile
        /// What the medium says makes its bytes doubtful, kept on its item.
        var notes: [String]
    }

    /// Listing problems whose subtree (or rest of directory) was not listed at all.
    static let cuttingCodes: Set<VolumeError.Code> = [.directoryTooDeep, .pathTooLong, .directoryTooManyEntries, .listingTooLarge]

    /// Opens the device and lists its volumes, as `access` says.
    /// - Throws: ``IngestError`` when the device cannot be opened, is not a block device
    ///   or a regular file, was replaced (`source-replaced`), or holds no readable volume.
    init(devicePath: String, access: Access) throws(IngestError) {
        self.devicePath = devicePath
        self.access = access
        let device: FileBlockDevice
        if case .named(let expected, let resolver) = access {
            let fd: Int32
            do {
                // O_NONBLOCK: a FIFO given as an image opens at once and is refused by its type.
                fd = try ConfinedDirectory.openAbsolute(devicePath, flags: O_RDONLY | O_NONBLOCK, resolver: resolver)
            } catch {
                if error.errno == ELOOP {
                    throw IngestError(.sourceReplaced, "\(devicePath) is a symbolic link, or lies beneath one; it is not followed and nothing is read through it")
                }
                throw IngestError(.pathNotFound, "cannot open \(devicePath) read-only: \(error.reason)")
            }
            let identity: FileIdentity, status: stat
            do { (identity, status) = try FileIdentity.of(fd: fd, subject: devicePath) } catch {
                close(fd)
                throw IngestError(.pathNotFound, "cannot open \(devicePath) read-only: \(error)")
            }
            if let expected, identity != expected {
                close(fd)
                throw IngestError(.sourceReplaced, "\(devicePath) was replaced since the job was checked (it was \(expected), it is now \(identity)); nothing is read from it")
            }
            let kind = status.st_mode & S_IFMT
            guard kind == S_IFREG || kind == S_IFBLK else {
                close(fd)
                throw IngestError(.badRequest, "\(devicePath) is neither a disk image (a regular file) nor a block device; it is not read")
            }
            do { device = try FileBlockDevice(adopting: fd, path: devicePath) } catch {
                throw IngestError(.badRequest, "cannot read \(devicePath): \(error.message)")
            }
        } else {
            do { device = try FileBlockDevice(path: devicePath) } catch {
                throw IngestError(.pathNotFound, "cannot open \(devicePath) read-only: \(error.message)")
            }
        }
        self.device = device
        fileIdentity = FileIdentity(device: device.identity.device, inode: device.identity.inode)
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
        var listings: [VolumeListing] = []
        var limits = ListingLimits.standard
        // One memory bound for the whole medium, shared by its volumes.
        limits.maximumListingBytes /= max(1, opened.volumes.count)
        var entries: [(path: String, listed: ListedFile)] = []
        var cutOff: [(path: String, message: String)] = []
        for (i, volume) in opened.volumes.enumerated() {
            let listing = volume.list(limits: limits)
            listings.append(listing)
            for file in listing.files {
                let notes = file.doubts.map { "\($0.message) [\($0.code.rawValue)]" }
                entries.append((Self.jobPath(file.path, volume: volume, of: opened.volumes.count), ListedFile(volume: i, file: file, notes: notes)))
            }
            for problem in listing.problems where Self.cuttingCodes.contains(problem.code) {
                let directory = Self.jobPath(problem.path ?? "", volume: volume, of: opened.volumes.count)
                cutOff.append((directory.isEmpty ? "./" : directory + "/", "\(problem.message) [\(problem.code.rawValue)]"))
            }
        }
        (files, duplicatePaths) = Self.distinctPaths(entries)
        self.cutOff = cutOff
        self.listings = listings
    }

    /// Keeps every entry under its own job path: where two or more directory entries give
    /// the same path, the second is kept as "NAME (2).EXT" (a name nothing else has), the
    /// third as "NAME (3).EXT", and each of them carries a note saying so.
    static func distinctPaths(_ entries: [(path: String, listed: ListedFile)]) -> ([String: ListedFile], [String]) {
        var counts: [String: Int] = [:]
        for entry in entries { counts[entry.path, default: 0] += 1 }
        var taken = Set(entries.map(\.path))
        var seen: [String: Int] = [:]
        var files: [String: ListedFile] = [:]
        for (path, entry) in entries {
            var listed = entry
            let count = counts[path] ?? 1
            let number = seen[path, default: 0] + 1
            seen[path] = number
            var jobPath = path
            if number > 1 {
                var suffix = number
                repeat {
                    jobPath = numbered(path, suffix)
                    suffix += 1
                } while taken.contains(jobPath)
                taken.insert(jobPath)
            }
            if count > 1 {
                listed.notes.append("\(count) directory entries on the medium have the path '\(path)': this is entry \(number) of \(count) (first cluster \(listed.file.firstCluster), \(listed.file.size) bytes)\(number > 1 ? ", kept as '\(jobPath)'" : "") [path-duplicate]")
            }
            files[jobPath] = listed
        }
        let duplicates = counts.filter { $0.value > 1 }.map(\.key).sorted()
        return (files, duplicates)
    }

    /// "DCIM/A.MP4", 2 → "DCIM/A (2).MP4".
    static func numbered(_ path: String, _ number: Int) -> String {
        let slash = path.lastIndex(of: "/").map { path.index(after: $0) } ?? path.startIndex
        let name = path[slash...]
        if let dot = name.lastIndex(of: "."), dot != name.startIndex {
            return String(path[..<dot]) + " (\(number))" + String(path[dot...])
        }
        return path + " (\(number))"
    }

    /// Problems of the partition table or of volumes that could not be opened.
    let problems: [String]
    /// Which file the image or device node is.
    let fileIdentity: FileIdentity
    /// Each volume's listing, in volume order.
    let listings: [VolumeListing]

    static func jobPath(_ path: String, volume: any EvidenceVolume, of count: Int) -> String {
        count > 1 ? "p\(volume.info.partitionIndex ?? 0)/\(path)" : path
    }

    /// The job's manifest: every file `include` selects, in path order; a file the
    /// listing found unreadable fails at once with its problem, and so does each part of
    /// the medium a listing bound left out (named by its directory, ending in "/").
    func files(include: (String) -> Bool) -> [PlannedFile] {
        var planned = files.keys.sorted().filter(include).map { path in
            let file = files[path]!.file
            return PlannedFile(path: path, size: Int64(file.size), modifiedAt: Self.date(file.modified),
                               failure: file.problem.map { "\($0.message) [\($0.code.rawValue)]" })
        }
        var used = Set(planned.map(\.path))
        for (path, message) in cutOff where include(path) {
            var entry = path
            var number = 2
            while used.contains(entry) { entry = path + " (\(number))"; number += 1 }
            used.insert(entry)
            planned.append(PlannedFile(path: entry, size: 0, modifiedAt: nil, failure: "not read: \(message)"))
        }
        return planned
    }

    /// A key naming the medium itself (its volumes' types and serials), so that the same
    /// card docked again, at another device node, is the same source.
    var sourceKey: String? {
        "volume:" + volumes.map { "\($0.info.fileSystem.rawValue)-\($0.info.serial ?? "noserial")-\($0.info.byteOffset)" }.joined(separator: ",")
    }

    /// The medium's identity (volumes' types, serials, labels), as a docked medium's job records it.
    var identity: MediumIdentity? { MediumIdentity(volumes: volumes.map(\.info)) }

    var medium: Medium? { identity.map(Medium.init) }

    /// An operator's image or device: read as the file it was checked as. A docked
    /// device's node: read while it holds the same medium, at whatever node it is then.
    var descriptor: SourceDescriptor {
        let root = MassStorageDriver.root(devicePath)
        switch access {
        case .named:
            return SourceDescriptor(driver: .massStorage, location: devicePath, root: root, rootIdentity: fileIdentity)
        case .dockedNode:
            return SourceDescriptor(driver: .massStorage, location: devicePath, root: root, medium: identity?.key)
        }
    }

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
        if !duplicatePaths.isEmpty { notes["duplicatePaths"] = .array(duplicatePaths.map(JSONValue.string)) }
        return notes
    }

    func open(_ planned: PlannedFile) -> SourceOpening {
        guard let listed = files[planned.path] else {
            return .failed("no longer on \(devicePath): the medium changed since the job was planned")
        }
        let file = listed.file
        guard Int64(file.size) == planned.size else {
            return .failed("is \(file.size) bytes on \(devicePath) now, \(planned.size) when the job was planned: the medium changed")
        }
        let volume = volumes[listed.volume]
        do {
            return .opened(VolumeSourceFile(reader: try volume.reader(for: file), file: file, info: volume.info, problems: listed.notes))
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
    /// What the medium says makes its bytes doubtful (cross-links, FAT copies, duplicates).
    let problems: [String]
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
