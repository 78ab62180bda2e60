// Handmade byte fixtures: boxes, chunks and TIFF structures built field by field.
import Foundation

/// Integer and text encoding for fixtures.
enum Enc {
    static func be16(_ value: UInt16) -> [UInt8] { [UInt8(value >> 8), UInt8(value & 0xFF)] }
    static func be32(_ value: UInt32) -> [UInt8] { (0..<4).reversed().map { UInt8((value >> (8 * UInt32($0))) & 0xFF) } }
    static func be64(_ value: UInt64) -> [UInt8] { (0..<8).reversed().map { UInt8((value >> (8 * UInt64($0))) & 0xFF) } }
    static func le16(_ value: UInt16) -> [UInt8] { be16(value).reversed() }
    static func le32(_ value: UInt32) -> [UInt8] { be32(value).reversed() }
    static func le64(_ value: UInt64) -> [UInt8] { be64(value).reversed() }
    static func ascii(_ text: String) -> [UInt8] { Array(text.utf8) }
    /// `text` NUL-padded (or cut) to exactly `length` bytes.
    static func fixed(_ text: String, _ length: Int) -> [UInt8] {
        let bytes = Array(text.utf8.prefix(length))
        return bytes + [UInt8](repeating: 0, count: length - bytes.count)
    }
}

/// ISO base media boxes.
enum Box {
    /// A box with a 32-bit size.
    static func make(_ type: String, _ payload: [UInt8] = []) -> [UInt8] {
        Enc.be32(UInt32(8 + payload.count)) + Enc.ascii(type) + payload
    }

    /// A box with size field 1 and a 64-bit size.
    static func large(_ type: String, _ payload: [UInt8] = []) -> [UInt8] {
        Enc.be32(1) + Enc.ascii(type) + Enc.be64(UInt64(16 + payload.count)) + payload
    }

    /// A box header with an arbitrary size field, followed by `payload`.
    static func raw(size: UInt32, _ type: String, _ payload: [UInt8] = []) -> [UInt8] {
        Enc.be32(size) + Enc.ascii(type) + payload
    }

    static func ftyp(_ major: String, _ compatible: [String] = ["isom", "mp41"]) -> [UInt8] {
        make("ftyp", Enc.ascii(major) + Enc.be32(0x200) + compatible.flatMap(Enc.ascii))
    }

    /// A complete version 0 movie header (108 bytes).
    static func mvhdV0(creation: UInt32, timescale: UInt32, duration: UInt32) -> [UInt8] {
        make("mvhd", [0, 0, 0, 0] + Enc.be32(creation) + Enc.be32(creation) + Enc.be32(timescale)
             + Enc.be32(duration) + movieHeaderTail)
    }

    /// A complete version 1 movie header (120 bytes).
    static func mvhdV1(creation: UInt64, timescale: UInt32, duration: UInt64) -> [UInt8] {
        make("mvhd", [1, 0, 0, 0] + Enc.be64(creation) + Enc.be64(creation) + Enc.be32(timescale)
             + Enc.be64(duration) + movieHeaderTail)
    }

    /// rate, volume, reserved, matrix, pre_defined, next_track_ID.
    static let movieHeaderTail: [UInt8] = Enc.be32(0x0001_0000) + Enc.be16(0x0100) + [UInt8](repeating: 0, count: 10)
        + [0x0001_0000, 0, 0, 0, 0x0001_0000, 0, 0, 0, 0x4000_0000].flatMap { Enc.be32($0) }
        + [UInt8](repeating: 0, count: 24) + Enc.be32(2)

    /// Seconds since 1904-01-01T00:00:00Z of an ISO 8601 time.
    static func seconds1904(_ iso: String) -> UInt64 {
        let formatter = ISO8601DateFormatter()
        let date = formatter.date(from: iso) ?? Date(timeIntervalSince1970: 0)
        return UInt64(Int64(date.timeIntervalSince1970) + 2_082_844_800)
    }
}

/// RIFF/WAVE chunks.
enum Chunk {
    /// A chunk with its pad byte when the payload is odd-sized.
    static func make(_ id: String, _ payload: [UInt8]) -> [UInt8] {
        Enc.ascii(id) + Enc.le32(UInt32(payload.count)) + payload + (payload.count % 2 == 1 ? [0] : [])
    }

    /// A chunk header with an arbitrary size field, followed by `payload`.
    static func raw(_ id: String, size: UInt32, _ payload: [UInt8]) -> [UInt8] {
        Enc.ascii(id) + Enc.le32(size) + payload
    }

    static func pcmFormat(channels: UInt16 = 1, rate: UInt32 = 8000, bits: UInt16 = 16) -> [UInt8] {
        let align = channels * (bits / 8)
        return make("fmt ", Enc.le16(1) + Enc.le16(channels) + Enc.le32(rate) + Enc.le32(rate * UInt32(align))
                    + Enc.le16(align) + Enc.le16(bits))
    }

