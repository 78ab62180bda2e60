// Partition tables made by sfdisk: MBR with an extended partition holding logical
// ones, GPT, GPT with a damaged primary header, a superfloppy, and damage to each.
import CustodyVolumes
import Foundation
import Testing

@Suite("Partition tables")
struct PartitionTests {
    @Test("MBR: primaries, logicals in an extended partition, an unknown partition reported", .needsTestImages)
    func mbr() throws {
        let device = try FileBlockDevice(path: try TestImages.path("mbr.img"))
        let layout = try PartitionTable.read(device)
        #expect(layout.scheme == .mbr)
        #expect(layout.problems.isEmpty)
        #expect(layout.partitions.map(\.index) == [1, 3, 5, 6])
        #expect(layout.partitions.map(\.kind) == [.mbrPrimary, .mbrPrimary, .mbrLogical, .mbrLogical])
        #expect(layout.partitions.map(\.type) == ["0x0e", "0x83", "0x0c", "0x07"])
        #expect(layout.partitions.map(\.firstSector) == [2048, 157_696, 36864, 114_688])
        let offsets: [UInt64] = [2048, 157_696, 36864, 114_688].map { $0 * 512 }
        #expect(layout.partitions.map(\.byteOffset) == offsets)
        #expect(layout.partitions[2].byteLength == 75776 * 512)

        let opened = try VolumeOpener.open(device)
        #expect(opened.volumes.map(\.info.partitionIndex) == [1, 5, 6])
        #expect(opened.volumes.map(\.info.fileSystem) == [.fat16, .fat32, .exfat])
        let volumeOffsets: [UInt64] = [2048, 36864, 114_688].map { $0 * 512 }
        #expect(opened.volumes.map(\.info.byteOffset) == volumeOffsets)
        #expect(opened.problems.count == 1)
        let unknown = try #require(opened.problems.first)
        #expect(unknown.code == .partitionUnknown)
        #expect(unknown.message.contains("partition 3"))
    }

    @Test("GPT: names, types, disk GUID", .needsTestImages)
    func gpt() throws {
        let device = try FileBlockDevice(path: try TestImages.path("gpt.img"))
        let layout = try PartitionTable.read(device)
        #expect(layout.scheme == .gpt)
        #expect(layout.problems.isEmpty)
        #expect(layout.diskGUID?.count == 36)
        #expect(layout.partitions.map(\.name) == ["Evidence FAT32", "Evidence exFAT"])
        #expect(layout.partitions.allSatisfy { $0.typeName == "Microsoft basic data" && $0.kind == .gpt })
        #expect(layout.partitions.map(\.firstSector) == [2048, 77824])
        #expect(layout.partitions.map(\.sectorCount) == [75776, 40960])
        let opened = try VolumeOpener.open(device)
        #expect(opened.problems.isEmpty)
        #expect(opened.volumes.map(\.info.fileSystem) == [.fat32, .exfat])
    }

    @Test("GPT with a damaged primary header or entry array: the backup is used, and said to be", .needsTestImages, arguments: [512 + 60, 1024 + 40])
    func gptBackup(_ offset: Int) throws {
        var patched = try PatchedImage("gpt.img")
        patched.bytes[offset] ^= 0x5A
        let layout = try PartitionTable.read(patched.device)
        #expect(layout.scheme == .gpt)
        #expect(layout.problems.contains { $0.code == .gptBackupUsed && $0.message.contains("backup") })
        #expect(layout.problems.contains { $0.code == (offset < 1024 ? .gptHeaderInvalid : .gptEntriesInvalid) && $0.message.contains("CRC32") })
        #expect(layout.partitions.map(\.name) == ["Evidence FAT32", "Evidence exFAT"])
        let opened = try VolumeOpener.open(patched.device)
        #expect(opened.volumes.count == 2)
        #expect(opened.problems.contains { $0.code == .gptBackupUsed })
        for volume in opened.volumes {
            #expect(volume.list().problems.isEmpty)
        }
    }

