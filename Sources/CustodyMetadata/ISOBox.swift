// ISO base media file format (MP4) / QuickTime box headers.

/// One box (QuickTime: atom) header: its type, where it starts, how big it says it is.
struct ISOBox: Sendable {
    /// The four type bytes.
    var type: [UInt8]
    /// Absolute offset of the box's first byte in the input.
    var offset: UInt64
    /// 8 for a compact header, 16 with a 64-bit size; plus 16 for a `uuid` box's user type.
    var headerSize: Int
    /// Total size in bytes, header included.
    var size: UInt64

    /// The type as written in problems, e.g. `'moov'`.
    var name: String { ByteText.fourCC(type) }

    func isType(_ fourCC: String) -> Bool {
        type.elementsEqual(fourCC.utf8)
    }
}

/// The outcome of reading one box header.
enum ISOBoxParse: Sendable {
    /// A header whose size fits in the space available.
    case box(ISOBox)
    /// A well-formed header whose size runs past the end of its parent or of the file.
    case pastEnd(ISOBox, problem: String)
    /// A header that cannot be used at all (cut off, or smaller than itself).
    case invalid(problem: String)
}

extension ISOBox {
    /// Reads a box header at index `at` of `view`.
    ///
    /// - Parameters:
    ///   - available: bytes from the box's start to the end of its parent (or of
    ///     the file for a top-level box); a size of 0 means "to the end" of that.
    ///   - parent: the enclosing box's name for messages, or nil at the top level.
    static func parse(_ view: ByteView, at: Int, available: UInt64, parent: String?) -> ISOBoxParse {
        let offset = view.base + UInt64(max(0, at))
        let scope = parent.map { " in its parent \($0)" } ?? ""
        guard available >= 8, let size32 = view.u32(at, .big), let typeBytes = view.slice(at + 4, 4) else {
            return .invalid(problem: "mp4: \(available) bytes at offset \(offset)\(scope) are too few for a box header")
        }
        let type = Array(typeBytes)
        let name = ByteText.fourCC(type)
        var headerSize = 8
        let size: UInt64
        switch size32 {
        case 1:
            guard available >= 16, let large = view.u64(at + 8, .big) else {
                return .invalid(problem: "mp4: box \(name) at offset \(offset) has a 64-bit size that is cut off\(scope)")
            }
            headerSize = 16
            size = large
        case 0:
            size = available
        default:
            size = UInt64(size32)
        }
        if type.elementsEqual("uuid".utf8) { headerSize += 16 }
        if size < UInt64(headerSize) {
            return .invalid(problem: "mp4: box \(name) at offset \(offset) claims \(size) bytes, smaller than its \(headerSize)-byte header")
        }
        let box = ISOBox(type: type, offset: offset, headerSize: headerSize, size: size)
        if size > available {
            return .pastEnd(box, problem: "mp4: box \(name) at offset \(offset) claims \(size) bytes but only \(available) remain\(scope)")
        }
        return .box(box)
    }
}
