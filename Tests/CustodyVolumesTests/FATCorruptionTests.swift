// Copies of the real FAT images with bytes changed in the boot sector, the FAT and
// directory entries: each gives the named error, never a crash or a hang, and the
// files the damage does not touch are still listed and read.
import CustodyVolumes
import Foundation
import Testing

@Suite("FAT corruption", .needsTestImages)
struct FATCorruptionTests {
    static let images = ["fat12.img", "fat16.img", "fat32.img"]
    static let victim = "Доказ_001.mp4"

    /// The listing of a patched image, the victim's entry, and the volume.
    private func open(_ image: PatchedImage) throws -> (any EvidenceVolume, VolumeListing) {
        let volume = try TestImages.volume(on: image.device)
        return (volume, volume.list())
    }

    private func victimCluster(_ image: String) throws -> Int {
        let volume = try TestImages.volume(image)
        let file = try #require(volume.list().files.first { $0.path == Self.victim })
        return Int(file.firstCluster)
    }

    /// Every file but `except` is listed without a problem and reads in full.
    private func expectOthersIntact(_ volume: any EvidenceVolume, _ listing: VolumeListing, except: Set<String>,
                                    sourceLocation: SourceLocation = #_sourceLocation) {
        for file in listing.files where !except.contains(file.path) {
            #expect(file.problem == nil, "\(file.path): \(String(describing: file.problem))", sourceLocation: sourceLocation)
            let bytes = try? readAll(volume, file)
            #expect(bytes?.count == Int(file.size), "\(file.path)", sourceLocation: sourceLocation)
        }
        #expect(listing.files.contains { $0.path == "README.TXT" }, sourceLocation: sourceLocation)
        #expect(listing.files.contains { $0.path == "свидетель/показания.txt" }, sourceLocation: sourceLocation)
    }

    // MARK: Boot sector

    @Test("a bad boot sector gives fat-boot-sector naming the field")
    func badBootSector() throws {
        let cases: [(String, (inout PatchedImage) -> Void, String)] = [
            ("signature", { $0.bytes[510] = 0x00 }, "0x55AA signature"),
            ("bytes per sector", { $0.put16(11, 768) }, "bytes per sector"),
            ("sectors per cluster", { $0.bytes[13] = 3 }, "sectors per cluster"),
            ("no FAT", { $0.bytes[16] = 0 }, "FATs"),
            ("three FATs", { $0.bytes[16] = 3 }, "FATs"),
            ("reserved sectors", { $0.put16(14, 0) }, "reserved sectors"),
            ("media byte", { $0.bytes[21] = 0x12 }, "media byte"),
            ("total sectors", { $0.put16(19, 0); $0.put32(32, 0) }, "total of 0 sectors"),
            ("sizes beyond the FAT", { image in
                let total = image.u16(19) != 0 ? image.u16(19) : image.u32(32)
                image.put16(19, 0)
                image.put32(32, total * 2)
            }, "too small"),
        ]
        for image in Self.images {
            for (label, patch, words) in cases {
                var patched = try PatchedImage(image)
                patch(&patched)
                expectVolumeError(.fatBootSector, mentioning: [words, patched.name]) {
                    try FATVolume(device: patched.device)
                }
                let opened = try VolumeOpener.open(patched.device)
                #expect(opened.volumes.isEmpty, "\(image): \(label)")
                #expect(opened.problems.contains { $0.code == .fatBootSector }, "\(image): \(label): \(opened.problems)")
            }
        }
    }

