/// A device whose bytes are in memory: for tests, the fuzzer and small images.
public struct MemoryBlockDevice: BlockDevice {
    /// The device's contents.
    public let bytes: [UInt8]
    public let name: String
    public let sectorSize: Int
    public var size: UInt64 { UInt64(bytes.count) }

    public init(bytes: [UInt8], name: String = "memory", sectorSize: Int = 512) {
        self.bytes = bytes
        self.name = name
        self.sectorSize = sectorSize
    }

    public func read(into buffer: UnsafeMutableRawBufferPointer, at offset: UInt64) throws(VolumeError) {
        try checkRange(offset: offset, count: buffer.count)
        guard buffer.count > 0 else { return }
        let start = Int(offset)
        bytes.withUnsafeBytes { source in
            buffer.copyMemory(from: UnsafeRawBufferPointer(rebasing: source[start..<(start + buffer.count)]))
        }
    }
}
