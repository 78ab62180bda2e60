// What the metadata reader learned about one file.
import Foundation

/// The media type of one evidence file, decided from its content (never its name),
/// and the recording time its own metadata states.
public struct MediaMetadata: Sendable, Equatable {
    /// MIME type: "video/mp4", "video/quicktime", "audio/wav", "image/jpeg",
    /// or "application/octet-stream" for anything not recognised.
    public var mediaType: String
    /// "mp4", "mov", "bwf" (WAV with a bext chunk), "wav", "jpeg", or "other".
    public var container: String
    /// The recording time from the file's own metadata, as an absolute instant (UTC).
    /// Nil when the file states none, or when what it states cannot be trusted.
    public var recordedAt: Date?
    /// Where ``recordedAt`` came from: "mp4.mvhd" (also for MOV),
    /// "exif.DateTimeOriginal" or "bwf.bext"; nil when there is no recording time.
    public var recordedAtSource: String?
    /// The local UTC offset the file states (EXIF OffsetTimeOriginal), in seconds east of UTC.
    public var utcOffsetSeconds: Int?
    /// MP4/MOV: mvhd duration / timescale. WAV: data size / byte rate.
    public var durationSeconds: Double?
    /// Every metadata problem found, each naming the structure and what is wrong,
    /// e.g. "mp4: box 'moov' at offset 1234 claims 5000 bytes but only 800 remain".
    public var problems: [String]

    public init(
        mediaType: String = MediaMetadata.octetStream,
        container: String = MediaMetadata.otherContainer,
        recordedAt: Date? = nil,
        recordedAtSource: String? = nil,
        utcOffsetSeconds: Int? = nil,
        durationSeconds: Double? = nil,
        problems: [String] = []
    ) {
        self.mediaType = mediaType
        self.container = container
        self.recordedAt = recordedAt
        self.recordedAtSource = recordedAtSource
        self.utcOffsetSeconds = utcOffsetSeconds
        self.durationSeconds = durationSeconds
        self.problems = problems
    }

    /// The MIME type of content that is not recognised.
    public static let octetStream = "application/octet-stream"
    /// The container name of content that is not recognised.
    public static let otherContainer = "other"
}
