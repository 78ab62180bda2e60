/// Walks an exFAT volume's directory tree iteratively, decoding entry sets: a File
/// entry (0x85), its Stream Extension (0xC0) and File Name entries (0xC1), checked
/// for order, counts and the set checksum; names are checked against their hash.
/// Sets may span clusters. What is wrong becomes a problem and the walk goes on.
struct ExFATDirectoryWalker {
    let volume: ExFATVolume

    private struct Pending {
        var path: String
        var cluster: UInt32
        /// The directory's DataLength; nil for the root (its FAT chain gives its size).
        var length: UInt64?
        var contiguous: Bool
        /// Levels below the root (the root is 0).
        var depth: Int
        /// A doubt on an ancestor (its entries, so this directory's place, are doubtful).
        var inherited: VolumeProblem? = nil
    }

    func list(limits: ListingLimits) -> VolumeListing {
        var listing = VolumeListing()
        var visited: Set<UInt32> = []
        var claims = ClusterClaims(clusterCount: volume.boot.clusterCount)
        var budget = ListingBudget(limits: limits)
        var links = CrossLinks()
        var stack = [Pending(path: "", cluster: volume.boot.rootCluster, length: nil, contiguous: false, depth: 0)]
        while let directory = stack.popLast() {
            var children: [Pending] = []
            let problemsBefore = listing.problems.count
            read(directory, into: &listing, children: &children, visited: &visited, claims: &claims, budget: &budget, links: &links)
            budget.chargeProblems(of: listing, since: problemsBefore)
            if budget.exhausted {
                listing.problems.append(budget.exhaustedProblem(device: volume.device.name, at: directory.path))
                break
            }
            stack.append(contentsOf: children.reversed())
        }
        // The first owner of each shared cluster, found now that every file is listed.
        links.markOwners(in: &listing, clusters: volume.clusters, device: volume.device.name)
        return listing
    }

    private func read(_ directory: Pending, into listing: inout VolumeListing, children: inout [Pending],
                      visited: inout Set<UInt32>, claims: inout ClusterClaims?, budget: inout ListingBudget,
                      links: inout CrossLinks) {
        var log = DirectoryProblemLog(device: volume.device.name, path: directory.path)
        var bounds = DirectoryBounds(limits: budget.limits, depth: directory.depth)
        var marks = DirectoryStream.Marks()
        let filesBefore = listing.files.count
        defer {
            bounds.finish(log: &log, listing: &listing)
            let passed = DirectoryDoubts.apply(marks, inherited: directory.inherited, directory: directory.path,
                                               device: volume.device.name, to: &listing, from: filesBefore, links: &links, log: &log)
            for index in children.indices { children[index].inherited = passed }
            log.finish(into: &listing)
        }
        func problem(_ code: VolumeError.Code, _ text: String, path: String? = nil) {
            log.add(code, text, path: path, to: &listing)
        }
        var set: [UInt8] = []
        var setEntry: UInt64 = 0
        var secondariesLeft = 0
        var benignToSkip = 0
        do throws(VolumeError) {
            var stream = try volume.directoryStream(cluster: directory.cluster, length: directory.length,
                                                    contiguous: directory.contiguous, path: directory.path)
            entries: while let offset = try stream.next(visited: &visited, claims: &claims, marks: &marks) {
                let entry = stream.chunk
                let type = entry[offset]
                let entryNumber = (stream.chunkStart + UInt64(offset)) / 32
                let isSecondary = type & 0xC0 == 0xC0
                if secondariesLeft > 0 {
                    if isSecondary {
                        set += entry[offset..<(offset + 32)]
                        secondariesLeft -= 1
                        if secondariesLeft == 0 {
                            let goOn = addSet(set, entryNumber: setEntry, directory: directory, listing: &listing, children: &children,
                                              claims: &claims, directoryClusters: visited, log: &log, bounds: &bounds,
                                              budget: &budget, links: &links)
                            set = []
                            if !goOn { break entries }
                        }
                        continue
                    }
                    problem(.exfatEntrySetInvalid,
                        "the entry set at entry \(setEntry) ends early: entry \(entryNumber) (type 0x\(MBR.hex(type))) is not one of its \(secondariesLeft) remaining secondary entries; the set is skipped")
                    set = []
                    secondariesLeft = 0
                }
                if benignToSkip > 0 && isSecondary {
                    benignToSkip -= 1
                    continue
                }
                benignToSkip = 0
                if type == 0x00 { break }
                if type & 0x80 == 0 {
                    if type == 0x05 { listing.deletedEntries += 1 }
                    continue
                }
                if isSecondary {
                    problem(.exfatEntrySetInvalid, "entry \(entryNumber) (type 0x\(MBR.hex(type))) is a secondary entry with no File entry before it; it is ignored")
                    continue
                }
                switch type {
                case 0x85:
                    let count = Int(entry[offset + 1])
                    guard (2...18).contains(count) else {
                        problem(.exfatEntrySetInvalid, "the File entry at entry \(entryNumber) announces \(count) secondary entries (must be 2–18); it is skipped")
                        continue
                    }
                    set = Array(entry[offset..<(offset + 32)])
                    setEntry = entryNumber
                    secondariesLeft = count
                case 0x81, 0x82, 0x83:
                    continue // bitmap, up-case table, label: read when the volume was opened
                case 0xA0...0xBF:
                    benignToSkip = Int(entry[offset + 1]) // volume GUID, TexFAT padding…: skipped with their secondaries
                default:
                    problem(.exfatEntrySetInvalid, "entry \(entryNumber) has an unknown critical type 0x\(MBR.hex(type)); it is ignored")
                }
            }
            if secondariesLeft > 0 {
                problem(.exfatEntrySetInvalid, "the entry set at entry \(setEntry) is cut off by the end of the directory; it is skipped")
            }
        } catch {
            log.add(error.path == nil ? VolumeError(error.code, error.message, path: directory.path) : error, to: &listing)
        }
    }

