// The TIFF structure inside an EXIF segment: IFD0, the Exif IFD, and the time tags.
import Foundation

/// Reads the recording time from EXIF (CIPA DC-008): the Exif IFD's
/// DateTimeOriginal (0x9003), OffsetTimeOriginal (0x9011) and SubSecTimeOriginal
/// (0x9291).
///
/// IFD0's DateTime (0x0132) is the file's modification time, not the time the
/// picture was taken, and is never used as the recording time.
enum ExifTIFF {
    /// More entries than this in one IFD is treated as corrupt (real IFDs hold tens).
    static let maxEntries = 1000
    /// The most IFDs followed along IFD0's next-IFD chain.
    static let maxChainedIFDs = 16

    enum Tag {
        static let exifIFDPointer: UInt16 = 0x8769
        static let dateTime: UInt16 = 0x0132
        static let dateTimeOriginal: UInt16 = 0x9003
        static let offsetTimeOriginal: UInt16 = 0x9011
        static let subSecTimeOriginal: UInt16 = 0x9291
    }

    /// One 12-byte IFD entry.
    struct Entry {
        var tag: UInt16
        var type: UInt16
        var count: UInt32
        /// Index in the TIFF view of the entry's 4-byte value/offset field.
        var valueField: Int
    }

    /// A parsed IFD.
    struct IFD {
        var entries: [Entry]
        var next: UInt32

        func entry(_ tag: UInt16) -> Entry? { entries.first { $0.tag == tag } }
    }

    /// The TIFF bytes and their byte order.
    struct Context {
        var view: ByteView
        var order: ByteOrder

        /// "TIFF offset 8 (file offset 20)" for messages.
        func place(_ offset: UInt64) -> String {
            "TIFF offset \(offset) (file offset \(view.base + offset))"
        }
    }

    static func read(_ tiff: ByteView, into result: inout MediaMetadata, problems: inout ProblemLog) {
        let order: ByteOrder
        if tiff.matches(0, "II") {
            order = .little
        } else if tiff.matches(0, "MM") {
            order = .big
        } else {
            problems.add("exif: TIFF header at offset \(tiff.base) has byte order \(ByteText.quoted(tiff.slice(0, 2) ?? [])), not \"II\" or \"MM\"; no recording time")
            return
        }
        let context = Context(view: tiff, order: order)
        guard tiff.u16(2, order) == 42, let ifd0Offset = tiff.u32(4, order) else {
            problems.add("exif: TIFF header at offset \(tiff.base) lacks the magic number 42 or the IFD0 offset; no recording time")
            return
        }
        var visited: Set<UInt32> = [ifd0Offset]
        guard let ifd0 = readIFD(at: ifd0Offset, name: "IFD0", context, problems: &problems) else {
            problems.add("exif: IFD0 could not be read; no recording time")
            return
        }
        followChain(from: ifd0, visited: &visited, context, problems: &problems)

        let modificationNote = ifd0.entry(Tag.dateTime) != nil ? " (IFD0 DateTime is the modification time and is not used)" : ""
        guard let pointer = ifd0.entry(Tag.exifIFDPointer) else {
            problems.add("exif: IFD0 has no Exif IFD pointer (tag 0x8769), so no DateTimeOriginal; no recording time\(modificationNote)")
            return
        }
        guard (pointer.type == 4 || pointer.type == 13), pointer.count == 1,
              let exifOffset = context.view.u32(pointer.valueField, order) else {
            problems.add("exif: IFD0's Exif IFD pointer (tag 0x8769) has type \(pointer.type) and count \(pointer.count), not one LONG; no recording time")
            return
        }
        guard visited.insert(exifOffset).inserted else {
            problems.add("exif: IFD offset loop: the Exif IFD pointer in IFD0 points to \(context.place(UInt64(exifOffset))), an IFD already read; no recording time")
            return
        }
        guard let exifIFD = readIFD(at: exifOffset, name: "Exif IFD", context, problems: &problems) else {
            problems.add("exif: the Exif IFD could not be read; no recording time")
            return
        }
        readTimes(exifIFD, context, into: &result, problems: &problems, modificationNote: modificationNote)
    }

    /// Follows IFD0's next-IFD pointers (IFD1, the thumbnail, and any after it) to
    /// validate them, detecting loops.
    static func followChain(from ifd0: IFD, visited: inout Set<UInt32>, _ context: Context, problems: inout ProblemLog) {
        var next = ifd0.next
        var number = 1
        while next != 0 {
            guard number <= maxChainedIFDs else {
                problems.add("exif: more than \(maxChainedIFDs) IFDs chained after IFD0; the rest are not read")
                return
            }
            guard visited.insert(next).inserted else {
                problems.add("exif: IFD offset loop: the next-IFD pointer of IFD\(number - 1) points to \(context.place(UInt64(next))), an IFD already read")
                return
            }
            guard let ifd = readIFD(at: next, name: "IFD\(number)", context, problems: &problems) else { return }
            next = ifd.next
            number += 1
        }
    }

