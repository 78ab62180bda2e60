// A listing keeps to its bounds whatever the card says: a crafted card nesting
// directories thousands deep with 255-character names (scripts/make-deep-image.py,
// checked by fsck.fat and The Sleuth Kit), and the real images under small bounds.
import CustodyTestSupport
import CustodyVolumes
import Foundation
import Testing

@Suite("Listing bounds")
struct ListingLimitsTests {
    /// A deep card made by the generator (mkfs.fat, then the nested directories).
    static func deepCard(depth: Int, nameLength: Int = 255) throws -> String {
        let path = TestImages.scratch.appendingPathComponent("deep-\(depth)-\(UUID().uuidString).img").path
        let script = TestImages.packageRoot.appendingPathComponent("scripts/make-deep-image.py").path
        _ = try ExternalTool.python3.runBlocking([script, path, "--depth", "\(depth)", "--name-length", "\(nameLength)"], timeout: 300)
        return path
    }

    /// What a listing holds in strings: every directory path and problem message.
    static func heldBytes(_ listing: VolumeListing) -> Int {
        listing.directories.reduce(0) { $0 + $1.utf8.count } + listing.problems.reduce(0) { $0 + $1.message.utf8.count }
    }

    @Test("4,000 nested directories with 255-character names: the listing stops at the path bound and stays small")
    func deepLongNames() throws {
        let path = try Self.deepCard(depth: 4000)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let volume = try TestImages.volume(on: try FileBlockDevice(path: path))
        let limits = ListingLimits.standard
        let listing = volume.list()
        // Level k's path is 256 k - 1 bytes: level 16 is the last within 4,096.
        #expect(listing.directories.count == 16)
        #expect(listing.files.isEmpty, "the file at the bottom lies past the bound")
        let cut = listing.problems.filter { $0.code == .pathTooLong }
        #expect(cut.count == 1 && cut.first?.path == listing.directories.last, "\(listing.problems)")
        #expect(listing.directories.allSatisfy { $0.utf8.count <= limits.maximumPathBytes })
        // Without the bounds this card holds 4,000 paths averaging 512 KB: about 2 GB.
        #expect(Self.heldBytes(listing) < 256 << 10)
    }

    @Test("4,000 nested directories with short names: the listing stops at the depth bound, says where, and stays small")
    func deepShortNames() throws {
        let path = try Self.deepCard(depth: 4000, nameLength: 8)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let volume = try TestImages.volume(on: try FileBlockDevice(path: path))
        let limits = ListingLimits.standard
        let listing = volume.list()
        #expect(listing.directories.count == limits.maximumDepth, "levels 1…\(limits.maximumDepth) are read")
        #expect(listing.files.isEmpty)
        let cut = listing.problems.filter { $0.code == .directoryTooDeep }
        #expect(cut.count == 1 && cut.first?.path == listing.directories.last, "\(listing.problems)")
        #expect(cut.first?.message.contains("1 subdirectory is not read") == true, "\(cut)")
        #expect(Self.heldBytes(listing) < 256 << 10)
    }

    @Test("a path over the bound is not listed, nor anything under it (path-too-long)")
    func pathTooLong() throws {
        let path = try Self.deepCard(depth: 40)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let volume = try TestImages.volume(on: try FileBlockDevice(path: path))
        // 255-character names: the fifth level's path passes 1,200 bytes.
        let listing = volume.list(limits: ListingLimits(maximumPathBytes: 1200))
        #expect(listing.directories.count == 4)
        let problem = try #require(listing.problems.first { $0.code == .pathTooLong })
        #expect(problem.path == listing.directories.last && problem.message.contains("nor anything under it"), "\(problem)")
    }

    @Test("a directory with more entries than the bound lists the first ones (directory-too-many-entries)", .needsTestImages, arguments: ["fat32.img", "exfat.img"])
    func tooManyEntries(_ image: String) throws {
        let volume = try TestImages.volume(image)
        let all = volume.list()
        let rootEntries = all.files.filter { !$0.path.contains("/") }.count + all.directories.filter { !$0.contains("/") }.count
        #expect(rootEntries > 3)
        let listing = volume.list(limits: ListingLimits(maximumEntriesPerDirectory: 3))
        let problem = try #require(listing.problems.first { $0.code == .directoryTooManyEntries && $0.path == "" })
        #expect(problem.message.contains("more than 3"))
        let listed = listing.files.filter { !$0.path.contains("/") }.count + listing.directories.filter { !$0.contains("/") }.count
        #expect(listed == 3)
    }

    @Test("a listing over its memory bound stops and says so (listing-too-large)", .needsTestImages, arguments: ["fat16.img", "exfat.img"])
    func listingTooLarge(_ image: String) throws {
        let volume = try TestImages.volume(image)
        let all = volume.list()
        let listing = volume.list(limits: ListingLimits(maximumListingBytes: 2048))
        #expect(listing.problems.contains { $0.code == .listingTooLarge && $0.message.contains("2048 bytes") }, "\(listing.problems)")
        #expect(listing.files.count < all.files.count)
    }

    @Test("the everyday images are listed whole under the standard bounds", .needsTestImages, arguments: ["fat12.img", "fat16.img", "fat32.img", "exfat.img"])
    func everydayWithinBounds(_ image: String) throws {
        let listing = try TestImages.volume(image).list()
        let bounds: Set<VolumeError.Code> = [.directoryTooDeep, .pathTooLong, .directoryTooManyEntries, .listingTooLarge]
        #expect(!listing.problems.contains { bounds.contains($0.code) })
    }
}
