/// The clusters a listing found shared (between two files, or a file and a directory),
/// kept so that every file using one of them is marked doubtful, not only the one met
/// second: the listing walks each cluster once, so the first owner is found afterwards.
struct CrossLinks {
    struct Link {
        var cluster: UInt32
        /// Who met the cluster second: "file 'A/B.MP4'", "directory 'DCIM'".
        var by: String
        var path: String
    }

    private(set) var links: [Link] = []
    /// More links than are kept: every file is then doubtful.
    private(set) var overflowed = false

    static let limit = 4096

    var isEmpty: Bool { links.isEmpty && !overflowed }

    mutating func add(_ cluster: UInt32, by: String, path: String) {
        guard links.count < Self.limit else {
            overflowed = true
            return
        }
        links.append(Link(cluster: cluster, by: by, path: path))
    }

    /// Adds a `cluster-cross-linked` doubt to each readable file, other than the one
    /// that met it, whose clusters include a shared cluster.
    func markOwners(in listing: inout VolumeListing, clusters: FileClusters, device: String) {
        guard !isEmpty else { return }
        let sorted = links.sorted { $0.cluster < $1.cluster }
        for index in listing.files.indices where listing.files[index].problem == nil {
            let file = listing.files[index]
            if overflowed {
                listing.files[index].doubts.append(VolumeError(.clusterCrossLinked,
                    "\(device): file '\(file.path)': the volume has more than \(Self.limit) cross-linked clusters; its bytes are doubtful", path: file.path))
                continue
            }
            guard file.size > 0, let runs = try? clusters.runs(of: file) else { continue }
            search: for run in runs {
                // First link at or after the run's start.
                var low = 0, high = sorted.count
                while low < high {
                    let middle = (low + high) / 2
                    if sorted[middle].cluster < run.first { low = middle + 1 } else { high = middle }
                }
                var position = low
                while position < sorted.count, UInt64(sorted[position].cluster) < UInt64(run.first) + UInt64(run.count) {
                    let link = sorted[position]
                    if link.path != file.path {
                        listing.files[index].doubts.append(VolumeError(.clusterCrossLinked,
                            "\(device): file '\(file.path)': its cluster \(link.cluster) is also used by \(link.by) (cross-linked); its bytes are doubtful", path: file.path))
                        break search
                    }
                    position += 1
                }
            }
        }
    }
}

/// What a directory's own clusters make doubtful: every file listed from it, and
/// everything below it (its subdirectories were found through its doubtful entries).
enum DirectoryDoubts {
    /// Applies the directory's marks and what it `inherited` from its ancestors to the
    /// files listed from it (from index `first` on); returns what its subdirectories inherit.
    static func apply(_ marks: DirectoryStream.Marks, inherited: VolumeProblem?, directory: String, device: String,
                      to listing: inout VolumeListing, from first: Int, links: inout CrossLinks,
                      log: inout DirectoryProblemLog) -> VolumeProblem? {
        let place = directory.isEmpty ? "the root directory" : "directory '\(directory)'"
        var own: VolumeProblem?
        if let shared = marks.sharedWithFile {
            links.add(shared, by: place, path: directory)
            own = VolumeError(.clusterCrossLinked, "\(device): \(place): its cluster \(shared) is also used by a file (cross-linked); what it lists is doubtful", path: directory)
        } else if let differing = marks.differingFAT {
            own = VolumeError(.fatCopiesDiffer, "\(device): \(place): the FAT copies disagree on the entry of its cluster \(differing); what it lists is doubtful", path: directory)
        }
        if let own { log.add(own, to: &listing) }
        for doubt in [own, inherited].compactMap({ $0 }) {
            for index in listing.files.indices.dropFirst(first) {
                let path = listing.files[index].path
                listing.files[index].doubts.append(VolumeError(doubt.code,
                    "file '\(path)' is listed from a doubtful directory: \(doubt.message)", path: path))
            }
        }
        return own ?? inherited
    }
}
