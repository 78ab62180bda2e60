// Copies of the real exFAT image with bytes changed in the boot region, entry sets,
// the FAT, the allocation bitmap and the up-case table.
import CustodyVolumes
import Foundation
import Testing

@Suite("exFAT corruption", .needsTestImages)
struct ExFATCorruptionTests {
    private func open(_ image: PatchedImage) throws -> (any EvidenceVolume, VolumeListing) {
        let volume = try TestImages.volume(on: image.device)
        return (volume, volume.list())
    }

    private func file(_ path: String) throws -> VolumeFile {
        try #require(try TestImages.volume("exfat.img").list().files.first { $0.path == path })
    }

    @Test("a damaged main boot region is replaced by the backup, and says so")
    func backupBootRegion() throws {
        var patched = try PatchedImage("exfat.img")
        patched.bytes[200] ^= 0xFF // boot code: only the checksum notices
        let volume = try TestImages.volume(on: patched.device)
        #expect(volume.info.problems.contains { $0.code == .exfatBootChecksum && $0.message.contains("backup") })
        let listing = volume.list()
        #expect(listing.problems.isEmpty)
        #expect(listing.files.contains { $0.path == "Доказ_001.mp4" })
    }

    @Test("damaged main and backup boot regions give exfat-boot-checksum")
    func bothBootRegions() throws {
        var patched = try PatchedImage("exfat.img")
        patched.bytes[200] ^= 0xFF
        patched.bytes[12 * 512 + 200] ^= 0xFF
        expectVolumeError(.exfatBootChecksum, mentioning: ["main", "checksum", patched.name]) { try ExFATVolume(device: patched.device) }
        let opened = try VolumeOpener.open(patched.device)
        #expect(opened.volumes.isEmpty)
        #expect(opened.problems.contains { $0.code == .exfatBootChecksum })
    }

    @Test("impossible boot sector fields give exfat-boot-sector")
    func badBootFields() throws {
        var shift = try PatchedImage("exfat.img")
        shift.bytes[108] = 7
        expectVolumeError(.exfatBootSector, mentioning: ["shift"]) { try ExFATVolume(device: shift.device) }
        // The same damage in both regions, with checksums that match it.
        var fats = try PatchedImage("exfat.img")
        for region in [0, 12 * 512] {
            fats.bytes[region + 110] = 3
            var sum: UInt32 = 0
            for index in 0..<(11 * 512) where index != 106 && index != 107 && index != 112 {
                sum = (sum & 1 == 1 ? 0x8000_0000 : 0) &+ (sum >> 1) &+ UInt32(fats.bytes[region + index])
            }
            for word in stride(from: 11 * 512, to: 12 * 512, by: 4) { fats.put32(region + word, Int(sum)) }
        }
        expectVolumeError(.exfatBootSector, mentioning: ["3 FATs"]) { try ExFATVolume(device: fats.device) }
    }

    @Test("a damaged entry set fails its checksum: that file is skipped, the others are read")
    func setChecksum() throws {
        var patched = try PatchedImage("exfat.img")
        let layout = ExFATLayout(patched)
        let entry = try #require(layout.fileEntry(patched, named: "показания.txt"))
        patched.bytes[entry + 64 + 2] ^= 0x01
        let (volume, listing) = try open(patched)
        #expect(listing.problems.contains { $0.code == .exfatSetChecksum && $0.message.contains("свидетель") })
        #expect(!listing.files.contains { $0.path == "свидетель/показания.txt" })
        #expect(listing.files.contains { $0.path == "свидетель/Запись 2024-03-05.wav" })
        for file in listing.files {
            #expect(file.problem == nil)
            #expect(try readAll(volume, file).count == Int(file.size))
        }
    }

    @Test("a wrong name hash is a problem; the file is still listed")
    func nameHash() throws {
        var patched = try PatchedImage("exfat.img")
        let layout = ExFATLayout(patched)
        let entry = try #require(layout.fileEntry(patched, named: "Доказ_001.mp4"))
        patched.put16(entry + 32 + 4, patched.u16(entry + 32 + 4) ^ 0x1234)
        ExFATLayout.fixSetChecksum(&patched, file: entry)
        let (_, listing) = try open(patched)
        #expect(listing.problems.contains { $0.code == .exfatNameHash && $0.path == "Доказ_001.mp4" })
        #expect(listing.files.contains { $0.path == "Доказ_001.mp4" && $0.problem == nil })
    }

    @Test("a cycle in a fragmented file's FAT chain gives chain-cycle")
    func chainCycle() throws {
        let target = try file("frag/fragmented.bin")
        let runs = try TestImages.volume("exfat.img").clusterRuns(of: target)
        #expect(runs.count > 1 && !target.isContiguous)
        var patched = try PatchedImage("exfat.img")
        let layout = ExFATLayout(patched)
        let last = Int(runs[1].first + runs[1].count - 1)
        patched.put32(layout.fatOffset + 4 * last, Int(runs[0].first))
        let (volume, listing) = try open(patched)
        let broken = try #require(listing.files.first { $0.path == target.path })
        #expect(broken.problem?.code == .chainCycle)
        expectVolumeError(.chainCycle, mentioning: ["frag/fragmented.bin"]) { try readAll(volume, broken, bufferSize: 4 << 20) }
        #expect(listing.files.filter { $0.problem != nil }.count == 1)
    }

