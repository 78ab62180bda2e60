/// The states of an ingest job.
public enum JobState: String, Sendable, CaseIterable {
    case queued, running, completed, completedWithErrors, failed, interrupted
}

/// An ingest job: what it read, for whom, and how each file ended.
public struct Job: Sendable, Equatable {
    public var id: Int64
    public var state: JobState
    public var root: String
    public var device: String?
    public var requestedBy: Requester
    public var createdAt: String
    public var finishedAt: String?
    public var totalFiles: Int64
    public var stored: Int64
    public var duplicates: Int64
    public var failed: Int64
    public var pending: Int64
    public var bytesStored: Int64
    /// Every file that failed, with why.
    public var errors: [FailedFile]
    /// Per-file outcomes, when asked for.
    public var files: [JobFile]?
    public var message: String?

    public init(id: Int64, state: JobState, root: String, device: String?, requestedBy: Requester, createdAt: String,
                finishedAt: String?, totalFiles: Int64, stored: Int64, duplicates: Int64, failed: Int64, pending: Int64,
                bytesStored: Int64, errors: [FailedFile], files: [JobFile]?, message: String?) {
        self.id = id; self.state = state; self.root = root; self.device = device; self.requestedBy = requestedBy
        self.createdAt = createdAt; self.finishedAt = finishedAt; self.totalFiles = totalFiles; self.stored = stored
        self.duplicates = duplicates; self.failed = failed; self.pending = pending; self.bytesStored = bytesStored
        self.errors = errors; self.files = files; self.message = message
    }
}

/// Who asked for a job, with the roles they held then (as recorded: role names).
public struct Requester: Sendable, Equatable {
    public var uid: UInt32
    public var name: String
    public var roles: [String]
    public init(uid: UInt32, name: String, roles: [String]) { self.uid = uid; self.name = name; self.roles = roles }
}

/// A file of a job that failed, and why.
public struct FailedFile: Sendable, Equatable {
    public var path: String
    public var message: String
    public init(path: String, message: String) { self.path = path; self.message = message }
}

/// The outcome of one file of a job.
public enum JobFileState: String, Sendable, CaseIterable { case pending, stored, duplicate, failed }

/// One file of a job and its outcome.
public struct JobFile: Sendable, Equatable {
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
