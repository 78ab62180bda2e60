// JPEG EXIF: exiftool-written times cross-checked against exiftool's own reading,
// and handmade TIFF structures for every malformed case.
import CustodyMetadata
import CustodyTestSupport
import Foundation
import Testing

@Suite("JPEG EXIF")
struct JPEGExifTests {
    typealias Entry = TIFFBuilder.Entry

    /// The instant exiftool's own output describes: DateTimeOriginal at OffsetTimeOriginal, plus SubSecTimeOriginal.
    static func exiftoolInstant(_ exif: [String: Any]) throws -> Date {
        let local = try #require(exif["DateTimeOriginal"] as? String)
        let offset = try #require(exif["OffsetTimeOriginal"] as? String)
        let fields = local.split(whereSeparator: { $0 == ":" || $0 == " " })
        let iso = "\(fields[0])-\(fields[1])-\(fields[2])T\(fields[3]):\(fields[4]):\(fields[5])\(offset)"
        let subSeconds = ExternalTool.number(exif["SubSecTimeOriginal"]).map { "0.\(Int($0))" }.flatMap(Double.init) ?? 0
        return try ToolTime.iso8601(iso).addingTimeInterval(subSeconds)
    }

    // MARK: Real files, cross-checked

    @Test("exiftool-tagged JPEG in either byte order: DateTimeOriginal + OffsetTimeOriginal + SubSec match exiftool; DateTime ignored",
          arguments: ["II", "MM"])
    func offsetAndSubSeconds(byteOrder: String) async throws {
        let dir = try TempDir()
        let photo = try await MediaFactory.photo(in: dir, name: "IMG_0001.JPG", byteOrder: byteOrder,
                                           dateTimeOriginal: "2026:03:14 10:26:53", offsetTimeOriginal: "+01:00",
                                           subSecTimeOriginal: "25", modifyDate: "2026:04:01 12:00:00")
        let exif = try await ExternalTool.exiftoolObject(photo.path, slots: .media)
        #expect(exif["ExifByteOrder"] as? String == byteOrder)
        #expect(exif["ModifyDate"] as? String == "2026:04:01 12:00:00")

        let meta = try readMetadata(of: photo)
        #expect(meta.mediaType == "image/jpeg")
        #expect(meta.container == "jpeg")
        #expect(meta.problems == [])
        #expect(meta.recordedAtSource == "exif.DateTimeOriginal")
        #expect(meta.utcOffsetSeconds == 3600)
        let expected = try Self.exiftoolInstant(exif)
        let recordedAt = try #require(meta.recordedAt)
        #expect(abs(recordedAt.timeIntervalSince(expected)) < 0.000_001)
        #expect(abs(recordedAt.timeIntervalSince(try ToolTime.iso8601("2026-03-14T09:26:53Z")) - 0.25) < 0.000_001)
        #expect(meta.durationSeconds == nil)
    }

    @Test("a negative offset (MM byte order) gives the later UTC instant")
    func negativeOffset() async throws {
        let dir = try TempDir()
        let photo = try await MediaFactory.photo(in: dir, name: "west.jpg", byteOrder: "MM",
                                           dateTimeOriginal: "2026:03:14 06:47:05", offsetTimeOriginal: "-05:00")
        let exif = try await ExternalTool.exiftoolObject(photo.path, slots: .media)
        let meta = try readMetadata(of: photo)
        #expect(meta.utcOffsetSeconds == -18000)
        #expect(meta.recordedAt == (try Self.exiftoolInstant(exif)))
        #expect(meta.recordedAt == (try ToolTime.iso8601("2026-03-14T11:47:05Z")))
        #expect(meta.problems == [])
    }

    @Test("no OffsetTimeOriginal: the time is read as UTC and a problem says so")
    func offsetAbsent() async throws {
        let dir = try TempDir()
        let photo = try await MediaFactory.photo(in: dir, name: "local.jpg", dateTimeOriginal: "2026:03:14 10:26:53",
                                           offsetTimeOriginal: nil)
        let exif = try await ExternalTool.exiftoolObject(photo.path, slots: .media)
        #expect(exif["OffsetTimeOriginal"] == nil)
        let meta = try readMetadata(of: photo)
        #expect(meta.recordedAt == (try ToolTime.utc(try #require(exif["DateTimeOriginal"] as? String))))
        #expect(meta.utcOffsetSeconds == nil)
        #expect(meta.recordedAtSource == "exif.DateTimeOriginal")
        #expect(meta.problems == ["exif: DateTimeOriginal has no UTC offset (no valid OffsetTimeOriginal); the time was read as UTC"])
    }

