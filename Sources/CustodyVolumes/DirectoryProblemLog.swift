/// Records a directory's problems in a listing: the first ``limit`` in full, the rest
/// only counted and summed up in one last problem, so that a directory of garbage
/// cannot fill memory with messages.
struct DirectoryProblemLog {
    static let limit = 100

    let device: String
    /// "the root directory", "directory 'DCIM'".
    let place: String
    let path: String
    private var recorded = 0
    private var suppressed = 0

    init(device: String, path: String) {
        self.device = device
        self.path = path
        self.place = path.isEmpty ? "the root directory" : "directory '\(path)'"
    }

    /// Records a problem described in the directory's terms.
    mutating func add(_ code: VolumeError.Code, _ text: String, path: String? = nil, to listing: inout VolumeListing) {
        add(VolumeError(code, "\(device): \(place): \(text)", path: path ?? self.path), to: &listing)
    }

    /// Records an error as it is.
    mutating func add(_ problem: VolumeError, to listing: inout VolumeListing) {
        if recorded < Self.limit {
            listing.problems.append(problem)
            recorded += 1
        } else {
            suppressed += 1
        }
    }

    /// Adds the summary of the problems not recorded, if any.
    func finish(into listing: inout VolumeListing) {
        if suppressed > 0 {
            listing.problems.append(VolumeError(.directoryEntryInvalid,
                "\(device): \(place): \(suppressed) more problems in this directory are not listed", path: path))
        }
    }
}
