// Deciding what a file is from its first bytes, never from its name.

/// The families of content the reader understands, recognised by magic numbers.
enum ContentKind: Sendable, Equatable {
    /// Starts with FF D8 FF.
    case jpeg
    /// "RIFF", "RF64" or "BW64", then "WAVE" at offset 8.
    case wave
    /// ISO base media (an `ftyp` box first) or QuickTime (a classic top-level atom first).
    case isoMedia(hasFileType: Bool)
    case other
}

enum ContentSniffer {
    /// Top-level QuickTime atoms that may open a .mov file written without `ftyp`.
    static let quickTimeLeadingAtoms: Set<String> = ["moov", "mdat", "wide", "free", "skip", "pnot"]

    /// Classifies the content from the first bytes of the input (at least 12 are needed).
    static func kind(of head: ByteView) -> ContentKind {
        if head.u8(0) == 0xFF, head.u8(1) == 0xD8, head.u8(2) == 0xFF {
            return .jpeg
        }
        if head.matches(0, "RIFF") || head.matches(0, "RF64") || head.matches(0, "BW64"), head.matches(8, "WAVE") {
            return .wave
        }
        if head.matches(4, "ftyp") {
            return .isoMedia(hasFileType: true)
        }
        if let size = head.u32(0, .big), size == 0 || size == 1 || size >= 8,
           let type = head.slice(4, 4),
           quickTimeLeadingAtoms.contains(String(decoding: type, as: UTF8.self)) {
            return .isoMedia(hasFileType: false)
        }
        return .other
    }
}
