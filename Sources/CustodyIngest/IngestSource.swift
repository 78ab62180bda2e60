import CustodyModel
import CustodyStore
import Foundation

/// Where a job's files come from: a directory tree (or one file), or a file system read
/// in user space from a block device or an image. A job's kind is in its root:
/// ``IngestSource/volumePrefix`` marks a volume source.
public protocol IngestSource: Sendable {
    /// Opens one planned file for reading from its start.
    func open(_ file: PlannedFile) -> SourceOpening
    /// Why the source as a whole can no longer be read (its medium taken out, its device
    /// unplugged), or nil. Asked after a file fails to open or read: such a file is not
    /// the file's fault, so it stays pending and the job stops, to resume later.
    func unavailable() -> String?
}

extension IngestSource {
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
