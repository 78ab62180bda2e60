// Bounds-checked integer and text decoding over an in-memory byte buffer.

/// The byte order of multi-byte integers in a structure.
enum ByteOrder: Sendable {
    case big
    case little
}

/// A read-only window of bytes taken from the input, with the absolute offset of
/// its first byte so problems can name positions in the file.
///
/// Every accessor is bounds-checked and returns nil instead of trapping, so a
/// hostile length or offset can never crash the reader.
struct ByteView: Sendable {
    let bytes: [UInt8]
    /// Absolute offset in the input of `bytes[0]`.
    let base: UInt64

    init(_ bytes: [UInt8], base: UInt64 = 0) {
        self.bytes = bytes
        self.base = base
    }

    var count: Int { bytes.count }

    /// True when `length` bytes starting at `offset` lie inside the view.
    func contains(_ offset: Int, _ length: Int) -> Bool {
        offset >= 0 && length >= 0 && offset <= bytes.count && length <= bytes.count - offset
    }

    func u8(_ offset: Int) -> UInt8? {
        contains(offset, 1) ? bytes[offset] : nil
    }

    func u16(_ offset: Int, _ order: ByteOrder) -> UInt16? {
        guard let raw = integer(offset, 2, order) else { return nil }
        return UInt16(truncatingIfNeeded: raw)
    }

    func u32(_ offset: Int, _ order: ByteOrder) -> UInt32? {
        guard let raw = integer(offset, 4, order) else { return nil }
        return UInt32(truncatingIfNeeded: raw)
    }

    func u64(_ offset: Int, _ order: ByteOrder) -> UInt64? {
        integer(offset, 8, order)
    }

    /// `length` bytes at `offset`, or nil if they are not all inside the view.
    func slice(_ offset: Int, _ length: Int) -> ArraySlice<UInt8>? {
        contains(offset, length) ? bytes[offset..<(offset + length)] : nil
    }

    /// True when the bytes at `offset` equal `ascii`.
    func matches(_ offset: Int, _ ascii: String) -> Bool {
        let expected = Array(ascii.utf8)
        guard let got = slice(offset, expected.count) else { return false }
        return got.elementsEqual(expected)
    }

    private func integer(_ offset: Int, _ width: Int, _ order: ByteOrder) -> UInt64? {
        guard contains(offset, width) else { return nil }
        var value: UInt64 = 0
        switch order {
        case .big:
            for index in 0..<width {
                value = (value << 8) | UInt64(bytes[offset + index])
            }
        case .little:
            for index in (0..<width).reversed() {
                value = (value << 8) | UInt64(bytes[offset + index])
            }
        }
        return value
    }
}

/// Text helpers for naming structures and values in problem messages.
enum ByteText {
    /// A four-character code as `'moov'`, or as hex when it is not printable ASCII.
    static func fourCC<C: Collection>(_ bytes: C) -> String where C.Element == UInt8 {
        if bytes.count == 4, bytes.allSatisfy({ $0 >= 0x20 && $0 < 0x7F }) {
            return "'" + String(decoding: bytes, as: UTF8.self) + "'"
        }
        return "0x" + bytes.map { hex($0) }.joined()
    }

    /// A field's value quoted for a message: printable ASCII as is, other bytes as
    /// `\xNN`, trailing NULs dropped, at most 64 characters.
    static func quoted<C: Collection>(_ bytes: C) -> String where C.Element == UInt8 {
        var trimmed = Array(bytes)
        while let last = trimmed.last, last == 0 { trimmed.removeLast() }
        var out = ""
        for byte in trimmed.prefix(64) {
            if byte >= 0x20 && byte < 0x7F && byte != 0x22 && byte != 0x5C {
                out.unicodeScalars.append(Unicode.Scalar(byte))
            } else {
                out += "\\x" + hex(byte)
            }
        }
        if trimmed.count > 64 { out += "…" }
        return "\"" + out + "\""
    }

    /// True when every byte is NUL or a space.
    static func isBlank<C: Collection>(_ bytes: C) -> Bool where C.Element == UInt8 {
        bytes.allSatisfy { $0 == 0 || $0 == 0x20 }
    }

    /// Two lowercase hex digits.
    static func hex(_ byte: UInt8) -> String {
        let digits = Array("0123456789abcdef".unicodeScalars)
        return String(digits[Int(byte >> 4)]) + String(digits[Int(byte & 0x0F)])
    }
}
