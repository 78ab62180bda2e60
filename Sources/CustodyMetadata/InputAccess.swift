// Reading from a MetadataInput without ever throwing, with every failure recorded.

/// Wraps a ``MetadataInput`` so the format readers can fetch bytes without
/// handling errors themselves: an I/O error, or an input that returns fewer bytes
/// than its stated size, becomes a problem string and a nil result.
struct InputAccess {
    /// The most any single read may ask for (the moov cap), so a hostile size can
    /// never make the reader allocate without bound.
    static let maxReadCount = 64 * 1024 * 1024

    let input: any MetadataInput

    var size: UInt64 { input.size }

    /// Bytes remaining after `offset` (0 at or past the end).
    func remaining(after offset: UInt64) -> UInt64 {
        offset < size ? size - offset : 0
    }

    /// Reads `min(count, remaining)` bytes at `offset` as a ``ByteView``.
    ///
    /// Returns nil and appends a problem (prefixed with `context`, e.g. "mp4") when
    /// the read fails or comes back short.
    func view(at offset: UInt64, count: Int, context: String, problems: inout ProblemLog) -> ByteView? {
        let wanted = Int(min(UInt64(max(0, min(count, InputAccess.maxReadCount))), remaining(after: offset)))
        if wanted == 0 { return ByteView([], base: offset) }
        let bytes: [UInt8]
        do {
            bytes = try input.read(at: offset, count: wanted)
        } catch {
            problems.add("\(context): reading \(wanted) bytes at offset \(offset) failed: \(error)")
            return nil
        }
        if bytes.count < wanted {
            problems.add("\(context): reading \(wanted) bytes at offset \(offset) returned only \(bytes.count); the input is shorter than its stated size of \(size) bytes")
            return nil
        }
        return ByteView(bytes.count > wanted ? Array(bytes.prefix(wanted)) : bytes, base: offset)
    }
}
