/// One custody event: who did what to which subject, when, and how it ended. Each is
/// one leaf of the custody ledger.
public struct CustodyEvent: Sendable, Equatable {
    public var seq: Int64
    /// RFC 3339 UTC.
    public var time: String
    public var actor: Author
    /// e.g. job.start, item.store, item.duplicate, file.fail, job.finish, request.deny.
    public var action: String
    /// e.g. "item:12", "job:3".
    public var subject: String
    /// ok, error, denied.
    public var outcome: String
    public var detail: [String: JSONValue]
    public init(seq: Int64, time: String, actor: Author, action: String, subject: String, outcome: String, detail: [String: JSONValue]) {
        self.seq = seq; self.time = time; self.actor = actor; self.action = action; self.subject = subject
        self.outcome = outcome; self.detail = detail
    }
}

/// The Unix user an event, a hold or a plan is recorded for: every action has an author.
public struct Author: Sendable, Equatable {
    public var uid: UInt32
    public var name: String
    public init(uid: UInt32, name: String) { self.uid = uid; self.name = name }
}