    @Test("a contiguous file reaching beyond the heap gives its error")
    func contiguousBeyondHeap() throws {
        var patched = try PatchedImage("exfat.img")
        let layout = ExFATLayout(patched)
        let entry = try #require(layout.fileEntry(patched, named: "Доказ_001.mp4"))
        #expect(patched.bytes[entry + 32 + 1] & 2 != 0)
        patched.put32(entry + 32 + 20, layout.clusterCount - 2)
        ExFATLayout.fixSetChecksum(&patched, file: entry)
        let (volume, listing) = try open(patched)
        let file = try #require(listing.files.first { $0.path == "Доказ_001.mp4" })
        #expect(file.problem?.code == .clusterOutOfRange)
        expectVolumeError(.clusterOutOfRange, mentioning: ["Доказ_001.mp4"]) { try readAll(volume, file) }

        var huge = try PatchedImage("exfat.img")
        huge.put64(entry + 32 + 24, 1 << 40)
        huge.put64(entry + 32 + 8, 1 << 40)
        ExFATLayout.fixSetChecksum(&huge, file: entry)
        let (_, hugeListing) = try open(huge)
        #expect(hugeListing.files.first { $0.path == "Доказ_001.mp4" }?.problem?.code == .fileSizeInvalid)
    }

    @Test("bytes past the valid data length read as zeros")
    func validDataLength() throws {
        let original = try file("Доказ_001.mp4")
        let originalBytes = try readAll(try TestImages.volume("exfat.img"), original)
        var patched = try PatchedImage("exfat.img")
        let layout = ExFATLayout(patched)
        let entry = try #require(layout.fileEntry(patched, named: "Доказ_001.mp4"))
        patched.put64(entry + 32 + 8, 1000)
        ExFATLayout.fixSetChecksum(&patched, file: entry)
        let (volume, listing) = try open(patched)
        let file = try #require(listing.files.first { $0.path == "Доказ_001.mp4" })
        #expect(file.validDataLength == 1000 && file.size == 70001 && file.problem == nil)
        for bufferSize in [700, 1 << 20] {
            let bytes = try readAll(volume, file, bufferSize: bufferSize)
            #expect(bytes.count == 70001)
            #expect(Array(bytes[0..<1000]) == Array(originalBytes[0..<1000]))
            #expect(bytes[1000...].allSatisfy { $0 == 0 })
        }
    }

    @Test("files sharing clusters are both doubtful (cluster-cross-linked)")
    func crossLinked() throws {
        let victim = try file("Доказ_001.mp4")
        var patched = try PatchedImage("exfat.img")
        let layout = ExFATLayout(patched)
        let entry = try #require(layout.fileEntry(patched, named: "exact-32k.bin"))
        patched.put32(entry + 32 + 20, Int(victim.firstCluster))
        ExFATLayout.fixSetChecksum(&patched, file: entry)
        let (_, listing) = try open(patched)
        let crossed = listing.files.filter { $0.doubts.contains { $0.code == .clusterCrossLinked } }
        #expect(Set(crossed.map(\.path)) == ["exact-32k.bin", "Доказ_001.mp4"])
        #expect(crossed.allSatisfy { $0.problem == nil })
    }

    @Test("a file whose cluster the bitmap marks free is doubtful (exfat-bitmap-mismatch)")
    func bitmapMismatch() throws {
        let target = try file("Доказ_001.mp4")
        var patched = try PatchedImage("exfat.img")
        let layout = ExFATLayout(patched)
        // The bitmap's directory entry (0x81) is in the root directory.
        let root = layout.clusterOffset(patched.u32(96))
        let bitmapEntry = try #require(stride(from: root, to: root + layout.clusterSize, by: 32).first { patched.bytes[$0] == 0x81 })
        let bitmap = layout.clusterOffset(patched.u32(bitmapEntry + 20))
        let bit = Int(target.firstCluster) - 2 + 3
        patched.bytes[bitmap + bit / 8] &= ~UInt8(1 << (bit % 8))
        let (_, listing) = try open(patched)
        let file = try #require(listing.files.first { $0.path == "Доказ_001.mp4" })
        #expect(file.problem == nil, "it still reads")
        let doubt = file.doubts.first { $0.code == .exfatBitmapMismatch }
        #expect(doubt?.message.contains("cluster \(target.firstCluster + 3)") == true, "\(file.doubts)")
    }

    @Test("a damaged up-case table is a problem; names are still read")
    func upcaseTable() throws {
        var patched = try PatchedImage("exfat.img")
        let layout = ExFATLayout(patched)
        let root = layout.clusterOffset(patched.u32(96))
        let upcaseEntry = try #require(stride(from: root, to: root + layout.clusterSize, by: 32).first { patched.bytes[$0] == 0x82 })
        patched.bytes[layout.clusterOffset(patched.u32(upcaseEntry + 20)) + 100] ^= 0x55
        let volume = try TestImages.volume(on: patched.device)
        #expect(volume.info.problems.contains { $0.code == .exfatUpcaseInvalid })
        let listing = volume.list()
        #expect(listing.problems.isEmpty)
        #expect(listing.files.contains { $0.path == "свидетель/показания.txt" })
    }

    @Test("a truncated exFAT image opens with volume-truncated")
    func truncated() throws {
        var patched = try PatchedImage("exfat.img")
        patched.bytes.removeSubrange((patched.bytes.count / 2)...)
        let volume = try TestImages.volume(on: patched.device)
        #expect(volume.info.problems.contains { $0.code == .volumeTruncated })
        let listing = volume.list()
        #expect(listing.files.contains { $0.path == "README.TXT" && $0.problem == nil })
        #expect(listing.files.contains { $0.problem?.code == .volumeTruncated })
    }
}