    /// Reads the IFD at `offset` (relative to the TIFF header), or nil with a problem.
    static func readIFD(at offset: UInt32, name: String, _ context: Context, problems: inout ProblemLog) -> IFD? {
        let view = context.view
        let start = Int(offset)
        guard let count = view.u16(start, context.order) else {
            problems.add("exif: \(name) at \(context.place(UInt64(offset))) is past the end of the EXIF data (\(view.count) bytes)")
            return nil
        }
        guard Int(count) <= maxEntries else {
            problems.add("exif: \(name) at \(context.place(UInt64(offset))) claims \(count) entries, an absurd count (more than \(maxEntries)); not read")
            return nil
        }
        let tableLength = Int(count) * 12
        guard view.contains(start + 2, tableLength) else {
            problems.add("exif: \(name) at \(context.place(UInt64(offset))) claims \(count) entries (\(tableLength) bytes) but only \(max(0, view.count - start - 2)) bytes of EXIF data remain")
            return nil
        }
        var entries: [Entry] = []
        entries.reserveCapacity(Int(count))
        for index in 0..<Int(count) {
            let at = start + 2 + index * 12
            guard let tag = view.u16(at, context.order), let type = view.u16(at + 2, context.order),
                  let valueCount = view.u32(at + 4, context.order) else { break }
            entries.append(Entry(tag: tag, type: type, count: valueCount, valueField: at + 8))
        }
        // A missing next-IFD pointer is read as "no next IFD".
        let next = view.u32(start + 2 + tableLength, context.order) ?? 0
        return IFD(entries: entries, next: next)
    }

    /// Bytes per value of each TIFF field type.
    static func typeSize(_ type: UInt16) -> UInt64? {
        switch type {
        case 1, 2, 6, 7: return 1
        case 3, 8: return 2
        case 4, 9, 11, 13: return 4
        case 5, 10, 12: return 8
        default: return nil
        }
    }

    /// The bytes of a text entry (ASCII, or BYTE/UNDEFINED as some writers use),
    /// or nil with a problem when the entry's type or offset is invalid.
    static func text(_ entry: Entry, tagName: String, _ context: Context, problems: inout ProblemLog) -> [UInt8]? {
        let place = "exif: \(tagName) (tag 0x\(String(entry.tag, radix: 16, uppercase: true))) in the Exif IFD"
        guard entry.type == 2 || entry.type == 1 || entry.type == 7, let unit = typeSize(entry.type) else {
            problems.add("\(place) has type \(entry.type), not ASCII")
            return nil
        }
        let length = UInt64(entry.count) * unit
        if length <= 4 {
            return context.view.slice(entry.valueField, Int(length)).map(Array.init)
        }
        guard let offset = context.view.u32(entry.valueField, context.order) else { return nil }
        guard length <= 4096, let bytes = context.view.slice(Int(offset), Int(length)) else {
            problems.add("\(place) points to \(length) bytes at \(context.place(UInt64(offset))), past the end of the EXIF data (\(context.view.count) bytes)")
            return nil
        }
        return Array(bytes)
    }

    /// Sets the recording time from DateTimeOriginal, OffsetTimeOriginal and SubSecTimeOriginal.
    static func readTimes(_ exif: IFD, _ context: Context, into result: inout MediaMetadata,
                          problems: inout ProblemLog, modificationNote: String) {
        guard let dateEntry = exif.entry(Tag.dateTimeOriginal) else {
            problems.add("exif: the Exif IFD has no DateTimeOriginal (tag 0x9003); no recording time\(modificationNote)")
            return
        }
        guard let dateText = text(dateEntry, tagName: "DateTimeOriginal", context, problems: &problems) else {
            problems.add("exif: DateTimeOriginal could not be read; no recording time")
            return
        }
        let local: Int64
        switch ExifTimeText.parseDateTime(dateText) {
        case .unset:
            problems.add("exif: DateTimeOriginal \(ByteText.quoted(dateText)) is blank (not set); no recording time")
            return
        case .invalid:
            problems.add("exif: DateTimeOriginal \(ByteText.quoted(dateText)) is not a valid \"YYYY:MM:DD HH:MM:SS\" time; no recording time")
            return
        case .seconds(let seconds):
            local = seconds
        }

        var fraction = 0.0
        if let subEntry = exif.entry(Tag.subSecTimeOriginal),
           let subText = text(subEntry, tagName: "SubSecTimeOriginal", context, problems: &problems) {
            if let value = ExifTimeText.parseSubSeconds(subText) {
                fraction = value
            } else {
                problems.add("exif: SubSecTimeOriginal \(ByteText.quoted(subText)) is not a string of digits; ignored")
            }
        }

        var offsetSeconds: Int?
        if let offsetEntry = exif.entry(Tag.offsetTimeOriginal),
           let offsetText = text(offsetEntry, tagName: "OffsetTimeOriginal", context, problems: &problems) {
            switch ExifTimeText.parseOffset(offsetText) {
            case .some(.some(let seconds)):
                offsetSeconds = seconds
            case .some(.none):
                break  // blank: the same as absent
            case .none:
                problems.add("exif: OffsetTimeOriginal \(ByteText.quoted(offsetText)) is not a valid \"±HH:MM\" offset; ignored")
            }
        }

        if let offsetSeconds {
            result.utcOffsetSeconds = offsetSeconds
        } else {
            problems.add("exif: DateTimeOriginal has no UTC offset (no valid OffsetTimeOriginal); the time was read as UTC")
        }
        let unix = local - Int64(offsetSeconds ?? 0)
        result.recordedAt = Date(timeIntervalSince1970: TimeInterval(unix) + fraction)
        result.recordedAtSource = "exif.DateTimeOriginal"
    }
}