    @Test("only IFD0 DateTime (the modification time): no recording time")
    func modificationTimeIsNotRecordingTime() async throws {
        let dir = try TempDir()
        let photo = try await MediaFactory.photo(in: dir, name: "edited.jpg", dateTimeOriginal: nil, offsetTimeOriginal: nil,
                                           modifyDate: "2026:04:01 12:00:00")
        let exif = try await ExternalTool.exiftoolObject(photo.path, slots: .media)
        #expect(exif["DateTimeOriginal"] == nil)
        #expect(exif["ModifyDate"] as? String == "2026:04:01 12:00:00")
        let meta = try readMetadata(of: photo)
        #expect(meta.recordedAt == nil)
        #expect(meta.recordedAtSource == nil)
        #expect(meta.problems.count == 1)
        #expect(meta.problems.first?.contains("IFD0 DateTime is the modification time and is not used") == true)
    }

    @Test("a JPEG with no EXIF at all")
    func noExif() async throws {
        let dir = try TempDir()
        let photo = dir.file("plain.jpg")
        try await MediaFactory.ffmpeg(["-f", "lavfi", "-i", "testsrc2=size=64x48", "-frames:v", "1", "-f", "image2", "-c:v", "mjpeg", photo.path])
        #expect(try await ExternalTool.exiftoolObject(photo.path, slots: .media)["DateTimeOriginal"] == nil)
        let meta = try readMetadata(of: photo)
        #expect(meta.mediaType == "image/jpeg")
        #expect(meta.recordedAt == nil)
        #expect(meta.problems == ["jpeg: no EXIF (APP1) segment before the image data; no recording time"])
    }

    // MARK: Handmade structures (TIFF starts at file offset 12)

    static let original = Entry.ascii(0x9003, "2026:03:14 10:26:53")
    static let offset = Entry.ascii(0x9011, "+01:00")

    static func read(_ builder: TIFFBuilder) -> MediaMetadata {
        MetadataReader.read(BytesInput(TIFFBuilder.jpeg(tiff: builder.build())))
    }

    @Test("handmade EXIF reads the same in both byte orders", arguments: [false, true])
    func handmadeBothOrders(bigEndian: Bool) throws {
        let builder = TIFFBuilder(bigEndian: bigEndian, ifd0: [Entry.ascii(0x010F, "Custody")],
                                  exif: [Self.original, Self.offset, Entry.ascii(0x9291, "5")])
        let meta = Self.read(builder)
        #expect(meta.problems == [])
        #expect(meta.utcOffsetSeconds == 3600)
        #expect(meta.recordedAt == (try ToolTime.iso8601("2026-03-14T09:26:53Z")).addingTimeInterval(0.5))
    }

    @Test("IFD offset loops: IFD0's next pointer to itself, and the Exif pointer back to IFD0")
    func ifdLoops() throws {
        let selfLoop = Self.read(TIFFBuilder(ifd0: [], exif: [Self.original, Self.offset], ifd0Next: 8))
        #expect(selfLoop.problems == ["exif: IFD offset loop: the next-IFD pointer of IFD0 points to TIFF offset 8 (file offset 20), an IFD already read"])
        #expect(selfLoop.recordedAt == (try ToolTime.iso8601("2026-03-14T09:26:53Z")))

        let exifLoop = Self.read(TIFFBuilder(ifd0: [], exif: [Self.original], exifPointer: 8))
        #expect(exifLoop.recordedAt == nil)
        #expect(exifLoop.problems == ["exif: IFD offset loop: the Exif IFD pointer in IFD0 points to TIFF offset 8 (file offset 20), an IFD already read; no recording time"])
    }

    @Test("an absurd IFD entry count is refused, not allocated")
    func absurdEntryCount() {
        let tiff = Enc.ascii("II") + Enc.le16(42) + Enc.le32(8) + Enc.le16(0xFFFF) + [UInt8](repeating: 0, count: 64)
        let meta = MetadataReader.read(BytesInput(TIFFBuilder.jpeg(tiff: tiff)))
        #expect(meta.recordedAt == nil)
        #expect(meta.problems.first == "exif: IFD0 at TIFF offset 8 (file offset 20) claims 65535 entries, an absurd count (more than 1000); not read")
    }

    @Test("an IFD whose entries run past the EXIF data")
    func entriesPastEnd() {
        let tiff = Enc.ascii("MM") + Enc.be16(42) + Enc.be32(8) + Enc.be16(20) + [UInt8](repeating: 0, count: 24)
        let meta = MetadataReader.read(BytesInput(TIFFBuilder.jpeg(tiff: tiff)))
        #expect(meta.problems.first == "exif: IFD0 at TIFF offset 8 (file offset 20) claims 20 entries (240 bytes) but only 24 bytes of EXIF data remain")
    }

