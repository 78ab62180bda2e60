/// A read-only device the volume reader works on: a `/dev` node, an image file, a
/// window onto a partition, or bytes in memory. Nothing in this module writes.
///
/// Implementations must be safe to read from several threads at once (positioned
/// reads, no shared cursor).
public protocol BlockDevice: Sendable {
    /// Size in bytes.
    var size: UInt64 { get }
    /// Logical sector size in bytes (512 unless the device says otherwise).
    var sectorSize: Int { get }
    /// A name for messages, e.g. "/dev/sdb" or "/dev/sdb partition 1".
    var name: String { get }
    /// Reads exactly `buffer.count` bytes starting at byte `offset`.
    ///
    /// - Throws: ``VolumeError`` with code `device-range` when the range is not inside
    ///   the device, `device-short-read` when the device ends early, `device-io` on an
    ///   I/O error; the message names the byte offset.
    func read(into buffer: UnsafeMutableRawBufferPointer, at offset: UInt64) throws(VolumeError)
}

extension BlockDevice {
    /// Reads `count` bytes at `offset` into a new array; `what` names the structure
    /// for the error message ("boot sector", "FAT", "directory 'DCIM'").
    func readBytes(at offset: UInt64, count: Int, what: String) throws(VolumeError) -> [UInt8] {
        guard count > 0 else { return [] }
        var bytes = [UInt8](repeating: 0, count: count)
        let result: Result<Void, VolumeError> = bytes.withUnsafeMutableBytes { buffer in
            Result { () throws(VolumeError) in try read(into: buffer, at: offset) }
        }
        do throws(VolumeError) {
            try result.get()
        } catch {
            throw error.context("reading the \(what)")
        }
        return bytes
    }

    /// Throws `device-range` unless `count` bytes at `offset` lie inside the device.
    func checkRange(offset: UInt64, count: Int) throws(VolumeError) {
        let (end, overflow) = offset.addingReportingOverflow(UInt64(count))
        if overflow || end > size {
            throw VolumeError(.deviceRange, "\(name): a read of \(count) bytes at byte offset \(offset) goes past the end of the device (\(size) bytes)")
        }
    }
}
