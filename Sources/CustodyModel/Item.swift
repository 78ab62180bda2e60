/// One stored recording: its bytes' hash and size, what it is, when it was recorded,
/// where it came from and who or what it belongs to.
public struct Item: Sendable, Equatable {
    public var id: Int64
    public var sha256: String
    public var size: Int64
    /// MIME type sniffed from content: video/mp4, video/quicktime, audio/wav, image/jpeg, application/octet-stream.
    public var mediaType: String
    /// mp4, mov, bwf, wav, jpeg, other.
    public var container: String
    /// RFC 3339 UTC: when it was recorded, by the file's own metadata or, failing that, its mtime.
    public var recordedAt: String
    /// Which source gave `recordedAt`: mp4.mvhd, exif.DateTimeOriginal, bwf.bext, file.mtime.
    public var recordedAtSource: String
    public var utcOffsetSeconds: Int?
    public var durationSeconds: Double?
    public var ingestedAt: String
    public var source: ItemSource
    public var tags: ItemTags
    public var jobId: Int64?
    /// Metadata problems found in the file (it is stored as evidence regardless).
    public var metadataProblems: [String]
    /// The source file's modification time, RFC 3339 UTC.
    public var fileModifiedAt: String?
    /// The device's clock offset applied for tagging (device minus station, seconds), when known.
    public var clockOffsetSeconds: Int?
    /// `recordedAt` corrected by that offset: the time tagging used (only when an offset was applied).
    public var correctedRecordedAt: String?
    /// Notes a person added to it, oldest first.
    public var notes: [String]?
    /// When retention deleted its stored file (the record, hashes and events stay).
    public var deletedAt: String?
    /// Why `recordedAt` cannot be true (before 2000, or more than a day after the
    /// ingest): the device's clock was wrong. Nil when the time is plausible.
    public var recordedAtImplausible: String?

    public init(id: Int64, sha256: String, size: Int64, mediaType: String, container: String, recordedAt: String,
                recordedAtSource: String, utcOffsetSeconds: Int?, durationSeconds: Double?, ingestedAt: String,
                source: ItemSource, tags: ItemTags, jobId: Int64?, metadataProblems: [String], fileModifiedAt: String?,
                clockOffsetSeconds: Int? = nil, correctedRecordedAt: String? = nil, notes: [String]? = nil, deletedAt: String? = nil,
                recordedAtImplausible: String? = nil) {
        self.id = id; self.sha256 = sha256; self.size = size; self.mediaType = mediaType; self.container = container
        self.recordedAt = recordedAt; self.recordedAtSource = recordedAtSource; self.utcOffsetSeconds = utcOffsetSeconds
        self.durationSeconds = durationSeconds; self.ingestedAt = ingestedAt; self.source = source; self.tags = tags
        self.jobId = jobId; self.metadataProblems = metadataProblems; self.fileModifiedAt = fileModifiedAt
        self.clockOffsetSeconds = clockOffsetSeconds; self.correctedRecordedAt = correctedRecordedAt; self.notes = notes
        self.deletedAt = deletedAt; self.recordedAtImplausible = recordedAtImplausible
    }
}

/// Where an item came from.
public struct ItemSource: Sendable, Equatable {
    /// Serial of the device, when known.
    public var device: String?
    /// The file's path on its source (relative to the ingested root for a tree).
    public var path: String
    /// The root the job read from (a directory, a file, a device's medium).
    public var root: String
    public init(device: String?, path: String, root: String) { self.device = device; self.path = path; self.root = root }
}

/// Who and what an item belongs to.
public struct ItemTags: Sendable, Equatable {
    public var officer: String?
    public var hearing: String?
    public var `case`: String?
    public var category: String
    /// The courtroom it was recorded in (a fixed recorder's, or its hearing's).
    public var courtroom: String?
    public init(officer: String?, hearing: String?, case: String?, category: String, courtroom: String? = nil) {
        self.officer = officer; self.hearing = hearing; self.case = `case`; self.category = category; self.courtroom = courtroom
    }
}

/// One page of the items a query matches, with how many match in all.
public struct ItemPage: Sendable, Equatable {
    public var items: [Item]
    public var total: Int64
    public var limit: Int
    public var offset: Int
    public init(items: [Item], total: Int64, limit: Int, offset: Int) {
        self.items = items; self.total = total; self.limit = limit; self.offset = offset
    }
}