    @Test("offsets past the end: IFD0, the Exif IFD and a value")
    func offsetsPastEnd() {
        var ifd0Far = TIFFBuilder(ifd0: []).build()
        ifd0Far.replaceSubrange(4..<8, with: Enc.le32(5000))
        let far = MetadataReader.read(BytesInput(TIFFBuilder.jpeg(tiff: ifd0Far)))
        #expect(far.problems.first == "exif: IFD0 at TIFF offset 5000 (file offset 5012) is past the end of the EXIF data (\(ifd0Far.count) bytes)")

        let exifFar = Self.read(TIFFBuilder(ifd0: [], exif: [Self.original], exifPointer: 0x7FFF_FFFF))
        #expect(exifFar.recordedAt == nil)
        #expect(exifFar.problems.first?.hasPrefix("exif: Exif IFD at TIFF offset 2147483647") == true)

        var value = Self.original
        value.forcedOffset = 0xFFFF_0000
        let valueFar = Self.read(TIFFBuilder(ifd0: [], exif: [value, Self.offset]))
        #expect(valueFar.recordedAt == nil)
        #expect(valueFar.problems.first?.hasPrefix("exif: DateTimeOriginal (tag 0x9003) in the Exif IFD points to 20 bytes at TIFF offset 4294901760") == true)
    }

    @Test("bad TIFF headers")
    func badHeaders() {
        let order = MetadataReader.read(BytesInput(TIFFBuilder.jpeg(tiff: Enc.ascii("XX") + [0, 42, 0, 0, 0, 8])))
        #expect(order.problems == ["exif: TIFF header at offset 12 has byte order \"XX\", not \"II\" or \"MM\"; no recording time"])
        let magic = MetadataReader.read(BytesInput(TIFFBuilder.jpeg(tiff: Enc.ascii("II") + [43, 0, 8, 0, 0, 0])))
        #expect(magic.problems == ["exif: TIFF header at offset 12 lacks the magic number 42 or the IFD0 offset; no recording time"])
    }

    @Test("invalid and blank times and offsets")
    func invalidValues() throws {
        let february30 = Self.read(TIFFBuilder(exif: [Entry.ascii(0x9003, "2026:02:30 10:00:00"), Self.offset]))
        #expect(february30.recordedAt == nil)
        #expect(february30.problems == ["exif: DateTimeOriginal \"2026:02:30 10:00:00\" is not a valid \"YYYY:MM:DD HH:MM:SS\" time; no recording time"])

        let blank = Self.read(TIFFBuilder(exif: [Entry.ascii(0x9003, "    :  :     :  :  ")]))
        #expect(blank.recordedAt == nil)
        #expect(blank.problems == ["exif: DateTimeOriginal \"    :  :     :  :  \" is blank (not set); no recording time"])

        let badOffset = Self.read(TIFFBuilder(exif: [Self.original, Entry.ascii(0x9011, "+25:00")]))
        #expect(badOffset.utcOffsetSeconds == nil)
        #expect(badOffset.recordedAt == (try ToolTime.iso8601("2026-03-14T10:26:53Z")))
        #expect(badOffset.problems == [
            "exif: OffsetTimeOriginal \"+25:00\" is not a valid \"±HH:MM\" offset; ignored",
            "exif: DateTimeOriginal has no UTC offset (no valid OffsetTimeOriginal); the time was read as UTC",
        ])

        let wrongType = Self.read(TIFFBuilder(exif: [Entry(tag: 0x9003, type: 3, count: 2, data: [0, 0, 0, 0])]))
        #expect(wrongType.recordedAt == nil)
        #expect(wrongType.problems.first == "exif: DateTimeOriginal (tag 0x9003) in the Exif IFD has type 3, not ASCII")
    }

    @Test("JPEG segment problems: APP1 past the end, junk where a marker belongs, a length under 2")
    func segmentProblems() {
        let whole = TIFFBuilder.jpeg(tiff: TIFFBuilder(exif: [Self.original, Self.offset]).build())
        let cut = Array(whole.prefix(40))
        let truncated = MetadataReader.read(BytesInput(cut))
        #expect(truncated.mediaType == "image/jpeg")
        #expect(truncated.recordedAt == nil)
        let claimed = Int(whole[4]) << 8 | Int(whole[5])
        #expect(truncated.problems == ["jpeg: segment APP1 (0xFFE1) at offset 2 claims \(claimed) bytes but only \(cut.count - 4) remain"])

        let junk = MetadataReader.read(BytesInput([0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x04, 0x00, 0x00, 0x42, 0x42]))
        #expect(junk.problems == ["jpeg: expected a marker at offset 8 but found byte 0x42; segments not read further, no recording time"])

        let tiny = MetadataReader.read(BytesInput([0xFF, 0xD8, 0xFF, 0xE1, 0x00, 0x01]))
        #expect(tiny.problems == ["jpeg: segment APP1 (0xFFE1) at offset 2 claims 1 bytes, smaller than its 2-byte length field"])

        let bare = MetadataReader.read(BytesInput([0xFF, 0xD8, 0xFF]))
        #expect(bare.mediaType == "image/jpeg")
        #expect(bare.problems == ["jpeg: the file ends at offset 3 before any image data; no EXIF (APP1) segment found"])
    }
}
