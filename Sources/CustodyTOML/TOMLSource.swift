import Foundation

/// The document's UTF-8 bytes plus what is needed to turn a byte offset into a
/// line and column. Offsets handed to it are always on Unicode scalar boundaries.
struct TOMLSource {
    let bytes: [UInt8]
    /// Byte offset where each line starts; `lineStarts[0] == 0`.
    private let lineStarts: [Int]

    init(_ bytes: [UInt8]) {
        self.bytes = bytes
        var starts = [0]
        for (i, b) in bytes.enumerated() where b == 0x0A {
            starts.append(i + 1)
        }
        self.lineStarts = starts
    }

    var count: Int { bytes.count }

    /// 1-based line containing `offset`.
    func line(at offset: Int) -> Int {
        // Last line start <= offset.
        var lo = 0, hi = lineStarts.count - 1
        while lo < hi {
            let mid = (lo + hi + 1) / 2
            if lineStarts[mid] <= offset { lo = mid } else { hi = mid - 1 }
        }
        return lo + 1
    }

    /// 1-based line and column (in Unicode scalars) of `offset`.
    func location(of offset: Int) -> (line: Int, column: Int) {
        let offset = min(max(offset, 0), bytes.count)
        let line = line(at: offset)
        var column = 1
        var i = lineStarts[line - 1]
        while i < offset {
            if bytes[i] & 0xC0 != 0x80 { column += 1 }
            i += 1
        }
        return (line, column)
    }

    /// An error at `offset`.
    func error(at offset: Int, _ message: String) -> TOMLError {
        let (line, column) = location(of: offset)
        return TOMLError(line: line, column: column, message: message)
    }

    /// The character at `offset` for a message: `'x'`, `end of file`, `a newline`
    /// or `U+0007` for control characters.
    func describe(at offset: Int) -> String {
        guard offset < bytes.count else { return "end of file" }
        let b = bytes[offset]
        if b == 0x0A { return "a newline" }
        if b == 0x0D, offset + 1 < bytes.count, bytes[offset + 1] == 0x0A { return "a newline" }
        if b < 0x20 || b == 0x7F { return Self.describeControl(UInt32(b)) }
        if b < 0x80 { return "'\(Character(Unicode.Scalar(b)))'" }
        var end = offset + 1
        while end < bytes.count, bytes[end] & 0xC0 == 0x80 { end += 1 }
        let text = String(decoding: bytes[offset..<end], as: UTF8.self)
        return "'\(text)'"
    }

    static func describeControl(_ value: UInt32) -> String {
        "control character U+" + TOMLKeyPath.hex4(value)
    }

    /// The offset of the first byte that is not part of well-formed UTF-8, or nil.
    static func firstInvalidUTF8(in bytes: [UInt8]) -> Int? {
        var i = 0
        let n = bytes.count
        while i < n {
            let b0 = bytes[i]
            if b0 < 0x80 { i += 1; continue }
            let length: Int
            var lower: UInt8 = 0x80, upper: UInt8 = 0xBF
            switch b0 {
            case 0xC2...0xDF: length = 2
            case 0xE0: length = 3; lower = 0xA0
            case 0xE1...0xEC, 0xEE...0xEF: length = 3
            case 0xED: length = 3; upper = 0x9F
            case 0xF0: length = 4; lower = 0x90
            case 0xF1...0xF3: length = 4
            case 0xF4: length = 4; upper = 0x8F
            default: return i
            }
            guard i + length <= n else { return i }
            let b1 = bytes[i + 1]
            guard b1 >= lower, b1 <= upper else { return i }
            for k in 2..<max(2, length) where bytes[i + k] & 0xC0 != 0x80 {
                return i
            }
            i += length
        }
        return nil
    }
}
