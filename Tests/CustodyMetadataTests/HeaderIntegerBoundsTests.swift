// Every integer a media header carries, at the edges of its field: the reader bounds it
// before any arithmetic (Sources/CustodyMetadata/README.md lists the ranges), answers
// with a problem that names the structure, and never traps or allocates by the file's word.
import CustodyMetadata
import Foundation
import Testing

@Suite("Media header integers at their extremes")
struct HeaderIntegerBoundsTests {
    static func be32(_ v: UInt32) -> [UInt8] { (0..<4).reversed().map { UInt8(truncatingIfNeeded: v >> (8 * UInt32($0))) } }
    static func be64(_ v: UInt64) -> [UInt8] { (0..<8).reversed().map { UInt8(truncatingIfNeeded: v >> (8 * UInt64($0))) } }
    static func le16(_ v: UInt16) -> [UInt8] { [UInt8(v & 0xFF), UInt8(v >> 8)] }
    static func le32(_ v: UInt32) -> [UInt8] { (0..<4).map { UInt8(truncatingIfNeeded: v >> (8 * UInt32($0))) } }
    static func le64(_ v: UInt64) -> [UInt8] { (0..<8).map { UInt8(truncatingIfNeeded: v >> (8 * UInt64($0))) } }
    static func box(_ type: String, _ payload: [UInt8]) -> [UInt8] { be32(UInt32(8 + payload.count)) + Array(type.utf8) + payload }
    static let ftyp = box("ftyp", Array("isom".utf8) + be32(0) + Array("isommp41".utf8))

    /// An mvhd of `version` with the given creation time, timescale and duration.
    static func mvhd(version: UInt8, creation: UInt64, timescale: UInt32, duration: UInt64) -> [UInt8] {
        let times: [UInt8] = version == 1
            ? be64(creation) + be64(creation) + be32(timescale) + be64(duration)
            : be32(UInt32(truncatingIfNeeded: creation)) + be32(UInt32(truncatingIfNeeded: creation)) + be32(timescale)
              + be32(UInt32(truncatingIfNeeded: duration))
        return box("mvhd", [version, 0, 0, 0] + times + [UInt8](repeating: 0, count: 80))
    }

    func read(_ bytes: [UInt8]) -> MediaMetadata { MetadataReader.read(BytesInput(bytes)) }

    @Test("MP4 box sizes: a 64-bit size past the file, a 32-bit size of 0xFFFFFFFF, sizes below their header")
    func boxSizes() {
        let large = read(Self.ftyp + Self.be32(1) + Array("moov".utf8) + Self.be64(UInt64.max))
        #expect(large.problems.contains { $0.contains("box 'moov'") && $0.contains("claims 18446744073709551615 bytes") })
        let wide = read(Self.ftyp + Self.be32(UInt32.max) + Array("free".utf8))
        #expect(wide.problems.contains { $0.contains("box 'free'") && $0.contains("claims 4294967295 bytes") })
        let small = read(Self.ftyp + Self.be32(1) + Array("moov".utf8) + Self.be64(15))
        #expect(small.problems.contains { $0.contains("smaller than its 16-byte header") })
        let nested = read(Self.ftyp + Self.box("moov", Self.be32(UInt32.max) + Array("trak".utf8)))
        #expect(nested.problems.contains { $0.contains("box 'trak'") && $0.contains("in its parent 'moov'") })
    }

