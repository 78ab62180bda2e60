// Real FAT images (mkfs.fat + mtools) damaged in many ways, seeded and repeatable:
// whatever a listing lets through to be read must either be a file the card really
// held, byte for byte, or carry a doubt saying why its bytes may not be. A file that
// cannot be read (an error) is never stored, so it is not at issue here.
//
// The damage is to the metadata a reader must trust: the FAT (one copy, or both),
// directory entries, the image's length. Not here, because nothing on a FAT volume
// can reveal them: a file's own data clusters overwritten, a size changed by less
// than a cluster, and both FAT copies rewritten alike to route a chain through free
// clusters (a consistent forgery, not damage).
import CustodyVolumes
import Foundation
import Testing

@Suite("Damaged media: every item whose bytes differ from the card's says so", .needsTestImages)
struct DamagedMediaTests {
    static let images = ["fat12.img", "fat16.img", "fat32.img"]
    static let seeds = Array(UInt64(1)...UInt64(6))

    /// A small seeded generator (SplitMix64): the same damage on every run.
    struct Random {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        mutating func below(_ bound: Int) -> Int { bound <= 1 ? 0 : Int(next() % UInt64(bound)) }
        mutating func pick<T>(_ items: [T]) -> T { items[below(items.count)] }
    }

    /// The intact card: each file's bytes, clusters and directory entry.
    struct Original {
        struct File {
            var path: String
            var bytes: [UInt8]
            var clusters: [Int]
            var entry: Int?
        }
        let image: PatchedImage
        let layout: FATLayout
        let files: [File]
        /// The files' bytes by length.
        let contents: [Int: [[UInt8]]]
        let fatBytes: Int

        init(_ name: String) throws {
            image = try PatchedImage(name)
            layout = FATLayout(image)
            let volume = try TestImages.volume(on: image.device)
            var files: [File] = []
            for file in volume.list().files {
                let clusters = try volume.clusterRuns(of: file).flatMap { run in (0..<Int(run.count)).map { Int(run.first) + $0 } }
                files.append(File(path: file.path, bytes: try readAll(volume, file), clusters: clusters,
                                  entry: Self.entry(of: file, in: image, layout: layout)))
            }
            self.files = files
            contents = Dictionary(grouping: files.map(\.bytes), by: \.count)
            let sectors = image.u16(22) != 0 ? image.u16(22) : image.u32(36)
            fatBytes = sectors * layout.bytesPerSector
        }

        /// Where a file's short directory entry is: its first cluster and size, not a directory.
        static func entry(of file: VolumeFile, in image: PatchedImage, layout: FATLayout) -> Int? {
            var offset = layout.fatOffset
            while offset + 32 <= image.bytes.count {
                let cluster = image.u16(offset + 26) | (layout.fatBits == 32 ? image.u16(offset + 20) << 16 : 0)
                if image.bytes[offset] != 0xE5, image.bytes[offset + 11] & 0x18 == 0, image.bytes[offset + 11] != 0x0F,
                   cluster == Int(file.firstCluster), image.u32(offset + 28) == Int(file.size), file.size > 0 {
                    return offset
                }
                offset += 32
            }
            return nil
        }

        /// Whether `bytes` are exactly some file of the card.
        func holds(_ bytes: [UInt8]) -> Bool {
            (contents[bytes.count] ?? []).contains { candidate in
                candidate.withUnsafeBytes { a in bytes.withUnsafeBytes { b in a.count == 0 || memcmp(a.baseAddress!, b.baseAddress!, a.count) == 0 } }
            }
        }

        var chained: [File] { files.filter { $0.clusters.count >= 2 } }
        var allocated: [Int] { files.flatMap(\.clusters) }
    }

    /// Sets the entry of `cluster` in the FAT copy `copy` (0 is the active one).
    static func setEntry(_ image: inout PatchedImage, _ o: Original, copy: Int, _ cluster: Int, _ value: Int) {
        var layout = o.layout
        layout.fatOffset += copy * o.fatBytes
        layout.setEntry(&image, cluster, value)
    }

    static func setBoth(_ image: inout PatchedImage, _ o: Original, _ cluster: Int, _ value: Int) {
        setEntry(&image, o, copy: 0, cluster, value)
        setEntry(&image, o, copy: 1, cluster, value)
    }

    /// One kind of damage, applied with `random`; a short description for the failure message.
    typealias Damage = @Sendable (inout PatchedImage, Original, inout Random) -> String