    @Test("a truncated image opens with volume-truncated; what is left is listed and read", arguments: images)
    func truncatedImage(_ image: String) throws {
        let copy = try TestImages.copy(image, as: "truncated-" + image)
        let full = try FileBlockDevice(path: try TestImages.path(image)).size
        let handle = try FileHandle(forWritingTo: copy)
        try handle.truncate(atOffset: full * 6 / 10)
        try handle.close()
        let device = try FileBlockDevice(path: copy.path)
        let volume = try TestImages.volume(on: device)
        #expect(volume.info.problems.contains { $0.code == .volumeTruncated && $0.message.contains(copy.path) })
        let listing = volume.list()
        #expect(listing.files.contains { $0.path == "README.TXT" && $0.problem == nil })
        let cut = listing.files.filter { $0.problem?.code == .volumeTruncated }
        #expect(!cut.isEmpty)
        for file in listing.files {
            if let problem = file.problem {
                #expect(problem.message.contains(file.path))
                expectVolumeError(problem.code == .volumeTruncated ? .deviceRange : problem.code, mentioning: [file.path]) {
                    try readAll(volume, file)
                }
            } else {
                #expect(try readAll(volume, file).count == Int(file.size))
            }
        }
    }

    // MARK: The FAT

    @Test("a FAT chain made into a cycle gives chain-cycle for that file only", arguments: images)
    func chainCycle(_ image: String) throws {
        var patched = try PatchedImage(image)
        let layout = FATLayout(patched)
        let first = try victimCluster(image)
        layout.setEntry(&patched, first + 5, first + 2)
        let (volume, listing) = try open(patched)
        let file = try #require(listing.files.first { $0.path == Self.victim })
        #expect(file.problem?.code == .chainCycle)
        #expect(file.problem?.message.contains(Self.victim) == true)
        #expect(listing.problems.contains { $0.code == .chainCycle && $0.path == Self.victim })
        expectVolumeError(.chainCycle, mentioning: [Self.victim]) { try readAll(volume, file) }
        expectVolumeError(.chainCycle, mentioning: [Self.victim]) { try volume.clusterRuns(of: file) }
        expectOthersIntact(volume, listing, except: [Self.victim])
    }

    @Test("a chain that loops on its last cluster gives chain-cycle", arguments: images)
    func selfLoop(_ image: String) throws {
        var patched = try PatchedImage(image)
        let layout = FATLayout(patched)
        let first = try victimCluster(image)
        let clusters = (70001 + layout.bytesPerSector * layout.sectorsPerCluster - 1) / (layout.bytesPerSector * layout.sectorsPerCluster)
        let last = first + clusters - 1
        layout.setEntry(&patched, last, last)
        let (volume, listing) = try open(patched)
        let file = try #require(listing.files.first { $0.path == Self.victim })
        #expect(file.problem?.code == .chainCycle)
        expectVolumeError(.chainCycle, mentioning: [Self.victim]) { try readAll(volume, file) }
    }

    @Test("a FAT entry out of the heap gives cluster-out-of-range", arguments: images)
    func outOfRange(_ image: String) throws {
        var patched = try PatchedImage(image)
        let layout = FATLayout(patched)
        let first = try victimCluster(image)
        layout.setEntry(&patched, first + 3, layout.clusterCount + 40)
        let (volume, listing) = try open(patched)
        let file = try #require(listing.files.first { $0.path == Self.victim })
        #expect(file.problem?.code == .clusterOutOfRange)
        expectVolumeError(.clusterOutOfRange, mentioning: [Self.victim, "outside the heap"]) { try readAll(volume, file) }
        expectOthersIntact(volume, listing, except: [Self.victim])
    }

    @Test("a chain cut short, ending in a free or bad cluster, or too long gives its code", arguments: images)
    func chainLength(_ image: String) throws {
        let base = try PatchedImage(image)
        let layout = FATLayout(base)
        let first = try victimCluster(image)
        let free = try #require(layout.freeCluster(base))
        let clusters = (70001 + layout.bytesPerSector * layout.sectorsPerCluster - 1) / (layout.bytesPerSector * layout.sectorsPerCluster)
        let cases: [(VolumeError.Code, (inout PatchedImage) -> Void)] = [
            (.chainTooShort, { layout.setEntry(&$0, first + 3, layout.endOfChain) }),
            (.chainFreeCluster, { layout.setEntry(&$0, first + 3, free) }),
            (.chainBadCluster, { layout.setEntry(&$0, first + 3, layout.bad) }),
            (.chainTooLong, { image in
                layout.setEntry(&image, first + clusters - 1, free)
                layout.setEntry(&image, free, layout.endOfChain)
            }),
        ]
        for (code, patch) in cases {
            var patched = base
            patch(&patched)
            let (volume, listing) = try open(patched)
            let file = try #require(listing.files.first { $0.path == Self.victim })
            #expect(file.problem?.code == code, "\(image): \(String(describing: file.problem))")
            expectVolumeError(code, mentioning: [Self.victim]) { try readAll(volume, file) }
            expectOthersIntact(volume, listing, except: [Self.victim])
        }
    }

