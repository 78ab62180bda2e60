import CustodyModel

/// An ingest job. The field names are relied on by other tools.
public struct JobDTO: Sendable, Codable, Equatable {
    public var id: Int64
    public var state: JobState
    public var root: String
    public var device: String?
    public var requestedBy: CallerDTO
    public var createdAt: String
    public var finishedAt: String?
    public var totalFiles: Int64
    public var stored: Int64
    public var duplicates: Int64
    public var failed: Int64
    public var pending: Int64
    public var bytesStored: Int64
    /// Every file that failed, with why.
    public var errors: [JobErrorDTO]
    /// Per-file outcomes; only in `GET /v1/jobs/{id}`.
    public var files: [JobFileDTO]?
    public var message: String?

    public init(id: Int64, state: JobState, root: String, device: String?, requestedBy: CallerDTO, createdAt: String,
                finishedAt: String?, totalFiles: Int64, stored: Int64, duplicates: Int64, failed: Int64, pending: Int64,
                bytesStored: Int64, errors: [JobErrorDTO], files: [JobFileDTO]?, message: String?) {
        self.id = id; self.state = state; self.root = root; self.device = device; self.requestedBy = requestedBy
        self.createdAt = createdAt; self.finishedAt = finishedAt; self.totalFiles = totalFiles; self.stored = stored
        self.duplicates = duplicates; self.failed = failed; self.pending = pending; self.bytesStored = bytesStored
        self.errors = errors; self.files = files; self.message = message
    }
}

public struct JobErrorDTO: Sendable, Codable, Equatable {
    public var path: String
    public var message: String
    public init(path: String, message: String) { self.path = path; self.message = message }
}

public struct JobFileDTO: Sendable, Codable, Equatable {
    public var path: String
    public var size: Int64
    public var state: JobFileState
    public var itemId: Int64?
    public var sha256: String?
    public var message: String?
    public init(path: String, size: Int64, state: JobFileState, itemId: Int64?, sha256: String?, message: String?) {
        self.path = path; self.size = size; self.state = state; self.itemId = itemId; self.sha256 = sha256; self.message = message
    }
}

/// `POST /v1/jobs` body.
public struct IngestRequestDTO: Sendable, Codable, Equatable {
    /// Absolute path of a directory tree or a single file.
    public var path: String
    /// Serial of the registered device the files came from, when known.
    public var device: String?
    /// `path` is a block device or a disk image whose FAT/exFAT file systems are read
    /// in user space (never mounted), rather than a directory or a file.
    public var image: Bool?
    public init(path: String, device: String? = nil, image: Bool? = nil) { self.path = path; self.device = device; self.image = image }
}

/// `GET /v1/jobs` answer.
public struct JobListDTO: Sendable, Codable, Equatable {
    public var jobs: [JobDTO]
    public init(jobs: [JobDTO]) { self.jobs = jobs }
}
