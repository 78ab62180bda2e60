#if canImport(Glibc)
import Glibc
#endif
import CustodyCRC32
import CustodyCore
import Foundation

/// A bundle as one ZIP file (APPNOTE 6.3): entries stored as they are (recordings do
/// not compress), names in UTF-8, ZIP64 wherever a size or offset passes 4 GiB. Each
/// entry's CRC-32 is computed while its bytes stream in and written back into its
/// local header, so no entry is held in memory.
struct ZipBundleWriter: BundleWriter {
    let destination: String
    let staging: String
    private let fd: Int32
    private var offset: UInt64 = 0
    private var entries: [Entry] = []
    /// One DOS date and time for every entry: when the export was written.
    private let dosTime: UInt16
    private let dosDate: UInt16

    struct Entry {
        var name: [UInt8]
        var crc: UInt32
        var size: UInt64
        var headerOffset: UInt64
    }

    /// Sizes and offsets from here on are written as ZIP64 (4 GiB − 1; lower in tests,
    /// which exercise the ZIP64 records without writing gigabytes).
    let max32: UInt64

    init(destination: String, date: Date = Date(), zip64Threshold: UInt64 = UInt64(UInt32.max)) throws {
        self.max32 = zip64Threshold
        guard !FileManager.default.fileExists(atPath: destination) else {
            throw CommandFailure("\(destination) already exists; an export is written to a new file")
        }
        self.destination = destination
        let parent = (destination as NSString).deletingLastPathComponent
        self.staging = (parent.isEmpty ? "." : parent) + "/." + (destination as NSString).lastPathComponent + ".partial-\(getpid())"
        let path = staging
        // 0600: the bundle holds copies of the evidence, for the exporter only.
        self.fd = try systemCall("open", path) { open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600) }
        var t = time_t(date.timeIntervalSince1970)
        var parts = tm()
        gmtime_r(&t, &parts)
        dosTime = UInt16(parts.tm_hour) << 11 | UInt16(parts.tm_min) << 5 | UInt16(parts.tm_sec / 2)
        dosDate = UInt16(max(0, Int(parts.tm_year) - 80)) << 9 | UInt16(parts.tm_mon + 1) << 5 | UInt16(parts.tm_mday)
    }

    mutating func add(path: String, size: Int64, produce: ((UnsafeRawBufferPointer) throws -> Void) throws -> Void) throws {
        let name = Array(path.utf8)
        let headerOffset = offset
        let zip64 = UInt64(size) >= max32
        // Local file header; the CRC is written back once the bytes have streamed.
        var header = ZipBytes()
        header.u32(0x0403_4B50)
        header.u16(zip64 ? 45 : 20)              // version needed: 4.5 for ZIP64
        header.u16(0x0800)                       // names are UTF-8
        header.u16(0)                            // stored
        header.u16(dosTime); header.u16(dosDate)
        header.u32(0)                            // CRC-32, filled in below
        header.u32(zip64 ? UInt32.max : UInt32(size)); header.u32(zip64 ? UInt32.max : UInt32(size))
        header.u16(UInt16(name.count)); header.u16(zip64 ? 20 : 0)
        header.bytes(name)
        if zip64 { header.u16(0x0001); header.u16(16); header.u64(UInt64(size)); header.u64(UInt64(size)) }
        try write(header.data)
        var crc = CRC32()
        var written: Int64 = 0
        let fd = self.fd, staging = self.staging
        try produce { bytes in
            crc.update(bytes)
            try POSIXFile.writeFully(fd: fd, bytes, subject: staging)
            written += Int64(bytes.count)
        }
        guard written == size else { throw CommandFailure("\(path): received \(written) bytes, expected \(size)") }
        offset += UInt64(written)
        var crcBytes = ZipBytes()
        crcBytes.u32(crc.value)
        let at = off_t(headerOffset + 14)
        try crcBytes.data.withUnsafeBytes { raw in
            _ = try systemCall("pwrite", staging) { pwrite(fd, raw.baseAddress, raw.count, at) }
        }
        entries.append(Entry(name: name, crc: crc.value, size: UInt64(size), headerOffset: headerOffset))
    }

    mutating func finish() throws {
        let directoryOffset = offset
        for e in entries {
            let zip64Size = e.size >= max32, zip64Offset = e.headerOffset >= max32
            var extra = ZipBytes()
            if zip64Size || zip64Offset {
                extra.u16(0x0001)
                extra.u16(UInt16((zip64Size ? 16 : 0) + (zip64Offset ? 8 : 0)))
                if zip64Size { extra.u64(e.size); extra.u64(e.size) }
                if zip64Offset { extra.u64(e.headerOffset) }
            }
            var c = ZipBytes()
            c.u32(0x0201_4B50)
            c.u16(0x031E)                        // made by Unix, APPNOTE 3.0
            c.u16(zip64Size || zip64Offset ? 45 : 20)
            c.u16(0x0800); c.u16(0); c.u16(dosTime); c.u16(dosDate)
            c.u32(e.crc)
            c.u32(zip64Size ? UInt32.max : UInt32(e.size)); c.u32(zip64Size ? UInt32.max : UInt32(e.size))
            c.u16(UInt16(e.name.count)); c.u16(UInt16(extra.data.count)); c.u16(0) // comment
            c.u16(0); c.u16(0)                   // disk, internal attributes
            c.u32(UInt32(0o100600) << 16)        // a regular file, rw------- (unzipped for the exporter only)
            c.u32(zip64Offset ? UInt32.max : UInt32(e.headerOffset))
            c.bytes(e.name); c.bytes(extra.data)
            try write(c.data)
        }
        let directorySize = offset - directoryOffset
        let needs64 = entries.count >= 0xFFFF || directoryOffset >= max32 || directorySize >= max32
        var end = ZipBytes()
        if needs64 {
            let record = offset
            end.u32(0x0606_4B50); end.u64(44); end.u16(0x031E); end.u16(45); end.u32(0); end.u32(0)
            end.u64(UInt64(entries.count)); end.u64(UInt64(entries.count)); end.u64(directorySize); end.u64(directoryOffset)
            end.u32(0x0706_4B50); end.u32(0); end.u64(record); end.u32(1)
        }
        end.u32(0x0605_4B50); end.u16(0); end.u16(0)
        end.u16(UInt16(min(entries.count, 0xFFFF))); end.u16(UInt16(min(entries.count, 0xFFFF)))
        end.u32(needs64 ? UInt32.max : UInt32(directorySize)); end.u32(needs64 ? UInt32.max : UInt32(directoryOffset))
        end.u16(0)
        try write(end.data)
        try systemCall("fsync", staging) { fsync(fd) }
        try systemCall("rename", destination) { rename(staging, destination) }
        close(fd)
        let parent = (destination as NSString).deletingLastPathComponent
        try POSIXFile.syncDirectory(parent.isEmpty ? "." : parent)
    }

    func discard() {
        close(fd)
        unlink(staging)
    }

    private mutating func write(_ bytes: [UInt8]) throws {
        try bytes.withUnsafeBytes { try POSIXFile.writeFully(fd: fd, $0, subject: staging) }
        offset += UInt64(bytes.count)
    }
}

/// Little-endian ZIP fields.
struct ZipBytes {
    var data: [UInt8] = []
    mutating func u16(_ v: UInt16) { data += [UInt8(v & 0xFF), UInt8(v >> 8)] }
    mutating func u32(_ v: UInt32) { for i in 0..<4 { data.append(UInt8((v >> (8 * UInt32(i))) & 0xFF)) } }
    mutating func u64(_ v: UInt64) { for i in 0..<8 { data.append(UInt8((v >> (8 * UInt64(i))) & 0xFF)) } }
    mutating func bytes(_ b: [UInt8]) { data += b }
}
