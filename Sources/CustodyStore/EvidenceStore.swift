import CustodyCore
import CustodyModel
import Foundation

/// The storage and indexing module, as the rest of Custody sees it. ``LocalStore``
/// is the on-disk implementation; a central backend can stand beside it.
public protocol EvidenceStore: Sendable {
    // MARK: Blobs
    /// A new temporary file to write a blob into.
    func stageBlob() throws -> TemporaryBlob
    /// Makes a batch of verified temporary blobs durable and installs them under
    /// their hashes; returns, per blob, whether it was new.
    func installBlobs(_ blobs: [(TemporaryBlob, sha256: String)]) throws -> [Bool]
    /// Re-reads a stored blob and returns its SHA-256.
    func rehashBlob(_ sha256: String) throws -> String
    /// File-system path of a stored blob (read-only).
    func blobPath(_ sha256: String) -> String

    // MARK: Jobs
    /// Creates a job with its manifest of files (all pending) and its start event.
    func createJob(_ plan: JobPlan, caller: Caller) throws -> JobContext
    /// The job's files still pending, for running or resuming it.
    func pendingFiles(job: Int64) throws -> [PlannedFile]
    /// Context of an existing job (for resuming).
    func jobContext(_ id: Int64) throws -> JobContext?
    /// Points a job at where its source is now (a docked medium back at another device
    /// node), with a `job.relocate` event naming both roots; `location`, what its driver
    /// opens there (nil: unchanged).
    func relocateJob(_ id: Int64, root: String, location: String?, actor: Caller) throws
    /// Commits a batch of outcomes in one transaction: items, job files, counters, events.
    func commit(_ outcomes: [FileOutcome], job: JobContext) throws
    /// Installs a group's blobs and commits its outcomes as one step that retention's
    /// removal of blobs never interleaves with.
    func installAndCommit(_ staged: [(TemporaryBlob, sha256: String)], _ outcomes: [FileOutcome], job: JobContext) throws
    /// Sets a job's state (and finish time for final states), with an event.
    func setJobState(_ id: Int64, _ state: JobState, message: String?, actor: Caller) throws
    /// Jobs in any of these states.
    func jobIDs(in states: [JobState]) throws -> [Int64]
    /// The files already stored from this source, by path (the newest item of each),
    /// read once per job so that re-docking a card costs one query, not one per file.
    func knownFiles(sourceID: Int64) throws -> [String: KnownFile]

    // MARK: Queries
    func job(_ id: Int64, withFiles: Bool) throws -> Job?
    func jobs(limit: Int) throws -> [Job]
    func item(_ id: Int64) throws -> Item?
    func items(_ query: ItemQuery) throws -> ItemPage
    func events(_ query: EventQuery) throws -> [CustodyEvent]
    func totals() throws -> StoreTotals

    // MARK: Events
    /// Appends one custody event; durable when this returns.
    func record(_ event: EventInput) throws
    /// The `seq` of the latest custody event (0 when there is none).
    func latestEventSeq() throws -> Int64
    /// What the store commits, as it commits it: custody events in `seq` order and
    /// state changes, for live streams and for waiting on a job without polling.
    var changes: ChangePublisher { get }

    /// Crash recovery at start: removes half-written temporary files and returns
    /// a report of what it found.
    func recover() throws -> RecoveryReport
}

/// What a job will read.
public struct JobPlan: Sendable {
    public var root: String
    public var deviceSerial: String?
    public var files: [PlannedFile]
    /// What identifies the source across jobs (default: the root, with the device serial):
    /// a medium's volume serials, so that a card docked again is the same source.
    public var sourceKey: String?
    /// Facts about the source kept in the `job.create` custody event (volumes, labels,
    /// deleted directory entries, problems).
    public var notes: [String: JSONValue]
    /// A docked medium's identity (its volumes' types, serials and labels): the job is
    /// resumed when that medium is seen again, wherever it is then.
    public var medium: String?
    /// Which file the root was when the job was checked (nil: not recorded, a docked device).
    public var rootIdentity: FileIdentity?
    /// Which driver reads the source, and what it opens.
    public var address: SourceAddress?
    public init(root: String, deviceSerial: String?, files: [PlannedFile], sourceKey: String? = nil, notes: [String: JSONValue] = [:],
                medium: String? = nil, rootIdentity: FileIdentity? = nil, address: SourceAddress? = nil) {
        self.root = root; self.deviceSerial = deviceSerial; self.files = files; self.sourceKey = sourceKey; self.notes = notes
        self.medium = medium; self.rootIdentity = rootIdentity; self.address = address
    }
}

/// One file of a job's manifest. `failure` is set for entries that cannot be read
/// at all (a symbolic link, an unreadable directory): they fail without a copy.
public struct PlannedFile: Sendable, Equatable {
    public var path: String
    public var size: Int64
    public var modifiedAt: Date?
    public var failure: String?
    public init(path: String, size: Int64, modifiedAt: Date?, failure: String? = nil) {
        self.path = path; self.size = size; self.modifiedAt = modifiedAt; self.failure = failure
    }
}

/// A job as the ingest engine needs it.
public struct JobContext: Sendable, Equatable {
    public var jobID: Int64
    public var sourceID: Int64
    public var root: String
    public var deviceSerial: String?
    public var requester: Caller
    /// The identity of the docked medium the job reads (``JobPlan/medium``), if any.
    public var medium: String?
    /// Which file the root was when the job was checked; the job reads that root or nothing.
    public var rootIdentity: FileIdentity?
    /// Which driver reads the source, and what it opens (``JobPlan/address``).
    public var address: SourceAddress?
    public init(jobID: Int64, sourceID: Int64, root: String, deviceSerial: String?, requester: Caller, medium: String? = nil,
                rootIdentity: FileIdentity? = nil, address: SourceAddress? = nil) {
        self.jobID = jobID; self.sourceID = sourceID; self.root = root; self.deviceSerial = deviceSerial; self.requester = requester
        self.medium = medium; self.rootIdentity = rootIdentity; self.address = address
    }
}

