import CustodyModel

/// A custody event whose text the index cannot keep whole: SQLite's text binding ends a
/// string at its first NUL, so the row would hold less than the ledger leaf was hashed
/// from, and `verify` would report the event altered for ever. Such an event is refused
/// before anything is written; every edge (requests, imports, media, USB strings) refuses
/// or escapes NUL long before it could get here.
public struct EventTextError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Stable code: `event-text-not-storable`.
    public let code = "event-text-not-storable"
    /// The envelope field (`actor.name`, `action`, `subject`, `outcome`, `time`), or the
    /// index column mirroring the event (`path`, `root`).
    public var field: String
    /// The event's action (as far as it can be shown).
    public var action: String
    /// Where the first NUL is, in UTF-8 bytes from the field's start.
    public var offset: Int

    public var description: String {
        "\(code): the \(field) of a custody event (\(action.debugDescription)) holds U+0000 (NUL) at byte \(offset), "
            + "which the index cannot keep; the event was not recorded"
    }
}

extension EventTextError {
    /// Throws for the first envelope field of `event` that holds a NUL.
    static func check(_ event: EventInput, time: String) throws(EventTextError) {
        try check(event.actor.name, field: "actor.name", action: event.action)
        try check(event.action, field: "action", action: event.action)
        try check(event.subject, field: "subject", action: event.action)
        try check(event.outcome, field: "outcome", action: event.action)
        try check(time, field: "time", action: event.action)
    }

    /// Throws when `text`, kept in an index column that mirrors an event of `action`
    /// (an item's path beside its `item.store` event), holds a NUL.
    static func check(_ text: String, field: String, action: String) throws(EventTextError) {
        guard let nul = text.utf8.firstIndex(of: 0) else { return }
        throw EventTextError(field: field, action: action, offset: text.utf8.distance(from: text.utf8.startIndex, to: nul))
    }
}
