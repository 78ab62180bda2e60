// Corrupting copies of the real images in memory, at places found from their own
// boot sectors (read here independently of the module under test).
import CustodyVolumes
import Foundation
import Testing

/// An image's bytes, to patch and then read through a ``MemoryBlockDevice``.
struct PatchedImage {
    var bytes: [UInt8]
    var name: String

    init(_ image: String) throws {
        bytes = try TestImages.bytes(image)
        name = "patched " + image
    }

    var device: MemoryBlockDevice { MemoryBlockDevice(bytes: bytes, name: name) }

    func u16(_ offset: Int) -> Int { Int(bytes[offset]) | Int(bytes[offset + 1]) << 8 }
    func u32(_ offset: Int) -> Int { u16(offset) | u16(offset + 2) << 16 }
    func u64(_ offset: Int) -> UInt64 { UInt64(u32(offset)) | UInt64(u32(offset + 4)) << 32 }

    mutating func put16(_ offset: Int, _ value: Int) {
        bytes[offset] = UInt8(value & 0xFF)
        bytes[offset + 1] = UInt8((value >> 8) & 0xFF)
    }

    mutating func put32(_ offset: Int, _ value: Int) {
        put16(offset, value & 0xFFFF)
        put16(offset + 2, (value >> 16) & 0xFFFF)
    }

    mutating func put64(_ offset: Int, _ value: UInt64) {
        put32(offset, Int(value & 0xFFFF_FFFF))
        put32(offset + 4, Int(value >> 32))
    }

    /// Where `pattern` first occurs (from `start`).
    func find(_ pattern: [UInt8], from start: Int = 0) -> Int? {
        guard !pattern.isEmpty, bytes.count >= pattern.count else { return nil }
        var index = start
        while index <= bytes.count - pattern.count {
            if bytes[index] == pattern[0] && Array(bytes[index..<(index + pattern.count)]) == pattern { return index }
            index += 1
        }
        return nil
    }

    static func utf16(_ text: String) -> [UInt8] {
        text.utf16.flatMap { [UInt8($0 & 0xFF), UInt8($0 >> 8)] }
    }
}

/// A FAT volume's layout, read from its BPB at `base`.
struct FATLayout {
    var base: Int
    var bytesPerSector: Int
    var sectorsPerCluster: Int
    var fatOffset: Int
    var fatBits: Int
    var dataOffset: Int
    var clusterCount: Int

    init(_ image: PatchedImage, base: Int = 0) {
        self.base = base
        bytesPerSector = image.u16(base + 11)
        sectorsPerCluster = Int(image.bytes[base + 13])
        let reserved = image.u16(base + 14)
        let fats = Int(image.bytes[base + 16])
        let rootEntries = image.u16(base + 17)
        let total = image.u16(base + 19) != 0 ? image.u16(base + 19) : image.u32(base + 32)
        let fatSize = image.u16(base + 22) != 0 ? image.u16(base + 22) : image.u32(base + 36)
        let rootSectors = (rootEntries * 32 + bytesPerSector - 1) / bytesPerSector
        fatOffset = base + reserved * bytesPerSector
        let dataSector = reserved + fats * fatSize + rootSectors
        dataOffset = base + dataSector * bytesPerSector
        clusterCount = (total - dataSector) / sectorsPerCluster
        fatBits = image.u16(base + 22) == 0 ? 32 : clusterCount < 4085 ? 12 : 16
    }

    var endOfChain: Int { fatBits == 12 ? 0xFFF : fatBits == 16 ? 0xFFFF : 0x0FFF_FFFF }
    var bad: Int { fatBits == 12 ? 0xFF7 : fatBits == 16 ? 0xFFF7 : 0x0FFF_FFF7 }

    func entry(_ image: PatchedImage, _ cluster: Int) -> Int {
        switch fatBits {
        case 12:
            let pair = image.u16(fatOffset + cluster + cluster / 2)
            return cluster % 2 == 0 ? pair & 0xFFF : pair >> 4
        case 16: return image.u16(fatOffset + cluster * 2)
        default: return image.u32(fatOffset + cluster * 4) & 0x0FFF_FFFF
        }
    }

