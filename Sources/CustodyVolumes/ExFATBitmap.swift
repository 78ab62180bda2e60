/// The exFAT allocation bitmap: one bit per cluster of the heap, read through its
/// cluster chain a window at a time. Files' clusters are checked against it.
struct ExFATBitmap: Sendable {
    let heap: ClusterHeap
    /// The bitmap's own clusters.
    let runs: [ClusterRun]
    let length: UInt64

    struct Window: Sendable {
        var start: UInt64 = .max
        var bytes: [UInt8] = []
        static let size: UInt64 = 64 * 1024
    }

    /// Loads the run list of the bitmap the directory entry at `offset` describes.
    static func load(entry: [UInt8], at offset: Int, clusters: FileClusters) throws(VolumeError) -> ExFATBitmap {
        let first = entry.le32(offset + 20)
        let length = entry.le64(offset + 24)
        let heap = clusters.heap
        let needed = divideRoundingUp(UInt64(heap.clusterCount), 8)
        guard length >= needed, length <= needed + heap.clusterSize else {
            throw VolumeError(.exfatBitmapInvalid, "\(heap.device.name): the allocation bitmap is \(length) bytes; \(heap.clusterCount) clusters need \(needed)")
        }
        let file = VolumeFile(path: "$allocation bitmap", name: "$allocation bitmap", shortName: nil, size: length,
                              validDataLength: length, created: nil, modified: nil, accessed: nil, attributes: [],
                              firstCluster: first, isContiguous: false)
        do throws(VolumeError) {
            return ExFATBitmap(heap: heap, runs: try clusters.runs(of: file), length: length)
        } catch {
            throw VolumeError(.exfatBitmapInvalid, "\(heap.device.name): the allocation bitmap's clusters are bad: \(error.message)")
        }
    }

    /// Whether the bitmap marks `cluster` (a cluster of the heap) in use.
    func isAllocated(_ cluster: UInt32, window: inout Window) throws(VolumeError) -> Bool {
        let bit = UInt64(cluster - 2)
        let byte = bit / 8
        guard byte < length else { return false }
        if byte < window.start || byte >= window.start + UInt64(window.bytes.count) {
            let start = byte - byte % Window.size
            let count = min(Window.size, length - start)
            window.bytes = try read(at: start, count: count)
            window.start = start
        }
        let index = Int(byte - window.start)
        guard index < window.bytes.count else { return false }
        return window.bytes[index] & (1 << UInt8(bit % 8)) != 0
    }

    /// `count` bytes of the bitmap from byte `start`, across its runs.
    private func read(at start: UInt64, count: UInt64) throws(VolumeError) -> [UInt8] {
        var bytes: [UInt8] = []
        var position = start
        var runStart: UInt64 = 0
        for run in runs {
            let runBytes = UInt64(run.count) * heap.clusterSize
            let runEnd = runStart + runBytes
            if position < runEnd && position < start + count {
                let within = position - runStart
                let take = min(runEnd - position, start + count - position)
                bytes += try heap.device.readBytes(at: heap.byteOffset(of: run.first) + within, count: Int(take), what: "allocation bitmap")
                position += take
            }
            runStart = runEnd
        }
        return bytes
    }

    /// The first cluster of `runs` that the bitmap marks free, if any.
    func firstFree(in fileRuns: [ClusterRun]) throws(VolumeError) -> UInt32? {
        var window = Window()
        for run in fileRuns {
            for step in 0..<run.count {
                let cluster = run.first &+ step
                if try !isAllocated(cluster, window: &window) { return cluster }
            }
        }
        return nil
    }
}
