import CustodyModel
import CustodyProtocol
import CustodyStore
import Foundation

/// What `GET /v1/events/stream` was asked for; ``ControlServer`` sends it.
public struct EventStreamPlan: Sendable {
    /// The stream carries the custody events after this `seq`.
    public var after: Int64
    /// Whether events up to now (after `after`) are read from the store first; false
    /// when the stream starts from now on.
    public var replay: Bool
    /// Carry custody events (false: only the state changes, as `custodyctl watch` reads).
    public var events: Bool
    /// End the stream after this many seconds; nil: when the client goes.
    public var seconds: Int?
    /// Where the backlog is read.
    let store: any EvidenceStore
    /// Subscribed before the store was first read, so that nothing committed since is missed.
    let subscription: ChangeSubscription
}

extension ControlRoutes {
    /// `GET /v1/events/stream`: `after` (or `Last-Event-ID`, which a reconnecting reader
    /// sends and which wins), `events`, `seconds`; checked before the stream starts.
    func eventStream(_ request: ControlRequest) throws -> ControlResponse {
        var after: Int64?
        if request.query["after"] != nil {
            after = try intParameter(request, "after", default: 0, range: RequestBounds.position)
        }
        if let header = request.headers.first(name: "last-event-id") {
            guard let seq = Int64(header.trimmingCharacters(in: .whitespaces)), RequestBounds.position.contains(seq) else {
                throw ProblemDTO.badRequest("the Last-Event-ID header must be a custody event's seq (0 or more), not \"\(Self.echo(header))\"")
            }
            after = seq
        }
        let events: Bool
        switch request.query["events"] {
        case nil, "true": events = true
        case "false": events = false
        case let other?: throw ProblemDTO.badRequest("events must be true or false, not \"\(Self.echo(other))\"")
        }
        return try streamResponse(after: after, events: events, seconds: streamSeconds(request))
    }

    /// `GET /v1/changes/stream`: the `ready`, `change` and `cut` messages alone (no custody
    /// event), for every role; `seconds` only.
    func changeStream(_ request: ControlRequest) throws -> ControlResponse {
        try streamResponse(after: nil, events: false, seconds: streamSeconds(request))
    }

    private func streamSeconds(_ request: ControlRequest) throws -> Int? {
        guard request.query["seconds"] != nil else { return nil }
        return try intParameter(request, "seconds", default: 1, range: 1...86_400)
    }

    private func streamResponse(after: Int64?, events: Bool, seconds: Int?) throws -> ControlResponse {
        // Subscribed first; then the index is read once, so a store that cannot answer
        // is a 500 before the stream begins.
        let subscription = store.changes.subscribe()
        let latest = try store.latestEventSeq()
        var response = ControlResponse(contentType: API.eventStreamContentType, body: Data())
        response.stream = EventStreamPlan(after: after ?? latest, replay: after != nil, events: events, seconds: seconds,
                                          store: store, subscription: subscription)
        return response
    }
}
