/// Walks a FAT volume's directory tree iteratively (an explicit stack, so any depth
/// is fine), decoding 32-byte entries: short names, VFAT long names, attributes,
/// time stamps, first cluster and size. Every file's cluster chain is checked; what
/// is wrong becomes a problem and the walk goes on.
struct FATDirectoryWalker {
    let volume: FATVolume

    private struct Pending {
        var path: String
        var cluster: UInt32?
        /// Levels below the root (the root is 0).
        var depth: Int
        /// A doubt on an ancestor (its entries, so this directory's place, are doubtful).
        var inherited: VolumeProblem? = nil
    }

    /// The label entry of the root directory, if there is one.
    func rootLabel() -> String? {
        guard var stream = try? volume.rootStream() else { return nil }
        var visited: Set<UInt32> = []
        while let offset = try? stream.next(visited: &visited) {
            let entry = stream.chunk
            let first = entry[offset]
            if first == 0x00 { return nil }
            let attributes = entry[offset + 11]
            if first != 0xE5, attributes & 0x3F != 0x0F, attributes & 0x08 != 0, attributes & 0x10 == 0 {
                let label = ShortNames.decodeLabel(Array(entry[offset..<(offset + 11)]))
                return label.isEmpty ? nil : label
            }
        }
        return nil
    }

    func list(limits: ListingLimits) -> VolumeListing {
        var listing = VolumeListing()
        var visited: Set<UInt32> = []
        var claims = ClusterClaims(clusterCount: volume.boot.clusterCount)
        var budget = ListingBudget(limits: limits)
        var links = CrossLinks()
        var stack = [Pending(path: "", cluster: nil, depth: 0)]
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
        var longName = LongNameAccumulator()
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
        do throws(VolumeError) {
            var stream = if let cluster = directory.cluster {
                try volume.directoryStream(cluster: cluster, path: directory.path)
            } else {
                try volume.rootStream()
            }
            entries: while let offset = try stream.next(visited: &visited, claims: &claims, marks: &marks) {
                let entry = stream.chunk
                let first = entry[offset]
                let attributes = entry[offset + 11]
                let entryNumber = (stream.chunkStart + UInt64(offset)) / 32
                if first == 0x00 { break }
                if first == 0xE5 {
                    if attributes & 0x3F != 0x0F { listing.deletedEntries += 1 }
                    if longName.abandon() {
                        problem(.longNameMismatch, "entry \(entryNumber) is deleted but a long name precedes it (an orphaned long name); it is ignored")
                    }
                    continue
                }
                if attributes & 0x3F == 0x0F {
                    if let text = longName.add(entry, at: offset) {
                        problem(.longNameMismatch, "entry \(entryNumber): \(text)")
                    }
                    continue
                }
                if attributes & 0x08 != 0 {
                    // The volume label (or an impossible label-and-directory entry): not a file.
                    if longName.abandon() {
                        problem(.longNameMismatch, "entry \(entryNumber) is a volume label but a long name precedes it; it is ignored")
                    }
                    continue
                }
                if first == 0x2E {
                    _ = longName.abandon()
                    continue
                }
                let shortName = ShortNames.name(entry, at: offset)
                let badByte = entry[offset..<(offset + 11)].enumerated().contains { index, byte in
                    byte < 0x20 && !(index == 0 && byte == 0x05)
                }
                if first == 0x20 || badByte {
                    _ = longName.abandon()
                    problem(.directoryEntryInvalid, "entry \(entryNumber) has an impossible short name (\(shortName.debugDescription)); it is skipped")
                    continue
                }
                let (long, nameProblem) = longName.take(shortEntry: entry, at: offset)
                // NUL, unpaired surrogates, '/' and '\' escaped: the name stays faithful and unambiguous.
                let name = long.map(MediaText.escaped) ?? shortName
                let path = directory.path.isEmpty ? name : directory.path + "/" + name
                if let nameProblem {
                    problem(.longNameMismatch, "entry \(entryNumber) ('\(shortName)'): \(nameProblem)", path: path)
                }
                let forbidden = MediaText.forbidden(in: long ?? entry[offset..<(offset + 11)].filter { $0 == 0x2F || $0 == 0x5C }.map(UInt16.init))
                if !forbidden.isEmpty {
                    problem(.directoryEntryInvalid, "entry \(entryNumber): the name \(name.debugDescription) \(MediaText.note(forbidden, fileSystem: "FAT"))", path: path)
                }
                let high = volume.boot.kind == .fat32 ? UInt32(entry.le16(offset + 20)) << 16 : 0
                let cluster = high | UInt32(entry.le16(offset + 26))
                switch bounds.admit(path, name: name, isDirectory: attributes & 0x10 != 0, entryNumber: entryNumber,
                                    log: &log, listing: &listing, budget: &budget) {
                case .list: break
                case .skip: continue entries
                case .stop: break entries
                }
                if attributes & 0x10 != 0 {
                    guard volume.clusters.heap.contains(cluster) else {
                        problem(.directoryEntryInvalid, "subdirectory '\(name)' (entry \(entryNumber)) starts at cluster \(cluster), outside the cluster heap; it is not read", path: path)
                        continue
                    }
                    listing.directories.append(path)
                    children.append(Pending(path: path, cluster: cluster, depth: directory.depth + 1))
                    continue
                }
                var file = VolumeFile(
                    path: path, name: name, shortName: shortName, size: UInt64(entry.le32(offset + 28)),
                    validDataLength: UInt64(entry.le32(offset + 28)),
                    created: .dos(date: entry.le16(offset + 16), time: entry.le16(offset + 14),
                                  tenMilliseconds: entry[offset + 13], resolution: .tenMilliseconds),
                    modified: .dos(date: entry.le16(offset + 24), time: entry.le16(offset + 22), resolution: .twoSeconds),
                    accessed: .dos(date: entry.le16(offset + 18), time: 0, resolution: .day),
                    attributes: FileAttributes(rawValue: UInt16(attributes & 0x27)),
                    firstCluster: cluster, isContiguous: false)
                do throws(VolumeError) {
                    let check = try volume.clusters.validate(file, claims: &claims, directoryClusters: visited)
                    file.doubts = check.doubts.map { $0.context(volume.device.name, path: path) }
                    for doubt in file.doubts { log.add(doubt, to: &listing) }
                    if let shared = check.crossLinked { links.add(shared, by: "file '\(path)'", path: path) }
                } catch {
                    let located = error.context(volume.device.name, path: path)
                    file.problem = located
                    log.add(located, to: &listing)
                }
                listing.files.append(file)
            }
            if longName.abandon() {
                problem(.longNameMismatch, "a long name at the end of the directory belongs to no short entry; it is ignored")
            }
        } catch {
            log.add(error.path == nil ? VolumeError(error.code, error.message, path: directory.path) : error, to: &listing)
        }
    }
}