/// A file of a source that is already an item.
public struct KnownFile: Sendable, Equatable {
    public var itemID: Int64
    public var sha256: String
    public var size: Int64
    public var modifiedAt: String?
    public init(itemID: Int64, sha256: String, size: Int64, modifiedAt: String?) {
        self.itemID = itemID; self.sha256 = sha256; self.size = size; self.modifiedAt = modifiedAt
    }

    /// True when a file of this size and mtime is probably this item (its hash decides).
    public func matches(size: Int64, modifiedAt: Date?) -> Bool {
        self.size == size && self.modifiedAt == modifiedAt.map(RFC3339.format)
    }
}

/// Facts about a verified file, to become an item.
public struct StoredFileFacts: Sendable, Equatable {
    public var sha256: String
    public var size: Int64
    public var mediaType: String
    public var container: String
    public var recordedAt: Date
    public var recordedAtSource: String
    public var utcOffsetSeconds: Int?
    public var durationSeconds: Double?
    public var metadataProblems: [String]
    public var fileModifiedAt: Date?
    /// Facts about the original from its source (volume label and serial, file-system
    /// timestamps…), kept in the item's `item.store` custody event.
    public var sourceNotes: [String: JSONValue]
    public init(sha256: String, size: Int64, mediaType: String, container: String, recordedAt: Date, recordedAtSource: String,
                utcOffsetSeconds: Int?, durationSeconds: Double?, metadataProblems: [String], fileModifiedAt: Date?,
                sourceNotes: [String: JSONValue] = [:]) {
        self.sha256 = sha256; self.size = size; self.mediaType = mediaType; self.container = container
        self.recordedAt = recordedAt; self.recordedAtSource = recordedAtSource; self.utcOffsetSeconds = utcOffsetSeconds
        self.durationSeconds = durationSeconds; self.metadataProblems = metadataProblems; self.fileModifiedAt = fileModifiedAt
        self.sourceNotes = sourceNotes
    }
}

/// The outcome of one file.
public struct FileOutcome: Sendable, Equatable {
    public enum Result: Sendable, Equatable {
        /// Verified and installed in the blob store (`blobIsNew` false: bytes already stored).
        case stored(StoredFileFacts)
        /// The same file from the same source is already an item.
        case duplicate(itemID: Int64, sha256: String)
        case failed(String)
    }
    public var path: String
    public var size: Int64
    public var result: Result
    public init(path: String, size: Int64, result: Result) { self.path = path; self.size = size; self.result = result }
}

public struct ItemQuery: Sendable, Equatable {
    public var officer: String?
    public var hearing: String?
    public var caseNumber: String?
    public var category: String?
    /// Serial of the device it came from.
    public var device: String?
    public var courtroom: String?
    public var from: Date?
    public var to: Date?
    public var text: String?
    public var sha256: String?
    public var jobID: Int64?
    public var limit: Int = 100
    public var offset: Int = 0
    public init() {}
}

public struct EventQuery: Sendable, Equatable {
    /// Exact subject, e.g. "item:12".
    public var subject: String?
    /// Events about this item: its own and those of the job that stored it, without the
    /// failures of that job's other files.
    public var itemID: Int64?
    public var afterSeq: Int64 = 0
    public var limit: Int = 1000
    public init() {}
}

public struct EventInput: Sendable, Equatable {
    public var actor: Caller
    public var action: String
    public var subject: String
    public var outcome: String
    public var detail: [String: JSONValue]
    public init(actor: Caller, action: String, subject: String, outcome: String = "ok", detail: [String: JSONValue] = [:]) {
        self.actor = actor; self.action = action; self.subject = subject; self.outcome = outcome; self.detail = detail
    }
}

public struct StoreTotals: Sendable, Equatable {
    public var items: Int64
    public var blobs: Int64
    public var bytesStored: Int64
}

public struct RecoveryReport: Sendable, Equatable {
    /// Half-written temporary files removed.
    public var temporaryFilesRemoved: Int
    /// Blobs the index names but the disk lacks (should be none).
    public var missingBlobs: [String]
    /// Jobs left running or queued by a crash.
    public var unfinishedJobs: [Int64]
}

extension Caller {
    /// The daemon acting on its own (recovery, start, stop).
    public static var daemon: Caller {
        Caller(uid: UInt32(getuid()), gid: UInt32(getgid()), name: "custodyd", roles: [.admin])
    }
}

extension EvidenceStore {
    /// Points a job at another root, what its driver opens unchanged.
    public func relocateJob(_ id: Int64, root: String, actor: Caller) throws {
        try relocateJob(id, root: root, location: nil, actor: actor)
    }

    /// Installs, then commits (a store that never removes blobs needs nothing more).
    public func installAndCommit(_ staged: [(TemporaryBlob, sha256: String)], _ outcomes: [FileOutcome], job: JobContext) throws {
        _ = try installBlobs(staged)
        try commit(outcomes, job: job)
    }
}

/// A request the store refuses about a job, with a stable code.
public struct StoreError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Code: String, Sendable {
        /// It names a job that does not exist.
        case notFound = "not-found"
    }
    public var code: Code
    public var message: String
    public init(_ code: Code, _ message: String) { self.code = code; self.message = message }
    public var description: String { "\(message) [\(code.rawValue)]" }
}
