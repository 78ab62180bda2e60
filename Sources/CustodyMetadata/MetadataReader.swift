// The entry point: what media is this, and when was it recorded?

/// Reads the media type and recording time of one evidence file from its content.
///
/// The type is decided by magic numbers and container structure, never by the
/// file name. Only headers and metadata structures are read (the `moov` box up to
/// 64 MiB, the first 1 MiB of a JPEG, WAV chunk headers and small chunks), never
/// the media payload.
public enum MetadataReader {
    /// Never throws, never crashes, never hangs, bounded memory: problems go into `problems`.
    ///
    /// Every loop in the format readers is bounded by a count limit as well as by
    /// the input size, every length and offset taken from the file is validated
    /// before use, and I/O errors from `input` are reported as problems.
    public static func read(_ input: some MetadataInput) -> MediaMetadata {
        let access = InputAccess(input: input)
        var problems = ProblemLog()
        guard let head = access.view(at: 0, count: 64, context: "input", problems: &problems) else {
            return MediaMetadata(problems: problems.list)
        }
        switch ContentSniffer.kind(of: head) {
        case .jpeg:
            return JPEGExifReader.read(access)
        case .wave:
            return WAVReader.read(access)
        case .isoMedia(let hasFileType):
            return MP4Reader.read(access, hasFileType: hasFileType)
        case .other:
            return MediaMetadata()
        }
    }
}
