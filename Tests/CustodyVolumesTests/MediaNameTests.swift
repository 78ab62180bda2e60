// Names on evidence media that a custody record cannot keep as text (NUL, unpaired
// surrogates) or that would make a path ambiguous ('/'): escaped faithfully and
// reversibly, and the file is still listed and read.
import CustodyVolumes
import Foundation
import Testing

@Suite("Names read from media")
struct MediaNameTests {
    private func open(_ image: PatchedImage) throws -> (any EvidenceVolume, VolumeListing) {
        let volume = try TestImages.volume(on: image.device)
        return (volume, volume.list())
    }

    static let fatImages = ["fat12.img", "fat16.img", "fat32.img"]
    static let longName = "A rather long file name for the evidence log (version 2).txt"

    /// Replaces, in every long-name entry of the image, the UTF-16 unit `from` by `to`
    /// (the checksum VFAT entries carry is the short name's, so it stays right).
    static func patchLongNameUnits(_ image: inout PatchedImage, _ replacements: [UInt16: UInt16]) {
        let positions = [1, 3, 5, 7, 9, 14, 16, 18, 20, 22, 24, 28, 30]
        var entry = 0
        while entry + 32 <= image.bytes.count {
            // A long-name entry: attribute 0x0F, type 0, first cluster 0.
            if image.bytes[entry + 11] == 0x0F, image.bytes[entry + 12] == 0, image.u16(entry + 26) == 0,
               image.bytes[entry] != 0xE5, image.bytes[entry] & 0x1F != 0 {
                for p in positions {
                    if let to = replacements[UInt16(image.u16(entry + p))] { image.put16(entry + p, Int(to)) }
                }
            }
            entry += 32
        }
    }

    @Test("a long name with a lone surrogate, '/', '\\' and ESC: kept, escaped reversibly, and the file is read", .needsTestImages, arguments: fatImages)
    func fatLongName(_ image: String) throws {
        var patched = try PatchedImage(image)
        // In the long name "A rather long …": 'A' → U+D800 (lone), 'h' → '/', 'g' → '\', 'v' → ESC.
        Self.patchLongNameUnits(&patched, [0x41: 0xD800, 0x68: 0x2F, 0x67: 0x5C, 0x76: 0x1B])
        let (volume, listing) = try open(patched)
        let file = try #require(listing.files.first { $0.shortName == "ARATHE~1.TXT" }, "\(listing.files.map(\.path))")
        #expect(file.name == #"\u{D800} rat\u{002F}er lon\\ file name for t\u{002F}e e"# + "\u{1B}" + #"idence lo\\ ("# + "\u{1B}" + "ersion 2).txt")
        #expect(file.path == file.name, "one name at the root, no ambiguous '/' in it")
        #expect(!file.name.unicodeScalars.contains("\u{FFFD}") && !file.name.unicodeScalars.contains("\0"))
        // Reversible: the escaped name gives back exactly the units on the medium.
        var expected = Array(Self.longName.utf16)
        for (i, unit) in expected.enumerated() {
            expected[i] = [0x41: 0xD800, 0x68: 0x2F, 0x67: 0x5C, 0x76: 0x1B][unit] ?? unit
        }
        #expect(MediaText.units(ofEscaped: file.name) == expected)
        #expect(listing.problems.contains { $0.code == .directoryEntryInvalid && $0.path == file.path }, "the forbidden characters are noted")
        #expect(try readAll(volume, file).count == 3000)
    }

    @Test("an exFAT name holding NUL and a lone surrogate: kept, escaped, and the file is read", .needsTestImages)
    func exfatName() throws {
        var patched = try PatchedImage("exfat.img")
        let layout = ExFATLayout(patched)
        let entry = try #require(layout.fileEntry(patched, named: "Доказ_001.mp4"))
        // "Доказ_001.mp4": '_' → NUL, '0' (the first) → U+DC00.
        let name = entry + 64 + 2
        #expect(patched.u16(name + 2 * 5) == 0x5F && patched.u16(name + 2 * 6) == 0x30)
        patched.put16(name + 2 * 5, 0x0000)
        patched.put16(name + 2 * 6, 0xDC00)
        ExFATLayout.fixSetChecksum(&patched, file: entry)
        let (volume, listing) = try open(patched)
        let file = try #require(listing.files.first { $0.path.hasPrefix("Доказ") }, "\(listing.files.map(\.path))")
        #expect(file.path == #"Доказ\u{0000}\u{DC00}01.mp4"#)
        #expect(MediaText.units(ofEscaped: file.path) == Array("Доказ".utf16) + [0, 0xDC00] + Array("01.mp4".utf16))
        #expect(listing.problems.contains { $0.code == .directoryEntryInvalid && $0.path == file.path })
        let original = try #require(try TestImages.volume("exfat.img").list().files.first { $0.path == "Доказ_001.mp4" })
        #expect(try readAll(volume, file) == readAll(try TestImages.volume("exfat.img"), original))
    }

    @Test("escaping is reversible for any sequence of UTF-16 units")
    func reversible() {
        var random = SystemRandomNumberGenerator()
        let interesting: [UInt16] = [0, 0x2F, 0x5C, 0x1B, 0x7F, 0xD800, 0xDBFF, 0xDC00, 0xDFFF, 0xFFFF, 0x41, 0x75, 0x7B, 0x7D]
        for _ in 0..<5000 {
            let units: [UInt16] = (0..<Int.random(in: 0...20, using: &random)).map { _ in
                Bool.random(using: &random) ? interesting.randomElement(using: &random)! : UInt16.random(in: 0...0xFFFF, using: &random)
            }
            let escaped = MediaText.escaped(units)
            #expect(MediaText.units(ofEscaped: escaped) == units, "\(units)")
            #expect(!escaped.unicodeScalars.contains("\0") && !escaped.unicodeScalars.contains("/"))
        }
        #expect(MediaText.escaped(Array("plain Доказ.mp4".utf16)) == "plain Доказ.mp4", "ordinary names are unchanged")
    }
}
