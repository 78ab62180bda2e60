// JPEG: find the EXIF APP1 segment and take the recording time from it.

/// Reads JPEG files: walks the marker segments in the first ``scanCap`` bytes up
/// to the start of the image data (SOS), finds the APP1 segment that starts with
/// `Exif\0`, and hands its TIFF structure to ``ExifTIFF``.
enum JPEGExifReader {
    /// How much of the file is examined for APP segments.
    static let scanCap = 1024 * 1024

    static func read(_ access: InputAccess) -> MediaMetadata {
        var problems = ProblemLog()
        var result = MediaMetadata(mediaType: "image/jpeg", container: "jpeg")
        if let view = access.view(at: 0, count: scanCap, context: "jpeg", problems: &problems),
           let exif = findExifSegment(view, wholeFile: UInt64(view.count) == access.size, problems: &problems) {
            ExifTIFF.read(exif, into: &result, problems: &problems)
        }
        result.problems = problems.list
        return result
    }

    /// The TIFF bytes of the first EXIF APP1 segment, or nil (with a problem) when
    /// there is none or the segments cannot be walked to it.
    static func findExifSegment(_ view: ByteView, wholeFile: Bool, problems: inout ProblemLog) -> ByteView? {
        var index = 2  // after SOI
        while true {
            guard index < view.count else {
                if wholeFile {
                    problems.add("jpeg: the file ends at offset \(index) before any image data; no EXIF (APP1) segment found")
                } else {
                    problems.add("jpeg: no EXIF (APP1) segment in the first \(scanCap) bytes; no recording time")
                }
                return nil
            }
            guard let lead = view.u8(index), lead == 0xFF else {
                problems.add("jpeg: expected a marker at offset \(index) but found byte 0x\(ByteText.hex(view.u8(index) ?? 0)); segments not read further, no recording time")
                return nil
            }
            var markerIndex = index + 1
            while view.u8(markerIndex) == 0xFF { markerIndex += 1 }  // fill bytes
            guard let marker = view.u8(markerIndex) else {
                index = markerIndex
                continue  // reports the end of the data above
            }
            index = markerIndex + 1
            switch marker {
            case 0x01, 0xD0...0xD8:
                continue  // TEM, RSTn, a repeated SOI: no length
            case 0xD9, 0xDA:
                // EOI or the start of scan data: every APP segment comes before this.
                problems.add("jpeg: no EXIF (APP1) segment before the image data; no recording time")
                return nil
            case 0x00:
                problems.add("jpeg: invalid marker 0xFF00 at offset \(markerIndex - 1); segments not read further, no recording time")
                return nil
            default:
                break
            }
            let name = segmentName(marker)
            let segmentOffset = markerIndex - 1
            guard let length = view.u16(index, .big) else {
                index = view.count
                continue
            }
            guard length >= 2 else {
                problems.add("jpeg: segment \(name) at offset \(segmentOffset) claims \(length) bytes, smaller than its 2-byte length field")
                return nil
            }
            let remaining = view.count - index
            guard Int(length) <= remaining else {
                if wholeFile {
                    problems.add("jpeg: segment \(name) at offset \(segmentOffset) claims \(length) bytes but only \(remaining) remain")
                } else {
                    problems.add("jpeg: segment \(name) at offset \(segmentOffset) runs past the first \(scanCap) bytes; no EXIF (APP1) segment found before it")
                }
                return nil
            }
            let dataStart = index + 2
            let dataLength = Int(length) - 2
            if marker == 0xE1, dataLength >= 6, view.matches(dataStart, "Exif"), view.u8(dataStart + 4) == 0,
               let tiff = view.slice(dataStart + 6, dataLength - 6) {
                return ByteView(Array(tiff), base: view.base + UInt64(dataStart + 6))
            }
            index += Int(length)
        }
    }

    /// "APP1 (0xFFE1)" style names for messages.
    static func segmentName(_ marker: UInt8) -> String {
        let code = "0xFF" + ByteText.hex(marker).uppercased()
        switch marker {
        case 0xE0...0xEF: return "APP\(marker - 0xE0) (\(code))"
        case 0xDB: return "DQT (\(code))"
        case 0xC4: return "DHT (\(code))"
        case 0xC0...0xC3, 0xC5...0xC7, 0xC9...0xCB, 0xCD...0xCF: return "SOF\(marker - 0xC0) (\(code))"
        case 0xFE: return "COM (\(code))"
        default: return code
        }
    }
}