    /// A 602-byte bext payload plus coding history.
    static func bextPayload(date: String, time: String, description: String = "Courtroom 3",
                            timeReference: UInt64 = 48000 * 3600) -> [UInt8] {
        Enc.fixed(description, 256) + Enc.fixed("Custody", 32) + Enc.fixed("REF-0001", 32)
            + Enc.fixed(date, 10) + Enc.fixed(time, 8) + Enc.le64(timeReference) + Enc.le16(1)
            + [UInt8](repeating: 0, count: 64 + 10 + 180) + Enc.ascii("A=PCM,F=8000,W=16,M=mono\r\n")
    }

    /// RIFF....WAVE around the given chunks, with a correct RIFF size.
    static func wave(_ chunks: [[UInt8]], form: String = "RIFF") -> [UInt8] {
        let body = Enc.ascii("WAVE") + chunks.flatMap { $0 }
        return Enc.ascii(form) + Enc.le32(UInt32(body.count)) + body
    }
}

/// A TIFF/EXIF structure built from entries, laid out as: header, IFD0, Exif IFD, values.
struct TIFFBuilder {
    struct Entry {
        var tag: UInt16
        var type: UInt16
        var count: UInt32
        var data: [UInt8]
        /// Put this in the value field instead of the real offset of `data`.
        var forcedOffset: UInt32?

        static func ascii(_ tag: UInt16, _ text: String) -> Entry {
            let bytes = Enc.ascii(text) + [0]
            return Entry(tag: tag, type: 2, count: UInt32(bytes.count), data: bytes)
        }
    }

    var bigEndian = false
    var ifd0: [Entry] = []
    /// When set, IFD0 gets an Exif IFD pointer (0x8769) to an IFD with these entries.
    var exif: [Entry]?
    /// Overrides IFD0's next-IFD pointer.
    var ifd0Next: UInt32 = 0
    /// Overrides the Exif IFD pointer's value.
    var exifPointer: UInt32?

    func u16(_ value: UInt16) -> [UInt8] { bigEndian ? Enc.be16(value) : Enc.le16(value) }
    func u32(_ value: UInt32) -> [UInt8] { bigEndian ? Enc.be32(value) : Enc.le32(value) }

    func build() -> [UInt8] {
        var first = ifd0
        if exif != nil { first.append(Entry(tag: 0x8769, type: 4, count: 1, data: [0, 0, 0, 0])) }
        let ifd0Offset = 8
        let exifOffset = ifd0Offset + 2 + 12 * first.count + 4
        var dataOffset = exifOffset + (exif.map { 2 + 12 * $0.count + 4 } ?? 0)
        var values: [UInt8] = []

        func table(_ entries: [Entry], next: UInt32) -> [UInt8] {
            var out = u16(UInt16(entries.count))
            for entry in entries {
                out += u16(entry.tag) + u16(entry.type) + u32(entry.count)
                if entry.tag == 0x8769, exif != nil {
                    out += u32(exifPointer ?? UInt32(exifOffset))
                } else if let forced = entry.forcedOffset {
                    out += u32(forced)
                } else if entry.data.count <= 4 {
                    out += entry.data + [UInt8](repeating: 0, count: 4 - entry.data.count)
                } else {
                    out += u32(UInt32(dataOffset))
                    values += entry.data
                    dataOffset += entry.data.count
                }
            }
            return out + u32(next)
        }

        var out = Enc.ascii(bigEndian ? "MM" : "II") + u16(42) + u32(UInt32(ifd0Offset))
        out += table(first, next: ifd0Next)
        if let exif { out += table(exif, next: 0) }
        return out + values
    }

    /// A minimal JPEG: SOI, APP1 "Exif\0\0" + TIFF, a DQT stand-in, SOS, a little data, EOI.
    static func jpeg(tiff: [UInt8]) -> [UInt8] {
        let app1 = Enc.ascii("Exif") + [0, 0] + tiff
        return [0xFF, 0xD8] + [0xFF, 0xE1] + Enc.be16(UInt16(app1.count + 2)) + app1
            + [0xFF, 0xDB] + Enc.be16(4) + [0, 1]
            + [0xFF, 0xDA] + Enc.be16(8) + [1, 1, 0, 0, 63, 0] + [0x12, 0x34, 0x56]
            + [0xFF, 0xD9]
    }
}

/// A seeded SplitMix64 generator, so the fuzz inputs are the same on every run.
struct SeededGenerator: RandomNumberGenerator {
    var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    mutating func bytes(_ count: Int) -> [UInt8] {
        (0..<count).map { _ in UInt8.random(in: 0...255, using: &self) }
    }
}
