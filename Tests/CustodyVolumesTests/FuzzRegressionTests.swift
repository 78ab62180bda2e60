// Inputs the fuzzer (scripts/fuzz.sh) found crashing, hanging or blowing up memory,
// kept after the fix, plus hand-made hostile devices. Each runs what the fuzz target
// runs: open every volume, list it, map and read every file. A regression crashes
// the test process or exceeds the time limit.
import CustodyVolumes
import Foundation
import Testing

/// A fuzzer input stored compactly: its length and its runs of non-zero bytes.
struct FuzzInput: Sendable, CustomTestStringConvertible {
    var name: String
    var length: Int
    /// (offset, base64 of the bytes there); everything else is zero.
    var runs: [(Int, String)]

    var testDescription: String { name }

    var bytes: [UInt8] {
        var bytes = [UInt8](repeating: 0, count: length)
        for (offset, text) in runs {
            let run = [UInt8](Data(base64Encoded: text) ?? Data())
            bytes.replaceSubrange(offset..<(offset + run.count), with: run)
        }
        return bytes
    }
}

/// The fuzz target's work, on one input.
func exerciseLikeTheFuzzer(_ bytes: [UInt8]) -> (volumes: Int, files: Int) {
    let device = MemoryBlockDevice(bytes: bytes, name: "fuzz input")
    var volumes: [any EvidenceVolume] = []
    let opened = try? VolumeOpener.open(device)
    volumes += opened?.volumes ?? []
    if opened?.layout.scheme != .superfloppy, let volume = try? VolumeOpener.openVolume(device) {
        volumes.append(volume)
    }
    let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 64 * 1024, alignment: 16)
    defer { buffer.deallocate() }
    var files = 0
    for volume in volumes {
        _ = volume.info.serial
        for file in volume.list().files {
            files += 1
            _ = file.modified?.description
            _ = try? volume.clusterRuns(of: file)
            guard var reader = try? volume.reader(for: file) else { continue }
            var total: UInt64 = 0
            while total < 64 << 20, let count = try? reader.read(into: buffer), count > 0 {
                total += UInt64(count)
            }
        }
    }
    return (volumes.count, files)
}

@Suite("Fuzz regressions", .timeLimit(.minutes(1)))
struct FuzzRegressionTests {
    static let inputs: [FuzzInput] = FuzzCrashers.all + HostileInputs.all

    @Test("no crash, hang or runaway memory", arguments: inputs)
    func regression(_ input: FuzzInput) {
        _ = exerciseLikeTheFuzzer(input.bytes)
    }

    @Test("chains that all loop: each file gets its error quickly, in bounded time")
    func loopingChains() throws {
        let volume = try TestImages.volume(on: MemoryBlockDevice(bytes: HostileInputs.loopingFAT12(), name: "looping"))
        let listing = volume.list()
        #expect(listing.files.count == 199)
        let codes = Dictionary(grouping: listing.files, by: { $0.problem?.code })
        #expect(codes[.fileSizeInvalid]?.map(\.path) == ["HUGE.BIN"])
        // Every other file runs into clusters a file before it uses: it still reads
        // (its loop is cut when read), and it and that file are doubtful.
        let readable = codes[nil] ?? []
        #expect(readable.count >= 190)
        #expect(readable.allSatisfy { $0.doubts.contains { $0.code == .clusterCrossLinked } })
        #expect(listing.problems.contains { [.directoryCycle, .chainCycle].contains($0.code) && $0.path == "LOOPDIR" }, "\(listing.problems.filter { $0.path == "LOOPDIR" })")
        #expect(listing.deletedEntries > 40_000)
    }

    @Test("the seed images survive the fuzz target's work", .needsTestImages)
    func realImages() throws {
        for image in ["fat12.img", "exfat.img", "mbr.img", "gpt.img"] {
            let result = exerciseLikeTheFuzzer(try TestImages.bytes(image))
            #expect(result.volumes >= 1 && result.files >= 15, "\(image)")
        }
    }
}

