import Foundation

/// The messages of `GET /v1/events/stream`, a Server-Sent Events stream (the HTML
/// standard's `text/event-stream`): each message is `event:` (its kind), `id:` (a custody
/// event's `seq`, where it has one) and one `data:` line of JSON, ended by a blank line;
/// a line starting with `:` is a comment (the keep-alive).
public enum EventStreamKind: String, Sendable, Codable {
    /// First message: where the stream starts (its `id` is the `seq` it resumes after).
    case ready
    /// A custody event (``EventDTO``), its `seq` as the message's `id`.
    case custody
    /// Rows of a kind of state changed (``StateChangeDTO``): look again.
    case change
    /// Last message of a stream whose reader fell behind (``EventStreamCutDTO``).
    case cut
}

/// `ready`: the stream's starting point.
public struct EventStreamReadyDTO: Codable, Sendable, Equatable {
    /// The stream carries the custody events after this `seq`.
    public var after: Int64
    public init(after: Int64) { self.after = after }
}

/// `change`: rows of `topic` (`devices`, `jobs` or `recordings`) changed.
public struct StateChangeDTO: Codable, Sendable, Equatable {
    public var topic: String
    public init(topic: String) { self.topic = topic }
}

/// `cut`: why the stream ends, and where to resume it (`?after=resumeAfter`).
public struct EventStreamCutDTO: Codable, Sendable, Equatable {
    /// `fell-behind`.
    public var code: String
    public var detail: String
    /// The `seq` of the last custody event this stream carried (or its starting point).
    public var resumeAfter: Int64
    public init(code: String, detail: String, resumeAfter: Int64) {
        self.code = code; self.detail = detail; self.resumeAfter = resumeAfter
    }
}

/// One message of the stream, as read.
public struct EventStreamMessage: Sendable, Equatable {
    public var event: String
    public var id: String?
    public var data: String
    public init(event: String, id: String?, data: String) { self.event = event; self.id = id; self.data = data }

    /// The message's JSON, decoded.
    public func decode<T: Decodable>(_ type: T.Type) throws -> T {
        try Wire.decoder.decode(T.self, from: Data(data.utf8))
    }
}

/// Writes and reads the stream's framing.
public enum EventStreamFraming {
    /// A message: `event`, optional `id`, and `json` as `data:` lines (one per line of it).
    public static func message(_ kind: EventStreamKind, id: Int64? = nil, json: Data) -> String {
        var text = "event: \(kind.rawValue)\n"
        if let id { text += "id: \(id)\n" }
        for line in String(decoding: json, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false) {
            text += "data: \(line)\n"
        }
        return text + "\n"
    }

    /// The keep-alive: a comment line, ignored by readers.
    public static let keepAlive = ": keep-alive\n\n"

    /// Takes the first complete message out of `buffer` (text after the last complete
    /// message stays), skipping comment-only blocks; nil when none is complete yet.
    public static func take(from buffer: inout Data) -> EventStreamMessage? {
        let separator = Data("\n\n".utf8)
        while let end = buffer.range(of: separator) {
            let block = String(decoding: buffer[buffer.startIndex..<end.lowerBound], as: UTF8.self)
            buffer = Data(buffer[end.upperBound...])
            var event = "message", id: String?, data: [String] = []
            for line in block.split(separator: "\n", omittingEmptySubsequences: false) where !line.hasPrefix(":") {
                let parts = line.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false)
                let name = String(parts[0])
                var value = parts.count > 1 ? String(parts[1]) : ""
                if value.hasPrefix(" ") { value.removeFirst() }
                switch name {
                case "event": event = value
                case "id": id = value
                case "data": data.append(value)
                default: break
                }
            }
            if !data.isEmpty || id != nil { return EventStreamMessage(event: event, id: id, data: data.joined(separator: "\n")) }
        }
        return nil
    }
}
