/// Reads a directory 64 KiB at a time and hands out its 32-byte entries in order.
/// Every cluster it reads is recorded in `visited`: a directory whose clusters were
/// already read (a loop in the tree, or two directories sharing clusters) ends with
/// `directory-cycle`. A cluster a file already uses, or whose FAT entry the FAT copies
/// disagree on, is noted in ``Marks``: what the directory lists is then doubtful.
struct DirectoryStream {
    /// What makes this directory's entries doubtful, found while reading it.
    struct Marks {
        /// A cluster of the directory that a file listed before also uses.
        var sharedWithFile: UInt32?
        /// A cluster of the directory whose FAT entry differs between the FAT copies.
        var differingFAT: UInt32?
    }

    enum Source {
        /// A fixed region of the volume (the FAT12/16 root directory).
        case region(offset: UInt64, length: UInt64)
        /// Clusters from a chain or a contiguous run.
        case clusters(ClusterSource, heap: ClusterHeap)
    }

    static let chunkSize: UInt64 = 64 * 1024

    let device: any BlockDevice
    /// "directory 'DCIM/100'" for messages.
    let subject: String
    let path: String?
    /// Where the FAT copies disagree, if they do.
    var differences: FATDifferences?
    private var source: Source
    /// Bytes of the directory still to read (its size, where the file system records one).
    private var remainingBytes: UInt64
    private var extentOffset: UInt64 = 0
    private var extentLength: UInt64 = 0
    /// The current chunk; entries are handed out as offsets into it.
    private(set) var chunk: [UInt8] = []
    private var index = 0
    /// Bytes of the directory handed out before the current chunk.
    private(set) var chunkStart: UInt64 = 0

    init(device: any BlockDevice, source: Source, byteLimit: UInt64, subject: String, path: String?) {
        self.device = device
        self.source = source
        self.remainingBytes = byteLimit
        self.subject = subject
        self.path = path
        if case .region(let offset, let length) = source {
            extentOffset = offset
            extentLength = min(length, byteLimit)
        }
    }

    /// The offset in ``chunk`` of the next 32-byte entry, or nil at the end of the directory's data.
    mutating func next(visited: inout Set<UInt32>) throws(VolumeError) -> Int? {
        var claims: ClusterClaims? = nil
        var marks = Marks()
        return try next(visited: &visited, claims: &claims, marks: &marks)
    }

    /// The same, checking each cluster read against the files' `claims` and the FAT copies.
    mutating func next(visited: inout Set<UInt32>, claims: inout ClusterClaims?, marks: inout Marks) throws(VolumeError) -> Int? {
        if index + 32 <= chunk.count {
            defer { index += 32 }
            return index
        }
        guard try refill(visited: &visited, claims: &claims, marks: &marks) else { return nil }
        guard index + 32 <= chunk.count else { return nil }
        defer { index += 32 }
        return index
    }

    private mutating func refill(visited: inout Set<UInt32>, claims: inout ClusterClaims?, marks: inout Marks) throws(VolumeError) -> Bool {
        chunkStart += UInt64(chunk.count)
        chunk = []
        index = 0
        guard remainingBytes >= 32 else { return false }
        if extentLength == 0 {
            guard case .clusters(var clusters, let heap) = source else { return false }
            let run: ClusterRun?
            do throws(VolumeError) {
                run = try clusters.nextRun(maxClusters: max(1, Self.chunkSize / heap.clusterSize))
            } catch {
                throw error.context("reading \(subject)", path: path)
            }
            source = .clusters(clusters, heap: heap)
            guard let run else { return false }
            for step in 0..<run.count {
                let cluster = run.first &+ step
                if !visited.insert(cluster).inserted {
                    throw VolumeError(.directoryCycle,
                        "\(subject): its cluster \(cluster) was already read as part of a directory (a loop in the directory tree, or shared clusters); the rest of it is skipped", path: path)
                }
                if marks.sharedWithFile == nil, claims?.isClaimed(cluster) == true { marks.sharedWithFile = cluster }
            }
            if marks.differingFAT == nil, let differing = differences?.touches(run) { marks.differingFAT = differing }
            extentOffset = heap.byteOffset(of: run.first)
            extentLength = UInt64(run.count) * heap.clusterSize
        }
        let count = min(extentLength, remainingBytes, Self.chunkSize)
        do throws(VolumeError) {
            chunk = try device.readBytes(at: extentOffset, count: Int(count), what: subject)
        } catch {
            throw error.context("reading \(subject)", path: path)
        }
        extentOffset += count
        extentLength -= count
        remainingBytes -= count
        return true
    }
}