    /// Sets the entry of `cluster` in the first FAT.
    func setEntry(_ image: inout PatchedImage, _ cluster: Int, _ value: Int) {
        switch fatBits {
        case 12:
            let offset = fatOffset + cluster + cluster / 2
            let pair = image.u16(offset)
            image.put16(offset, cluster % 2 == 0 ? (pair & 0xF000) | value : (pair & 0x000F) | (value << 4))
        case 16: image.put16(fatOffset + cluster * 2, value)
        default: image.put32(fatOffset + cluster * 4, value)
        }
    }

    /// A free cluster near the end of the heap.
    func freeCluster(_ image: PatchedImage) -> Int? {
        (2..<(clusterCount + 2)).reversed().first { entry(image, $0) == 0 }
    }
}

/// An exFAT volume's layout, read from its boot sector at `base`.
struct ExFATLayout {
    var base: Int
    var bytesPerSector: Int
    var clusterSize: Int
    var fatOffset: Int
    var heapOffset: Int
    var clusterCount: Int

    init(_ image: PatchedImage, base: Int = 0) {
        self.base = base
        bytesPerSector = 1 << Int(image.bytes[base + 108])
        clusterSize = bytesPerSector << Int(image.bytes[base + 109])
        fatOffset = base + image.u32(base + 80) * bytesPerSector
        heapOffset = base + image.u32(base + 88) * bytesPerSector
        clusterCount = image.u32(base + 92)
    }

    func clusterOffset(_ cluster: Int) -> Int { heapOffset + (cluster - 2) * clusterSize }

    /// The File entry of the set whose first File Name entry starts with `name` (≤ 15 characters).
    func fileEntry(_ image: PatchedImage, named name: String) -> Int? {
        var from = heapOffset
        let pattern = [0xC1, 0x00] + PatchedImage.utf16(name)
        while let found = image.find(pattern, from: from) {
            let candidate = found - 64
            if (candidate - heapOffset) % 32 == 0, image.bytes[candidate] == 0x85 { return candidate }
            from = found + 1
        }
        return nil
    }

    /// Recomputes the checksum of the entry set starting at `file` (the File entry).
    static func fixSetChecksum(_ image: inout PatchedImage, file: Int) {
        let count = (Int(image.bytes[file + 1]) + 1) * 32
        var sum: UInt16 = 0
        for index in 0..<count where index != 2 && index != 3 {
            sum = (sum & 1 == 1 ? 0x8000 : 0) &+ (sum >> 1) &+ UInt16(image.bytes[file + index])
        }
        image.put16(file + 2, Int(sum))
    }
}

/// Asserts `body` throws a ``VolumeError`` with `code` whose message contains every one of `words`.
func expectVolumeError<T>(_ code: VolumeError.Code, mentioning words: [String] = [],
                          sourceLocation: SourceLocation = #_sourceLocation, _ body: () throws -> T) {
    do {
        _ = try body()
        Issue.record("expected a \(code.rawValue) error, got none", sourceLocation: sourceLocation)
    } catch let error as VolumeError {
        #expect(error.code == code, "\(error)", sourceLocation: sourceLocation)
        for word in words {
            #expect(error.message.contains(word), "\"\(word)\" not in: \(error.message)", sourceLocation: sourceLocation)
        }
    } catch {
        Issue.record("expected a VolumeError, got \(error)", sourceLocation: sourceLocation)
    }
}

/// Reads a whole file; throws the reader's error.
func readAll(_ volume: any EvidenceVolume, _ file: VolumeFile, bufferSize: Int = 1 << 20) throws(VolumeError) -> [UInt8] {
    var reader = try volume.reader(for: file)
    let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: bufferSize, alignment: 16)
    defer { buffer.deallocate() }
    var bytes: [UInt8] = []
    while true {
        let count = try reader.read(into: buffer)
        if count == 0 { return bytes }
        bytes += buffer[0..<count]
    }
}
