import CustodyModel

/// One custody event: who did what to which subject, when, and how it ended.
public struct EventDTO: Sendable, Codable, Equatable {
    public var seq: Int64
    /// RFC 3339 UTC.
    public var time: String
    public var actor: ActorDTO
    /// e.g. job.start, item.store, item.duplicate, file.fail, job.finish, request.deny.
    public var action: String
    /// e.g. "item:12", "job:3".
    public var subject: String
    /// ok, error, denied.
    public var outcome: String
    public var detail: [String: JSONValue]
    public init(seq: Int64, time: String, actor: ActorDTO, action: String, subject: String, outcome: String, detail: [String: JSONValue]) {
        self.seq = seq; self.time = time; self.actor = actor; self.action = action; self.subject = subject
        self.outcome = outcome; self.detail = detail
    }
}

public struct ActorDTO: Sendable, Codable, Equatable {
    public var uid: UInt32
    public var name: String
    public init(uid: UInt32, name: String) { self.uid = uid; self.name = name }
}

/// `GET /v1/events` answer.
public struct EventListDTO: Sendable, Codable, Equatable {
    public var events: [EventDTO]
    public init(events: [EventDTO]) { self.events = events }
}
