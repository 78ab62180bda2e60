/// The bounds a listing keeps to, whatever the medium says: a crafted card can nest
/// directories thousands deep, give each a 255-character name, or put millions of
/// entries in one directory, and the cost of a listing grows with all of them (each
/// path holds its whole ancestry). Past a bound, the subtree or the rest of the
/// directory is not listed and a problem with the bound's code says where.
public struct ListingLimits: Sendable, Equatable {
    /// Deepest directory nesting read: a directory this deep is listed, its
    /// subdirectories are not (`directory-too-deep`). The root is depth 0.
    public var maximumDepth: Int
    /// Longest path, in UTF-8 bytes, of a file or directory listed (`path-too-long`).
    public var maximumPathBytes: Int
    /// Most files and subdirectories listed from one directory (`directory-too-many-entries`).
    public var maximumEntriesPerDirectory: Int
    /// Most memory the whole listing may hold (files, directories, problems; counted
    /// generously), after which nothing more is listed (`listing-too-large`).
    public var maximumListingBytes: Int

    public init(maximumDepth: Int = 128, maximumPathBytes: Int = 4096, maximumEntriesPerDirectory: Int = 65_536,
                maximumListingBytes: Int = 256 << 20) {
        self.maximumDepth = maximumDepth
        self.maximumPathBytes = maximumPathBytes
        self.maximumEntriesPerDirectory = maximumEntriesPerDirectory
        self.maximumListingBytes = maximumListingBytes
    }

    /// The bounds every listing uses unless told otherwise.
    public static let standard = ListingLimits()
}

/// What a listing has spent of ``ListingLimits/maximumListingBytes``.
struct ListingBudget {
    let limits: ListingLimits
    private(set) var spent = 0
    /// Set once the budget ran out: the walk stops.
    private(set) var exhausted = false

    init(limits: ListingLimits) { self.limits = limits }

    /// A file's cost: its record plus the bytes of its strings.
    static func cost(of file: VolumeFile) -> Int {
        MemoryLayout<VolumeFile>.stride + file.path.utf8.count + file.name.utf8.count + (file.shortName?.utf8.count ?? 0)
            + (file.problem.map(cost(of:)) ?? 0)
    }

    static func cost(of problem: VolumeProblem) -> Int {
        MemoryLayout<VolumeProblem>.stride + problem.message.utf8.count + (problem.path?.utf8.count ?? 0)
    }

    /// A directory's cost: its path in the listing and its place on the walk's stack.
    static func cost(ofDirectory path: String) -> Int {
        2 * (MemoryLayout<String>.stride + path.utf8.count) + 64
    }

    /// Charges `bytes`; false (and exhausted from then on) when that passes the bound.
    mutating func charge(_ bytes: Int) -> Bool {
        guard !exhausted else { return false }
        spent += bytes
        if spent > limits.maximumListingBytes { exhausted = true }
        return !exhausted
    }

    /// Charges the problems appended to `listing` since it held `count` of them.
    mutating func chargeProblems(of listing: VolumeListing, since count: Int) {
        for problem in listing.problems[count...] { _ = charge(Self.cost(of: problem)) }
    }

    /// The problem recorded when the budget ran out.
    func exhaustedProblem(device: String, at path: String) -> VolumeProblem {
        VolumeError(.listingTooLarge,
            "\(device): the listing reached its bound of \(limits.maximumListingBytes) bytes of memory at '\(ListingBudget.shown(path))'; the rest of the volume is not listed", path: path)
    }

    /// A path as messages show it: at most 256 characters, its end elided.
    static func shown(_ path: String) -> String {
        path.count <= 256 ? path : String(path.prefix(256)) + "…"
    }
}

/// ``ListingLimits`` applied to the entries of one directory as they are decoded.
struct DirectoryBounds {
    /// What to do with one entry.
    enum Admission { case list, skip, stop }

    let limits: ListingLimits
    /// The directory's depth (root 0).
    let depth: Int
    private var listed = 0
    private var tooDeep = 0

    init(limits: ListingLimits, depth: Int) {
        self.limits = limits
        self.depth = depth
    }

    /// Whether the entry at `path` is listed (`list`), left out with a problem (`skip`),
    /// or ends the directory's reading (`stop`: too many entries, or the budget ran out).
    mutating func admit(_ path: String, name: String, isDirectory: Bool, entryNumber: UInt64,
                        log: inout DirectoryProblemLog, listing: inout VolumeListing, budget: inout ListingBudget) -> Admission {
        if listed >= limits.maximumEntriesPerDirectory {
            log.add(.directoryTooManyEntries,
                    "holds more than \(limits.maximumEntriesPerDirectory) files and subdirectories; the rest of it (from entry \(entryNumber)) is not listed",
                    to: &listing)
            return .stop
        }
        let bytes = path.utf8.count
        if bytes > limits.maximumPathBytes {
            log.add(.pathTooLong,
                    "entry \(entryNumber) ('\(ListingBudget.shown(name))') would have a path of \(bytes) bytes, over the bound of \(limits.maximumPathBytes); it is not listed\(isDirectory ? ", nor anything under it" : "")",
                    to: &listing)
            return .skip
        }
        if isDirectory && depth + 1 > limits.maximumDepth {
            tooDeep += 1
            return .skip
        }
        listed += 1
        let cost = isDirectory ? ListingBudget.cost(ofDirectory: path) : MemoryLayout<VolumeFile>.stride + 2 * bytes + 16
        return budget.charge(cost) ? .list : .stop
    }

    /// Records the subdirectories left out for depth, once per directory.
    func finish(log: inout DirectoryProblemLog, listing: inout VolumeListing) {
        if tooDeep > 0 {
            log.add(.directoryTooDeep,
                    "is \(depth) levels deep; its \(tooDeep) subdirector\(tooDeep == 1 ? "y is" : "ies are") not read (nesting is bounded at \(limits.maximumDepth) levels)",
                    to: &listing)
        }
    }
}