    /// Decodes and checks one complete entry set; adds its file or directory. Returns
    /// false when the directory's reading must stop (a bound is reached).
    private func addSet(_ set: [UInt8], entryNumber: UInt64, directory: Pending, listing: inout VolumeListing,
                        children: inout [Pending], claims: inout ClusterClaims?, directoryClusters: Set<UInt32>,
                        log: inout DirectoryProblemLog, bounds: inout DirectoryBounds, budget: inout ListingBudget,
                        links: inout CrossLinks) -> Bool {
        func problem(_ code: VolumeError.Code, _ text: String, path: String? = nil) {
            log.add(code, text, path: path, to: &listing)
        }
        let entries = set.count / 32
        guard set[32] == 0xC0 else {
            problem(.exfatEntrySetInvalid, "the entry set at entry \(entryNumber) has no Stream Extension entry after its File entry; it is skipped")
            return true
        }
        let nameLength = Int(set[32 + 3])
        let nameEntries = (nameLength + 14) / 15
        guard nameLength >= 1, entries >= 2 + nameEntries else {
            problem(.exfatEntrySetInvalid, "the entry set at entry \(entryNumber) has a name of \(nameLength) characters but \(entries - 2) File Name entries; it is skipped")
            return true
        }
        var units: [UInt16] = []
        for index in 0..<nameEntries {
            let base = 32 * (2 + index)
            guard set[base] == 0xC1 else {
                problem(.exfatEntrySetInvalid, "the entry set at entry \(entryNumber): entry \(2 + index) of the set is type 0x\(MBR.hex(set[base])), not a File Name entry; it is skipped")
                return true
            }
            units += set.utf16Units(at: base + 2, count: 15)
        }
        units.removeSubrange(nameLength...)
        // NUL, unpaired surrogates, '/' and '\' escaped: the name stays faithful and unambiguous.
        let name = MediaText.escaped(units)
        let path = directory.path.isEmpty ? name : directory.path + "/" + name
        let forbidden = MediaText.forbidden(in: units)
        if !forbidden.isEmpty {
            problem(.directoryEntryInvalid, "entry \(entryNumber): the name \(name.debugDescription) \(MediaText.note(forbidden, fileSystem: "exFAT"))", path: path)
        }
        var checksum: UInt16 = 0
        for (index, byte) in set.enumerated() where index != 2 && index != 3 {
            checksum = (checksum & 1 == 1 ? 0x8000 : 0) &+ (checksum >> 1) &+ UInt16(byte)
        }
        guard checksum == set.le16(2) || FuzzingMode.acceptsBadChecksums else {
            problem(.exfatSetChecksum, "the entry set of '\(name)' (entry \(entryNumber)) fails its checksum (stored 0x\(MBR.hex(set[3]))\(MBR.hex(set[2])), computed 0x\(MBR.hex(UInt8(checksum >> 8)))\(MBR.hex(UInt8(checksum & 0xFF)))); it is not trusted and is skipped", path: path)
            return true
        }
        for index in (2 + nameEntries)..<entries where (0xC2...0xDF).contains(set[32 * index]) {
            problem(.exfatEntrySetInvalid, "the entry set of '\(name)' (entry \(entryNumber)) has an unknown critical secondary entry (type 0x\(MBR.hex(set[32 * index]))); it is skipped", path: path)
            return true
        }
        if let upcase = volume.upcase {
            let stored = set.le16(32 + 4)
            let computed = upcase.hash(units)
            if stored != computed {
                problem(.exfatNameHash, "the name hash of '\(name)' (entry \(entryNumber)) is 0x\(MBR.hex(UInt8(stored >> 8)))\(MBR.hex(UInt8(stored & 0xFF))) but the up-cased name hashes to 0x\(MBR.hex(UInt8(computed >> 8)))\(MBR.hex(UInt8(computed & 0xFF)))", path: path)
            }
        }
        let attributes = set.le16(4)
        let flags = set[32 + 1]
        let allocationPossible = flags & 1 != 0
        let contiguous = flags & 2 != 0
        let validLength = set.le64(32 + 8)
        let firstCluster = set.le32(32 + 20)
        let dataLength = set.le64(32 + 24)
        if !allocationPossible && (firstCluster != 0 || dataLength != 0) {
            problem(.directoryEntryInvalid, "'\(name)' (entry \(entryNumber)) has no allocation but gives cluster \(firstCluster) and \(dataLength) bytes; it is skipped", path: path)
            return true
        }
        switch bounds.admit(path, name: name, isDirectory: attributes & 0x10 != 0, entryNumber: entryNumber,
                            log: &log, listing: &listing, budget: &budget) {
        case .list: break
        case .skip: return true
        case .stop: return false
        }
        if attributes & 0x10 != 0 {
            guard dataLength > 0, volume.clusters.heap.contains(firstCluster) else {
                problem(.directoryEntryInvalid, "subdirectory '\(name)' (entry \(entryNumber)) gives cluster \(firstCluster) and \(dataLength) bytes; it is not read", path: path)
                return true
            }
            if dataLength > ExFATVolume.maximumDirectoryBytes {
                problem(.directoryTooLarge, "subdirectory '\(name)' is \(dataLength) bytes, over exFAT's 256 MiB limit; only its first 256 MiB are read", path: path)
            }
            listing.directories.append(path)
            children.append(Pending(path: path, cluster: firstCluster, length: dataLength, contiguous: contiguous,
                                    depth: directory.depth + 1))
            return true
        }
        var file = VolumeFile(
            path: path, name: name, shortName: nil, size: dataLength, validDataLength: validLength,
            created: Self.timestamp(set, at: 8, tenMilliseconds: set[20], offset: set[22], resolution: .tenMilliseconds),
            modified: Self.timestamp(set, at: 12, tenMilliseconds: set[21], offset: set[23], resolution: .tenMilliseconds),
            accessed: Self.timestamp(set, at: 16, tenMilliseconds: nil, offset: set[24], resolution: .twoSeconds),
            attributes: FileAttributes(rawValue: attributes & 0x27), firstCluster: firstCluster, isContiguous: contiguous)
        do throws(VolumeError) {
            let check = try volume.clusters.validate(file, claims: &claims, directoryClusters: directoryClusters, bitmap: volume.bitmap)
            file.doubts = check.doubts.map { $0.context(volume.device.name, path: path) }
            for doubt in file.doubts { log.add(doubt, to: &listing) }
            if let shared = check.crossLinked { links.add(shared, by: "file '\(path)'", path: path) }
        } catch {
            let located = error.context(volume.device.name, path: path)
            file.problem = located
            log.add(located, to: &listing)
        }
        listing.files.append(file)
        return true
    }

    /// An exFAT time stamp: DOS date and time, 10 ms increments, and the UTC offset
    /// byte (bit 7 says it is valid; bits 0–6 are a signed count of 15 minutes).
    static func timestamp(_ set: [UInt8], at offset: Int, tenMilliseconds: UInt8?, offset utc: UInt8,
                          resolution: VolumeTimestamp.Resolution) -> VolumeTimestamp? {
        let packed = set.le32(offset)
        var minutes: Int?
        if utc & 0x80 != 0 {
            let quarters = Int(Int8(bitPattern: utc << 1) >> 1)
            minutes = quarters * 15
        }
        return .dos(date: UInt16(packed >> 16), time: UInt16(packed & 0xFFFF), tenMilliseconds: tenMilliseconds,
                    utcOffsetMinutes: minutes, resolution: resolution)
    }
}