    @Test("a GPT entry spanning all of LBA space is skipped, not trusted (and does not trap)", .needsTestImages)
    func gptHugeEntry() throws {
        var patched = try PatchedImage("gpt.img")
        // Entry 1 at LBA 2: LBAs 0 … 2^64 - 1; then fix the array and header CRC32s.
        patched.put64(1024 + 32, 0)
        patched.put64(1024 + 40, UInt64.max)
        patched.put32(512 + 88, Int(Self.crc32(patched.bytes[1024..<(1024 + 128 * 128)])))
        patched.put32(512 + 16, 0)
        patched.put32(512 + 16, Int(Self.crc32(patched.bytes[512..<(512 + 92)])))
        let layout = try PartitionTable.read(patched.device)
        #expect(layout.problems.contains { $0.code == .partitionInvalid && $0.message.contains("partition 1") && $0.message.contains("impossible") })
        #expect(layout.partitions.map(\.index) == [2])
    }

    /// CRC-32 (IEEE), written here independently of the module.
    static func crc32(_ bytes: ArraySlice<UInt8>) -> UInt32 {
        var crc: UInt32 = 0xFFFF_FFFF
        for byte in bytes {
            crc ^= UInt32(byte)
            for _ in 0..<8 { crc = crc & 1 == 1 ? (crc >> 1) ^ 0xEDB8_8320 : crc >> 1 }
        }
        return ~crc
    }

    @Test("GPT with both headers damaged gives gpt-header-invalid", .needsTestImages)
    func gptBothBad() throws {
        var patched = try PatchedImage("gpt.img")
        patched.bytes[512 + 60] ^= 0x5A
        patched.bytes[patched.bytes.count - 512 + 60] ^= 0x5A
        expectVolumeError(.gptHeaderInvalid, mentioning: ["primary", "backup"]) { try VolumeOpener.open(patched.device) }
    }

    @Test("a superfloppy has its boot sector at byte 0", .needsTestImages, arguments: ["fat12.img", "fat16.img", "fat32.img", "exfat.img"])
    func superfloppy(_ image: String) throws {
        let device = try FileBlockDevice(path: try TestImages.path(image))
        #expect(try PartitionTable.read(device).scheme == .superfloppy)
        let opened = try VolumeOpener.open(device)
        #expect(opened.volumes.count == 1)
        #expect(opened.volumes.first?.info.partitionIndex == nil)
        #expect(opened.problems.isEmpty)
    }

    @Test("an extended boot record chain that loops is cut with mbr-extended-loop", .needsTestImages)
    func ebrLoop() throws {
        var patched = try PatchedImage("mbr.img")
        let first = 34816 * 512
        let secondRelative = patched.u32(first + 470)
        let second = first + secondRelative * 512
        patched.bytes[second + 466] = 0x05
        patched.put32(second + 470, secondRelative)
        patched.put32(second + 474, 100)
        let layout = try PartitionTable.read(patched.device)
        #expect(layout.problems.contains { $0.code == .mbrExtendedLoop })
        #expect(layout.partitions.map(\.index) == [1, 3, 5, 6])
    }

    @Test("a partition beyond the end of a truncated image is reported", .needsTestImages)
    func truncatedDisk() throws {
        var patched = try PatchedImage("mbr.img")
        patched.bytes.removeSubrange((50 * 1024 * 1024)...)
        let opened = try VolumeOpener.open(patched.device)
        #expect(opened.layout.problems.contains { $0.code == .partitionInvalid && $0.message.contains("partition 5") })
        #expect(opened.layout.problems.contains { $0.code == .partitionInvalid && $0.message.contains("partition 3") })
        let fat32 = try #require(opened.volumes.first { $0.info.partitionIndex == 5 })
        #expect(fat32.info.problems.contains { $0.code == .volumeTruncated })
        #expect(fat32.list().files.contains { $0.path == "README.TXT" && $0.problem == nil })
        #expect(opened.volumes.contains { $0.info.partitionIndex == 1 })
    }

    @Test("a device too small, or without any table or boot sector")
    func nothingThere() throws {
        expectVolumeError(.deviceTooSmall) { try VolumeOpener.open(MemoryBlockDevice(bytes: [UInt8](repeating: 0, count: 100))) }
        let blank = MemoryBlockDevice(bytes: [UInt8](repeating: 0, count: 1 << 20), name: "blank")
        #expect(try PartitionTable.read(blank).scheme == .unrecognized)
        let opened = try VolumeOpener.open(blank)
        #expect(opened.volumes.isEmpty)
        #expect(opened.problems.map(\.code) == [.noVolume])
    }
}