    @Test("files sharing clusters are both doubtful (cluster-cross-linked), and both still read", arguments: images)
    func crossLinked(_ image: String) throws {
        var patched = try PatchedImage(image)
        let first = try victimCluster(image)
        let entry = try #require(patched.find(Array("EXACT-~1BIN".utf8)))
        patched.put16(entry + 26, first & 0xFFFF)
        patched.put16(entry + 20, first >> 16)
        let (volume, listing) = try open(patched)
        let file = try #require(listing.files.first { $0.path == "exact-32k.bin" })
        let victim = try #require(listing.files.first { $0.path == Self.victim })
        for (one, other) in [(file, Self.victim), (victim, "exact-32k.bin")] {
            #expect(one.problem == nil, "\(one.path): \(String(describing: one.problem))")
            let doubt = one.doubts.first { $0.code == .clusterCrossLinked }
            #expect(doubt?.message.contains(one.path) == true, "\(one.path): \(one.doubts)")
            #expect(doubt?.message.contains(other) == true || doubt?.message.contains("listed before") == true, "\(one.doubts)")
        }
        _ = try readAll(volume, victim)
    }

    // MARK: Directory entries

    @Test("a size that disagrees with the chain gives chain-too-short or chain-too-long", arguments: images)
    func sizeMismatch(_ image: String) throws {
        let base = try PatchedImage(image)
        let entry = try #require(base.find(Array("EXACT-~1BIN".utf8)))
        for (size, code) in [(32768 + 40_000, VolumeError.Code.chainTooShort), (100, .chainTooLong), (0, .chainTooLong)] {
            var patched = base
            patched.put32(entry + 28, size)
            let (volume, listing) = try open(patched)
            let file = try #require(listing.files.first { $0.path == "exact-32k.bin" })
            #expect(file.problem?.code == code)
            expectVolumeError(code, mentioning: ["exact-32k.bin"]) { try readAll(volume, file) }
        }
        var huge = base
        huge.put32(entry + 28, 0xFFFF_FFF0)
        let (volume, listing) = try open(huge)
        let file = try #require(listing.files.first { $0.path == "exact-32k.bin" })
        #expect(file.problem?.code == .fileSizeInvalid)
        expectVolumeError(.fileSizeInvalid, mentioning: ["exact-32k.bin"]) { try volume.reader(for: file) }
    }

    @Test("a subdirectory outside the heap is a problem; the rest is listed", arguments: images)
    func badSubdirectory(_ image: String) throws {
        var patched = try PatchedImage(image)
        // The short entry of "свидетель" follows its long-name entries; mtools names it "________".
        let longName = try #require(patched.find(PatchedImage.utf16("свиде")))
        let short = (longName - 1) / 32 * 32 + 32
        #expect(patched.bytes[short + 11] & 0x10 != 0)
        patched.put16(short + 26, 0xFFF0 & (FATLayout(patched).fatBits == 12 ? 0xFFF : 0xFFFF))
        patched.put16(short + 20, 0x0FFF)
        let (volume, listing) = try open(patched)
        #expect(listing.problems.contains { $0.code == .directoryEntryInvalid && $0.message.contains("свидетель") })
        #expect(!listing.files.contains { $0.path.hasPrefix("свидетель/") })
        #expect(listing.files.contains { $0.path == "README.TXT" })
        #expect(listing.files.contains { $0.path.hasSuffix("deep.bin") })
        _ = volume
    }

