/// The control protocol's version and paths, in one place: the server's route table
/// declares its routes with these constants and templates, the client asks for them.
/// `docs/api/openapi.yaml` documents every path; the tests check the server against it.
/// A path without an id is its own template; one with an id has a template in
/// ``Template`` and a function that fills it in (`job(12)` is `/v1/jobs/12`).
public enum API {
    /// Prefix of every path of this protocol version.
    public static let prefix = "/v1"
    public static let status = "/v1/status"
    public static let jobs = "/v1/jobs"
    public static func job(_ id: Int64) -> String { Template.job.filled(id) }
    public static let items = "/v1/items"
    public static func item(_ id: Int64) -> String { Template.item.filled(id) }
    public static let events = "/v1/events"
    /// The custody events and state changes as they happen (Server-Sent Events).
    public static let eventStream = "/v1/events/stream"
    /// Only which kinds of state changed, live (Server-Sent Events), for every role.
    public static let changeStream = "/v1/changes/stream"
    public static let devices = "/v1/devices"
    public static let ledger = "/v1/ledger"
    public static let checkpoints = "/v1/checkpoints"
    public static let verify = "/v1/verify"
    public static let proofs = "/v1/proofs"
    public static let exports = "/v1/exports"
    /// Records that an export's bundle was not written (`export.abandon`).
    public static func exportAbandon(_ id: Int64) -> String { Template.exportAbandon.filled(id) }
    /// A stored file's bytes (`?export=ID`: handed out for an export only).
    public static func blob(_ sha256: String) -> String { Template.blob.filled(sha256) }
    /// Courtroom recording: every courtroom, and segments.
    public static let recordings = "/v1/recordings"
    /// One courtroom's recording (`GET`), or an action on it (`POST`, e.g. stop). Courtroom
    /// ids are letters, digits, '-', '_' and '.', so they need no escaping.
    public static func recording(_ courtroom: String) -> String { Template.recording.filled(courtroom) }
    public static let logLevel = "/v1/log-level"
    /// Prometheus text exposition, unversioned like every Prometheus endpoint.
    public static let metrics = "/metrics"
    /// Media type of error bodies (RFC 9457).
    public static let problemContentType = "application/problem+json"
    public static let jsonContentType = "application/json"
    /// Media type of the live event stream (Server-Sent Events).
    public static let eventStreamContentType = "text/event-stream"
}
