import CustodyCore
import CustodyModel
import CustodyProtocol
import CustodyStore
import Foundation
import NIOCore
import NIOHTTP1

extension ControlServer {
    /// How often an idle stream carries a keep-alive comment: well within the client's
    /// read timeout and the connection's idle timeout, and how a reader that went away is
    /// noticed (the write fails) while nothing happens.
    var keepAliveInterval: TimeAmount {
        .seconds(Int64(max(1, min(15, options.limits.idleTimeoutSeconds / 2))))
    }

    /// How many custody events one read of the backlog takes.
    static let backlogPage = 500

    /// Sends `GET /v1/events/stream` until the client goes, `seconds` pass, or the reader
    /// falls behind (then a `cut` message says where to resume). The route subscribed
    /// before the backlog is read, so an event committed meanwhile is either in the backlog or
    /// published after it, and one in both is sent once (by `seq`). Each message is
    /// written and awaited until the socket took it: a slow reader holds at most one
    /// message here and the publisher's bounded buffer, never the daemon.
    func writeStream(_ plan: EventStreamPlan, _ response: ControlResponse, version: HTTPVersion, channel: any Channel,
                     uid: UInt32) async throws {
        // The daemon stopping ends the stream at once, even one whose reader stalled mid-write.
        try await withTaskCancellationHandler {
            try await streamMessages(plan, version: version, channel: channel, uid: uid)
        } onCancel: {
            channel.close(promise: nil)
        }
    }

    private func streamMessages(_ plan: EventStreamPlan, version: HTTPVersion, channel: any Channel, uid: UInt32) async throws {
        let emit = { (text: String) async throws in try await self.send(text, channel, uid: uid) }
        let subscription = plan.subscription
        defer { subscription.close() }
        // The connection closing (the client went, the server stops) ends a waiting read.
        channel.closeFuture.whenComplete { _ in subscription.close() }
        let keepAlive = channel.eventLoop.scheduleRepeatedTask(initialDelay: keepAliveInterval, delay: keepAliveInterval) { _ in
            subscription.wake()
        }
        defer { keepAlive.cancel() }
        let ending = plan.seconds.map { seconds in channel.eventLoop.scheduleTask(in: .seconds(Int64(seconds))) { subscription.close() } }
        defer { ending?.cancel() }

        var headers = HTTPHeaders()
        headers.add(name: "Content-Type", value: API.eventStreamContentType)
        // Every message is news: nothing may keep a copy.
        headers.add(name: "Cache-Control", value: "no-store")
        headers.add(name: "Connection", value: "close")
        headers.add(name: "Server", value: "custodyd/\(CustodyVersion.string)")
        // No Content-Length: the stream is sent chunked, until it ends.
        try await channel.writeAndFlush(HTTPServerResponsePart.head(HTTPResponseHead(version: version, status: .ok, headers: headers))).get()

        var last = plan.after
        try await emit(EventStreamFraming.message(.ready, id: last, json: try Wire.encoder().encode(EventStreamReadyDTO(after: last))))
        if plan.events, plan.replay {
            while true {
                var query = EventQuery()
                query.afterSeq = last
                query.limit = Self.backlogPage
                // Read through the store's door: the backlog may wait for the disk.
                let (store, asked) = (plan.store, query)
                let page = try await routes.door.run { try store.events(asked) }
                guard !page.isEmpty else { break }
                var text = ""
                for event in page { text += try Self.message(event) }
                try await emit(text)
                last = page.last!.seq
                if page.count < Self.backlogPage { break }
            }
        }
        while true {
            switch await subscription.next() {
            case .change(.event(let event)):
                guard plan.events, event.seq > last else { continue }
                try await emit(try Self.message(event))
                last = event.seq
            case .change(.state(let topic)):
                try await emit(EventStreamFraming.message(.change, json: try Wire.encoder().encode(StateChangeDTO(topic: topic.rawValue))))
            case .wake:
                try await emit(EventStreamFraming.keepAlive)
            case .fellBehind:
                let cut = EventStreamCutDTO(
                    code: "fell-behind",
                    detail: "this reader fell more than \(plan.store.changes.bufferLimit) changes behind and the stream ends here; "
                        + "nothing is lost: open it again with ?after=\(last) (or Last-Event-ID: \(last))",
                    resumeAfter: last)
                logger.notice("event stream cut: its reader fell more than \(plan.store.changes.bufferLimit) changes behind (at seq \(last))")
                try await emit(EventStreamFraming.message(.cut, json: try Wire.encoder().encode(cut)))
                return try await end(channel)
            case .closed:
                return try await end(channel)
            }
        }
    }

    static func message(_ event: CustodyEvent) throws -> String {
        EventStreamFraming.message(.custody, id: event.seq, json: try Wire.encoder().encode(EventDTO(event)))
    }

    /// Writes one message and waits until the socket took it. A reader that takes nothing
    /// for the idle timeout (its socket full all that time) is cut: one message is far
    /// below the channel's high-water mark, so the connection's own stall clock, which
    /// follows writability, would never start.
    private func send(_ text: String, _ channel: any Channel, uid: UInt32) async throws {
        var buffer = channel.allocator.buffer(capacity: text.utf8.count)
        buffer.writeString(text)
        let promise = channel.eventLoop.makePromise(of: Void.self)
        channel.writeAndFlush(HTTPServerResponsePart.body(.byteBuffer(buffer)), promise: promise)
        let written = promise.futureResult
        let seconds = options.limits.idleTimeoutSeconds, notices = self.notices
        let stall = channel.eventLoop.scheduleTask(in: .seconds(Int64(seconds))) {
            notices.log(uid: uid, kind: "stalled", "connection of uid \(uid) closed: \(ConnectionDeadlines.Cut.stalled(seconds))")
            channel.close(promise: nil)
        }
        written.whenComplete { _ in stall.cancel() }
        try await written.get()
    }

    private func end(_ channel: any Channel) async throws {
        guard channel.isActive else { return }
        try await channel.writeAndFlush(HTTPServerResponsePart.end(nil)).get()
    }
}
