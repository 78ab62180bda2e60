/// Little-endian fields of on-disk structures. Callers check the array is long
/// enough for the structure before reading its fields.
extension Array where Element == UInt8 {
    @inline(__always) func le16(_ offset: Int) -> UInt16 {
        UInt16(self[offset]) | UInt16(self[offset + 1]) << 8
    }

    @inline(__always) func le32(_ offset: Int) -> UInt32 {
        UInt32(self[offset]) | UInt32(self[offset + 1]) << 8 | UInt32(self[offset + 2]) << 16 | UInt32(self[offset + 3]) << 24
    }

    @inline(__always) func le64(_ offset: Int) -> UInt64 {
        UInt64(le32(offset)) | UInt64(le32(offset + 4)) << 32
    }

    /// `count` bytes at `offset` equal `text`'s ASCII bytes.
    func matches(_ text: String, at offset: Int) -> Bool {
        let expected = Array(text.utf8)
        guard offset >= 0, offset + expected.count <= count else { return false }
        return self[offset..<(offset + expected.count)].elementsEqual(expected)
    }

    /// UTF-16 little-endian code units from `count` units at `offset`.
    func utf16Units(at offset: Int, count units: Int) -> [UInt16] {
        (0..<units).map { le16(offset + 2 * $0) }
    }
}

extension UInt64 {
    /// `self * other`, or nil on overflow.
    func times(_ other: UInt64) -> UInt64? {
        let (value, overflow) = multipliedReportingOverflow(by: other)
        return overflow ? nil : value
    }

    /// `self + other`, or nil on overflow.
    func plus(_ other: UInt64) -> UInt64? {
        let (value, overflow) = addingReportingOverflow(other)
        return overflow ? nil : value
    }
}

/// Division rounding up; `divisor` > 0.
@inline(__always) func divideRoundingUp(_ value: UInt64, _ divisor: UInt64) -> UInt64 {
    value / divisor + (value % divisor == 0 ? 0 : 1)
}
