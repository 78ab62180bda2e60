import CustodyCore
import CustodyModel

/// Where exports for court are recorded: each export, the items it hands out, and a
/// bundle that was never written.
public protocol ExportStore: Sendable {
    /// Records an export as one `export.create` event (its id is the event's sequence
    /// number) and an `item.export` event per item, in one durable transaction.
    func recordExport(actor: Caller, selection: String, reason: String?, items: [(id: Int64, sha256: String)]) throws -> Int64
    /// The export recorded by event `id`, or nil when that event is not an export.
    func export(_ id: Int64) throws -> ExportRecord?
    /// Records that export `id`'s bundle was not written, once (a second report returns
    /// the first); nil when `id` is not an export.
    func recordExportAbandon(_ id: Int64, actor: Caller, reason: String) throws -> ExportAbandonment?
}

/// A recorded export: who made it and which stored files it hands out.
public struct ExportRecord: Sendable, Equatable {
    public var id: Int64
    public var actorUID: UInt32
    public var sha256s: Set<String>
}

/// Why an export's bundle was not written, as recorded.
public struct ExportAbandonment: Sendable, Equatable {
    /// The `export.abandon` event.
    public var event: CustodyEvent
    /// False when the export had been recorded abandoned before (the first record stands).
    public var isNew: Bool
}