/// Hand-made devices that attack the bounds: chains through every cluster, cycles,
/// tables pointing past the end, a GPT whose partition spans all of LBA space.
enum HostileInputs {
    /// A FAT12 superfloppy (2880 sectors) whose FAT links every cluster to the next
    /// one and the last back to the first: every chain is an endless loop.
    static func loopingFAT12() -> [UInt8] {
        var bytes = [UInt8](repeating: 0, count: 1_474_560)
        let bpb: [UInt8] = [0xEB, 0x3C, 0x90] + Array("MSWIN4.1".utf8) + [0x00, 0x02, 0x01, 0x01, 0x00, 0x02, 0xE0, 0x00, 0x40, 0x0B, 0xF0, 0x09, 0x00]
        bytes.replaceSubrange(0..<bpb.count, with: bpb)
        bytes[510] = 0x55
        bytes[511] = 0xAA
        let fat = 512
        let clusters = 2847
        for cluster in 2..<(clusters + 2) {
            let next = cluster == clusters + 1 ? 2 : cluster + 1
            let offset = fat + cluster + cluster / 2
            let pair = Int(bytes[offset]) | Int(bytes[offset + 1]) << 8
            let value = cluster % 2 == 0 ? (pair & 0xF000) | next : (pair & 0x000F) | (next << 4)
            bytes[offset] = UInt8(value & 0xFF)
            bytes[offset + 1] = UInt8(value >> 8)
        }
        // Root directory: a file claiming 4 GiB from cluster 2, a directory at cluster 3,
        // and 200 files all on the same loop. The data area is all deleted entries, so
        // the directory reads on until it meets its own clusters again.
        let root = 512 * (1 + 2 * 9)
        let data = root + 224 * 32
        bytes.replaceSubrange(data..<bytes.count, with: [UInt8](repeating: 0xE5, count: bytes.count - data))
        func entry(_ index: Int, _ name: String, attributes: UInt8, cluster: Int, size: UInt32) {
            let base = root + 32 * index
            bytes.replaceSubrange(base..<(base + 11), with: Array(name.utf8))
            bytes[base + 11] = attributes
            bytes[base + 26] = UInt8(cluster & 0xFF)
            bytes[base + 27] = UInt8(cluster >> 8)
            for shift in 0..<4 { bytes[base + 28 + shift] = UInt8((size >> UInt32(8 * shift)) & 0xFF) }
        }
        entry(0, "HUGE    BIN", attributes: 0x20, cluster: 2, size: 0xFFFF_FFFF)
        entry(1, "LOOPDIR    ", attributes: 0x10, cluster: 3, size: 0)
        for index in 2..<200 {
            let name = "F" + String(format: "%07d", index) + "BIN"
            entry(index, name, attributes: 0x20, cluster: 2 + index, size: 1_400_000)
        }
        return bytes
    }

    /// An MBR whose extended partition's EBRs link in a circle, each listing a
    /// logical partition past the end of the device.
    static func circularEBRs() -> [UInt8] {
        var bytes = [UInt8](repeating: 0, count: 64 * 1024)
        func entry(sector: Int, slot: Int, type: UInt8, first: UInt32, count: UInt32) {
            let base = sector * 512 + 446 + 16 * slot
            bytes[base + 4] = type
            for shift in 0..<4 {
                bytes[base + 8 + shift] = UInt8((first >> UInt32(8 * shift)) & 0xFF)
                bytes[base + 12 + shift] = UInt8((count >> UInt32(8 * shift)) & 0xFF)
            }
            bytes[sector * 512 + 510] = 0x55
            bytes[sector * 512 + 511] = 0xAA
        }
        entry(sector: 0, slot: 0, type: 0x05, first: 8, count: 100)
        entry(sector: 8, slot: 0, type: 0x0C, first: 0xFFFF_0000, count: 0xFFFF_FFFF)
        entry(sector: 8, slot: 1, type: 0x05, first: 8, count: 10)
        entry(sector: 16, slot: 0, type: 0x0C, first: 1, count: 1)
        entry(sector: 16, slot: 1, type: 0x05, first: 0, count: 10)
        return bytes
    }

    static let all: [FuzzInput] = [
        sparse("FAT12 whose every chain loops", loopingFAT12()),
        sparse("MBR with circular EBRs", circularEBRs()),
    ]

    static func sparse(_ name: String, _ bytes: [UInt8]) -> FuzzInput {
        var runs: [(Int, String)] = []
        var index = 0
        while index < bytes.count {
            guard bytes[index] != 0 else { index += 1; continue }
            var end = index
            while end < bytes.count && (bytes[end] != 0 || (end + 1 < bytes.count && bytes[end + 1] != 0)) { end += 1 }
            runs.append((index, Data(bytes[index..<end]).base64EncodedString()))
            index = end
        }
        return FuzzInput(name: name, length: bytes.count, runs: runs)
    }
}