    static let damages: [(String, Damage)] = [
        ("a link of the active FAT into another file's chain", { image, o, r in
            let file = r.pick(o.chained), other = r.pick(o.files.filter { $0.path != file.path && !$0.clusters.isEmpty })
            let at = r.below(file.clusters.count - 1), target = r.pick(other.clusters)
            setEntry(&image, o, copy: 0, file.clusters[at], target)
            return "\(file.path) link \(at) → \(other.path) cluster \(target)"
        }),
        ("a link of the active FAT to a free cluster", { image, o, r in
            let file = r.pick(o.chained), at = r.below(file.clusters.count - 1)
            let free = o.layout.freeCluster(image) ?? 2
            setEntry(&image, o, copy: 0, file.clusters[at], free)
            setEntry(&image, o, copy: 0, free, o.layout.endOfChain)
            return "\(file.path) link \(at) → free \(free)"
        }),
        ("two entries of a chain swapped in the active FAT", { image, o, r in
            let file = r.pick(o.chained.filter { $0.clusters.count >= 3 })
            let c = file.clusters, i = r.below(c.count - 2)
            // a → b → c becomes a → c → b: the same clusters in another order.
            setEntry(&image, o, copy: 0, c[i], c[i + 2])
            setEntry(&image, o, copy: 0, c[i + 2], c[i + 1])
            setEntry(&image, o, copy: 0, c[i + 1], i + 3 < c.count ? c[i + 3] : o.layout.endOfChain)
            return "\(file.path) clusters \(i + 1) and \(i + 2) swapped"
        }),
        ("random bytes over part of the active FAT", { image, o, r in
            let cluster = r.pick(o.allocated)
            let start = o.layout.fatOffset + cluster * o.layout.fatBits / 8
            let count = 1 + r.below(48)
            for i in 0..<count where start + i < o.layout.fatOffset + o.fatBytes { image.bytes[start + i] = UInt8(r.below(256)) }
            return "\(count) bytes at FAT byte \(start - o.layout.fatOffset)"
        }),
        ("random bytes over part of the second FAT only", { image, o, r in
            let cluster = r.pick(o.allocated)
            let start = o.layout.fatOffset + o.fatBytes + cluster * o.layout.fatBits / 8
            for i in 0..<(1 + r.below(48)) { image.bytes[start + i] = UInt8(r.below(256)) }
            return "second FAT near cluster \(cluster)"
        }),
        ("both FATs: a link into another file's chain", { image, o, r in
            let file = r.pick(o.chained), other = r.pick(o.files.filter { $0.path != file.path && !$0.clusters.isEmpty })
            let at = r.below(file.clusters.count - 1), target = r.pick(other.clusters)
            setBoth(&image, o, file.clusters[at], target)
            return "\(file.path) link \(at) → \(other.path) cluster \(target), both copies"
        }),
        ("both FATs: a chain made longer", { image, o, r in
            let file = r.pick(o.files.filter { !$0.clusters.isEmpty })
            let free = o.layout.freeCluster(image) ?? 2
            setBoth(&image, o, file.clusters.last!, free)
            setBoth(&image, o, free, o.layout.endOfChain)
            return "\(file.path) extended by free cluster \(free)"
        }),
        ("both FATs: a chain cut short", { image, o, r in
            let file = r.pick(o.chained), at = r.below(file.clusters.count - 1)
            setBoth(&image, o, file.clusters[at], o.layout.endOfChain)
            return "\(file.path) ends after \(at + 1) clusters"
        }),
        ("a directory entry's first cluster moved into another file", { image, o, r in
            let file = r.pick(o.files.filter { $0.entry != nil }), other = r.pick(o.files.filter { $0.path != file.path && !$0.clusters.isEmpty })
            let target = r.pick(other.clusters), entry = file.entry!
            image.put16(entry + 26, target & 0xFFFF)
            if o.layout.fatBits == 32 { image.put16(entry + 20, target >> 16) }
            return "\(file.path) starts at \(other.path)'s cluster \(target)"
        }),
        ("a directory entry's size changed by whole clusters", { image, o, r in
            let file = r.pick(o.files.filter { $0.entry != nil })
            let clusterBytes = o.layout.bytesPerSector * o.layout.sectorsPerCluster
            let size = image.u32(file.entry! + 28)
            // Whole clusters more or fewer, so that the size and the chain disagree.
            let k = 1 + r.below(2)
            let changed = r.below(2) == 0 || size <= k * clusterBytes ? size + k * clusterBytes : size - k * clusterBytes
            image.put32(file.entry! + 28, changed)
            return "\(file.path) size \(size) → \(changed)"
        }),
        ("random bytes over a directory entry", { image, o, r in
            let file = r.pick(o.files.filter { $0.entry != nil })
            let start = file.entry! + r.below(24)
            for i in 0..<(1 + r.below(8)) { image.bytes[start + i] = UInt8(r.below(256)) }
            return "\(file.path)'s entry at byte \(start - file.entry!)"
        }),
        ("the image cut short", { image, o, r in
            let dataStart = o.layout.dataOffset
            let cut = dataStart + r.below(image.bytes.count - dataStart)
            image.bytes.removeSubrange(cut...)
            return "cut at byte \(cut)"
        }),
    ]

    @Test("every file read from a damaged card is an original, or carries a doubt", arguments: images)
    func everyDifferingItemIsNoted(_ name: String) throws {
        let original = try Original(name)
        var differing = 0, noted = 0
        for (kind, damage) in Self.damages {
            for seed in Self.seeds {
                var random = Random(state: seed &* 7919 &+ UInt64(kind.count))
                var image = original.image
                let what = damage(&image, original, &random)
                image.name = "\(name) (\(kind): \(what))"
                guard let volume = try? TestImages.volume(on: image.device) else { continue }
                for file in volume.list().files where file.problem == nil {
                    guard let bytes = try? readAll(volume, file) else { continue }
                    if original.holds(bytes) { continue }
                    differing += 1
                    if !file.doubts.isEmpty { noted += 1 }
                    #expect(!file.doubts.isEmpty, "\(image.name): '\(file.path)' reads \(bytes.count) bytes no file of the card held, and nothing says so")
                }
            }
        }
        // The damage did reach files (the test would prove nothing otherwise).
        #expect(differing > 0 && noted == differing, "\(name): \(noted) of \(differing) differing files noted")
    }
}
