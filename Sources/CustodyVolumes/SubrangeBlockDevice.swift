/// A window onto part of another device (a partition): byte 0 of the window is
/// byte `start` of the parent. Reads outside the window are refused.
public struct SubrangeBlockDevice: BlockDevice {
    /// The device the window is on.
    public let parent: any BlockDevice
    /// First byte of the window on the parent.
    public let start: UInt64
    /// Length of the window in bytes (clipped to the parent's end).
    public let size: UInt64
    /// The length the window was asked for, when the parent ends before it.
    public let requestedSize: UInt64
    public let name: String
    public var sectorSize: Int { parent.sectorSize }

    /// A window of `length` bytes from `start`; when the parent is shorter, the window
    /// is clipped to it (see ``isTruncated``).
    public init(parent: any BlockDevice, start: UInt64, length: UInt64, name: String) {
        self.parent = parent
        self.start = min(start, parent.size)
        self.requestedSize = length
        let available = parent.size - self.start
        self.size = min(length, available)
        self.name = name
    }

    /// Whether the parent ends before the window does.
    public var isTruncated: Bool { size < requestedSize }

    public func read(into buffer: UnsafeMutableRawBufferPointer, at offset: UInt64) throws(VolumeError) {
        let (end, overflow) = offset.addingReportingOverflow(UInt64(buffer.count))
        if overflow || end > size {
            let why = isTruncated && end <= requestedSize
                ? "the device ends \(requestedSize - size) bytes before the partition does"
                : "that is past the end of the partition (\(size) bytes)"
            throw VolumeError(
                isTruncated && end <= requestedSize ? .deviceShortRead : .deviceRange,
                "\(name): a read of \(buffer.count) bytes at byte offset \(offset) (device byte \(start &+ offset)) failed: \(why)")
        }
        try parent.read(into: buffer, at: start + offset)
    }
}
