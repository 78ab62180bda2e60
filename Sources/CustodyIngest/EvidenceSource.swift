import CustodyModel
import CustodyStore
import Foundation

/// What a driver gives the ingest engine: the files of one source (a directory tree or
/// one file, the FAT/exFAT volumes of a card or an image), each listed under a key that
/// stays the same for as long as the source does (its path in the source, by which a
/// job resumes), each opened as a byte stream; and what the driver knows of the medium.
/// The engine reads every source through this protocol and never looks at a path to
/// tell one kind of source from another.
public protocol EvidenceSource: Sendable {
    /// Which driver reads it and what that driver needs to open it again (kept with the job).
    var descriptor: SourceDescriptor { get }
    /// The medium it reads, where its driver can tell one medium from another (a card's
    /// volumes): a job held to a medium never reads another one found in its place.
    var medium: Medium? { get }
    /// What identifies the source across jobs where its root does not (a card's volume
    /// serials), so that the same card read again is the same source; nil: its root.
    var sourceKey: String? { get }
    /// What it says of itself in the job's `job.create` custody event (volumes, labels,
    /// deleted directory entries, problems).
    var notes: [String: JSONValue] { get }
    /// The job's manifest: every file `include` selects (by its key), in key order; an
    /// entry that cannot be read at all (a link, a part of a damaged medium) carries its
    /// failure and is never copied.
    func files(include: (String) -> Bool) -> [PlannedFile]
    /// Opens one listed file for reading from its start.
    func open(_ file: PlannedFile) -> SourceOpening
    /// Why the source as a whole can no longer be read (its medium taken out, its device
    /// unplugged), or nil. Asked after a file fails to open or read: such a file is not
    /// the file's fault, so it stays pending and the job stops, to resume later.
    func unavailable() -> String?
}

extension EvidenceSource {
    public var medium: Medium? { nil }
    public var sourceKey: String? { nil }
    public var notes: [String: JSONValue] { [:] }
    /// A directory tree does not go away as a whole: its files fail one by one.
    public func unavailable() -> String? { nil }
}

/// What opening a source file gave.
public enum SourceOpening {
    case opened(any SourceFile)
    /// It cannot be read; the message says why (the file fails, the job goes on).
    case failed(String)
}

/// One source file, open for sequential reading.
public protocol SourceFile {
    var size: Int64 { get }
    var modifiedAt: Date? { get }
    /// Reads the next bytes into `buffer`; 0 at the end.
    /// - Throws: ``SourceReadError`` naming the byte offset and the cause.
    mutating func read(into buffer: UnsafeMutableRawBufferPointer) throws(SourceReadError) -> Int
    /// Why the file no longer matches what was read (it changed meanwhile), or nil.
    func changedWhileRead() -> String?
    /// Facts about the original kept with the item's custody event (volume, timestamps).
    var notes: [String: JSONValue] { get }
    /// What the source says makes the bytes doubtful (a damaged medium): kept on the item
    /// with its other problems, so that the item says so.
    var problems: [String] { get }
    func close()
}

extension SourceFile {
    public var problems: [String] { [] }
}

/// A failed read of a source file.
public struct SourceReadError: Error, Sendable, CustomStringConvertible {
    public var offset: UInt64
    public var reason: String
    public init(offset: UInt64, reason: String) { self.offset = offset; self.reason = reason }
    public var description: String { "read error at byte \(offset): \(reason)" }
}