    @Test("a directory pointing back at its ancestor gives directory-cycle, without a hang", arguments: images)
    func directoryCycle(_ image: String) throws {
        var patched = try PatchedImage(image)
        let volume = try TestImages.volume(image)
        _ = volume
        let level02 = try #require(patched.find(Array("LEVEL02    ".utf8)))
        let level05 = try #require(patched.find(Array("LEVEL05    ".utf8)))
        patched.put16(level05 + 26, patched.u16(level02 + 26))
        patched.put16(level05 + 20, patched.u16(level02 + 20))
        let (patchedVolume, listing) = try open(patched)
        #expect(listing.problems.contains { $0.code == .directoryCycle && $0.message.contains("level05") })
        #expect(!listing.files.contains { $0.path.hasSuffix("deep.bin") })
        #expect(listing.files.contains { $0.path == "README.TXT" })
        expectOthersIntact(patchedVolume, listing, except: [])
    }

    @Test("a long name whose checksum does not match falls back to the short name", arguments: images)
    func longNameMismatch(_ image: String) throws {
        var patched = try PatchedImage(image)
        let short = try #require(patched.find(Array("ARATHE~1TXT".utf8)))
        patched.bytes[short + 7] = UInt8(ascii: "2")
        let (volume, listing) = try open(patched)
        #expect(listing.problems.contains { $0.code == .longNameMismatch && $0.path == "ARATHE~2.TXT" })
        let file = try #require(listing.files.first { $0.path == "ARATHE~2.TXT" })
        #expect(file.size == 3000)
        #expect(try readAll(volume, file).count == 3000)
        #expect(!listing.files.contains { $0.path.hasPrefix("A rather long") })
    }

    @Test("an orphaned long-name entry is a problem; its neighbours are read", arguments: images)
    func orphanLongName(_ image: String) throws {
        var patched = try PatchedImage(image)
        // Drop the first (last-part) entry of the long name: the others become orphans.
        let short = try #require(patched.find(Array("ARATHE~1TXT".utf8)))
        var entry = short - 32
        while patched.bytes[entry + 11] == 0x0F && patched.bytes[entry] & 0x40 == 0 { entry -= 32 }
        patched.bytes[entry] = 0xE5
        let (_, listing) = try open(patched)
        #expect(listing.problems.contains { $0.code == .longNameMismatch })
        #expect(listing.files.contains { $0.path == "ARATHE~1.TXT" })
        #expect(listing.files.contains { $0.path == "README.TXT" })
    }

    @Test("a directory full of garbage records at most 100 problems and a summary")
    func problemFlood() throws {
        var patched = try PatchedImage("fat12.img")
        let layout = FATLayout(patched)
        let root = layout.fatOffset + 2 * 9 * 512
        let end = try #require((0..<224).first { patched.bytes[root + 32 * $0] == 0 })
        for index in end..<224 {
            let entry = root + 32 * index
            patched.bytes.replaceSubrange(entry..<(entry + 11), with: [UInt8](repeating: 0x01, count: 11))
            patched.bytes[entry + 11] = 0x20
        }
        let (_, listing) = try open(patched)
        let rootProblems = listing.problems.filter { $0.path == "" }
        #expect(rootProblems.count == 101)
        #expect(rootProblems.last?.message.contains("\(224 - end - 100) more problems") == true)
        #expect(listing.files.contains { $0.path == "README.TXT" })
    }

    @Test("an entry with control characters in its short name is skipped as invalid", arguments: images)
    func invalidShortName(_ image: String) throws {
        var patched = try PatchedImage(image)
        let entry = try #require(patched.find(Array("README  TXT".utf8)))
        patched.bytes[entry + 2] = 0x01
        let (_, listing) = try open(patched)
        #expect(listing.problems.contains { $0.code == .directoryEntryInvalid })
        #expect(!listing.files.contains { $0.path.hasPrefix("RE") })
        #expect(listing.files.contains { $0.path == "lower.txt" })
    }
}