    @Test("mvhd: creation time, timescale and duration at their limits", arguments: [
        (UInt8(1), UInt64.max, UInt32(1), UInt64.max - 1, "past the year 9999"),
        (UInt8(1), UInt64(1), UInt32(0), UInt64(5), "timescale 0"),
        (UInt8(0), UInt64(UInt32.max), UInt32.max, UInt64(UInt32.max), ""),
        (UInt8(7), UInt64(1), UInt32(1), UInt64(1), "only versions 0 and 1"),
    ])
    func movieHeader(version: UInt8, creation: UInt64, timescale: UInt32, duration: UInt64, problem: String) {
        let meta = read(Self.ftyp + Self.box("moov", Self.mvhd(version: version, creation: creation, timescale: timescale, duration: duration)))
        if !problem.isEmpty { #expect(meta.problems.contains { $0.contains(problem) }, Comment(rawValue: meta.problems.joined(separator: "; "))) }
        if let duration = meta.durationSeconds { #expect(duration.isFinite && duration >= 0) }
        if let recorded = meta.recordedAt { #expect(recorded.timeIntervalSince1970 <= 253_402_300_799) }
    }

    /// A JPEG whose EXIF TIFF is `tiff` (big-endian "MM").
    static func jpeg(tiff: [UInt8]) -> [UInt8] {
        let payload = Array("Exif".utf8) + [0, 0] + tiff
        return [0xFF, 0xD8, 0xFF, 0xE1] + [UInt8((payload.count + 2) >> 8), UInt8((payload.count + 2) & 0xFF)] + payload + [0xFF, 0xD9]
    }

    static func be16(_ v: UInt16) -> [UInt8] { [UInt8(v >> 8), UInt8(v & 0xFF)] }

    @Test("EXIF: IFD offsets and counts, value counts and offsets at their limits")
    func exif() {
        let farIFD = read(Self.jpeg(tiff: Array("MM".utf8) + Self.be16(42) + Self.be32(UInt32.max)))
        #expect(farIFD.problems.contains { $0.contains("IFD0") && $0.contains("past the end of the EXIF data") })
        let manyEntries = read(Self.jpeg(tiff: Array("MM".utf8) + Self.be16(42) + Self.be32(8) + Self.be16(UInt16.max)))
        #expect(manyEntries.problems.contains { $0.contains("claims 65535 entries") })
        // IFD0 → Exif IFD whose DateTimeOriginal claims 0xFFFFFFFF ASCII bytes at offset 0xFFFFFFFF.
        let exifIFD = Self.be16(1) + Self.be16(0x9003) + Self.be16(2) + Self.be32(UInt32.max) + Self.be32(UInt32.max) + Self.be32(0)
        let ifd0 = Self.be16(1) + Self.be16(0x8769) + Self.be16(4) + Self.be32(1) + Self.be32(26) + Self.be32(0)
        let hugeValue = read(Self.jpeg(tiff: Array("MM".utf8) + Self.be16(42) + Self.be32(8) + ifd0 + exifIFD))
        #expect(hugeValue.problems.contains { $0.contains("DateTimeOriginal") && $0.contains("4294967295 bytes") })
        #expect(hugeValue.recordedAt == nil)
    }

    /// A RIFF/RF64 WAVE from its chunks.
    static func wave(form: String = "RIFF", riffSize: UInt32? = nil, _ chunks: [[UInt8]]) -> [UInt8] {
        let body = Array("WAVE".utf8) + chunks.flatMap { $0 }
        return Array(form.utf8) + le32(riffSize ?? UInt32(body.count)) + body
    }

    static func chunk(_ id: String, size: UInt32? = nil, _ payload: [UInt8]) -> [UInt8] {
        Array(id.utf8) + le32(size ?? UInt32(payload.count)) + payload + (payload.count % 2 == 1 ? [0] : [])
    }

    static let fmt = chunk("fmt ", [1, 0, 1, 0] + le32(8000) + le32(16000) + [2, 0, 16, 0])

    @Test("RIFF and chunk sizes of 0xFFFFFFFF, ds64 sizes and table counts at their 64- and 32-bit limits")
    func riff() {
        let riff = read(Self.wave(riffSize: UInt32.max, [Self.fmt, Self.chunk("data", [0, 0])]))
        #expect(riff.problems.contains { $0.contains("'RIFF' header") || $0.contains("RIFF header") })
        let data = read(Self.wave([Self.fmt, Self.chunk("data", size: UInt32.max, [0, 0])]))
        #expect(data.problems.contains { $0.contains("chunk 'data'") && $0.contains("claims 4294967295 bytes") })
        let ds64 = Self.chunk("ds64", Self.le64(UInt64.max) + Self.le64(UInt64.max - 1) + Self.le64(UInt64.max) + Self.le32(UInt32.max))
        let rf64 = read(Self.wave(form: "RF64", riffSize: UInt32.max, [ds64, Self.fmt, Self.chunk("data", size: UInt32.max, [0, 0])]))
        #expect(rf64.problems.contains { $0.contains("lists 4294967295 table entries but has room for 0") })
        #expect(rf64.problems.contains { $0.contains("chunk 'data'") && $0.contains("claims 18446744073709551614 bytes") })
        if let duration = rf64.durationSeconds { #expect(duration.isFinite && duration >= 0) }
        let bigDS64 = read(Self.wave(form: "RF64", riffSize: UInt32.max, [Self.chunk("ds64", size: UInt32.max, [])]))
        #expect(bigDS64.problems.contains { $0.contains("chunk 'ds64'") })
    }

    @Test("fmt and bext: byte rate 0, rates and TimeReference at their limits")
    func formatAndBext() {
        let zeroRate = read(Self.wave([Self.chunk("fmt ", [1, 0, 1, 0] + Self.le32(UInt32.max) + Self.le32(0) + [255, 255, 255, 255]),
                                       Self.chunk("data", [0, 0])]))
        #expect(zeroRate.problems.contains { $0.contains("byte rate of 0") })
        #expect(zeroRate.durationSeconds == nil)
        var bext = [UInt8](repeating: 0, count: 602)
        bext.replaceSubrange(320..<338, with: Array("2026-03-1409:30:00".utf8))
        bext.replaceSubrange(338..<346, with: Self.le64(UInt64.max))
        let fastFmt = Self.chunk("fmt ", [1, 0, 1, 0] + Self.le32(UInt32.max) + Self.le32(UInt32.max) + [2, 0, 16, 0])
        let meta = read(Self.wave([fastFmt, Self.chunk("bext", bext), Self.chunk("data", [0, 0])]))
        // TimeReference far past its second: the stated date and time stand, to the second.
        #expect(meta.recordedAt == Date(timeIntervalSince1970: 1_773_480_600))
        #expect(meta.recordedAtSource == "bwf.bext")
    }
}
