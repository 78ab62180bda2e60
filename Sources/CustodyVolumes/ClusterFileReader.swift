/// Streams a file's bytes from its clusters: each `read` does one `pread` of as many
/// contiguous clusters as fit the caller's buffer (and the file), never holding more
/// of the file than that buffer. Bytes past an exFAT file's valid data length read as
/// zeros, as the specification requires.
struct ClusterFileReader: VolumeFileReader, Sendable {
    let heap: ClusterHeap
    let size: UInt64
    let validDataLength: UInt64
    let path: String
    private var source: ClusterSource
    private var position: UInt64 = 0
    /// The part of the current run not yet read: byte offset on the volume and length.
    private var extentOffset: UInt64 = 0
    private var extentLength: UInt64 = 0
    private var finished = false

    init(heap: ClusterHeap, size: UInt64, validDataLength: UInt64, path: String, source: ClusterSource) {
        self.heap = heap
        self.size = size
        self.validDataLength = min(validDataLength, size)
        self.path = path
        self.source = source
    }

    var remaining: UInt64 { size - position }

    mutating func read(into buffer: UnsafeMutableRawBufferPointer) throws(VolumeError) -> Int {
        if position >= size {
            if !finished {
                do throws(VolumeError) {
                    try source.finish()
                } catch {
                    throw error.context("reading '\(path)'", path: path)
                }
                finished = true
            }
            return 0
        }
        guard let base = buffer.baseAddress, buffer.count > 0 else {
            throw VolumeError(.invalidArgument, "reading '\(path)': the buffer is empty", path: path)
        }
        if extentLength == 0 {
            let wanted = max(1, UInt64(buffer.count) / heap.clusterSize)
            let run: ClusterRun?
            do throws(VolumeError) {
                run = try source.nextRun(maxClusters: wanted)
            } catch {
                throw error.context("reading '\(path)' at file offset \(position)", path: path)
            }
            guard let run else {
                throw VolumeError(.chainTooShort, "reading '\(path)': its clusters end at file offset \(position) of \(size)", path: path)
            }
            extentOffset = heap.byteOffset(of: run.first)
            extentLength = min(UInt64(run.count) * heap.clusterSize, size - position)
        }
        let count = Int(min(UInt64(buffer.count), extentLength))
        // Bytes below the valid data length come from the device; the rest are zeros.
        let fromDevice = Int(min(UInt64(count), validDataLength > position ? validDataLength - position : 0))
        if fromDevice > 0 {
            do throws(VolumeError) {
                try heap.device.read(into: UnsafeMutableRawBufferPointer(start: base, count: fromDevice), at: extentOffset)
            } catch {
                throw error.context("reading '\(path)' at file offset \(position)", path: path)
            }
        }
        if fromDevice < count {
            (base + fromDevice).initializeMemory(as: UInt8.self, repeating: 0, count: count - fromDevice)
        }
        position += UInt64(count)
        extentOffset += UInt64(count)
        extentLength -= UInt64(count)
        return count
    }
}
