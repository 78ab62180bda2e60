import NIOCore
import NIOHTTP1

/// Fired inbound by ``RequestByteWatcher`` whenever bytes arrive, before the HTTP
/// decoder sees them: how ``ConnectionDeadlines`` tells an idle connection from one
/// whose request head is still arriving.
struct RequestBytesArrived {}

/// First in a control connection's pipeline: notes that bytes arrived, and passes them on.
final class RequestByteWatcher: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        context.fireUserInboundEventTriggered(RequestBytesArrived())
        context.fireChannelRead(data)
    }
}

/// Closes a control connection that keeps the daemon waiting: a request head not
/// complete `header` after its first byte (bytes dribbled in, "slowloris"), a body
/// not complete `body` after its head, no request at all for `idle` (after the
/// connection opened or the last answer was written), or an answer the client stops
/// reading for `idle` (the socket full the whole time). Time spent working out an
/// answer is the daemon's own and is not limited here.
final class ConnectionDeadlines: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias InboundOut = HTTPServerRequestPart
    typealias OutboundIn = HTTPServerResponsePart
    typealias OutboundOut = HTTPServerResponsePart

    /// What the connection is waiting for.
    enum Phase: Equatable {
        case idle, head, body, answer
    }

    /// Why a connection was cut, for the log.
    enum Cut: Equatable, CustomStringConvertible {
        case idle(Int), head(Int), body(Int), stalled(Int)
        var description: String {
            switch self {
            case .idle(let s): "no request for \(s) s"
            case .head(let s): "request head not complete \(s) s after its first byte"
            case .body(let s): "request body not complete \(s) s after its head"
            case .stalled(let s): "its answer not read for \(s) s"
            }
        }
    }

    private let limits: ConnectionLimits
    private let onCut: (Cut) -> Void
    private(set) var phase = Phase.idle
    private var timer: Scheduled<Void>?

    init(limits: ConnectionLimits, onCut: @escaping (Cut) -> Void) {
        self.limits = limits
        self.onCut = onCut
    }

    func handlerAdded(context: ChannelHandlerContext) {
        enter(.idle, context: context)
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        timer?.cancel()
        timer = nil
    }

    func channelInactive(context: ChannelHandlerContext) {
        timer?.cancel()
        timer = nil
        context.fireChannelInactive()
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        guard event is RequestBytesArrived else { return context.fireUserInboundEventTriggered(event) }
        // The first byte of a request: from now on its head has `header` seconds.
        if phase == .idle { enter(.head, context: context) }
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head: enter(.body, context: context)
        case .body: break
        case .end: enter(.answer, context: context)
        }
        context.fireChannelRead(data)
    }

    func channelWritabilityChanged(context: ChannelHandlerContext) {
        // An answer the client does not read: the socket stays full. Reading again (the
        // socket drains, writable again) stops the clock.
        if phase == .answer {
            if context.channel.isWritable {
                timer?.cancel()
                timer = nil
            } else if timer == nil {
                schedule(.stalled(limits.idleTimeoutSeconds), in: .answer, context: context)
            }
        }
        context.fireChannelWritabilityChanged()
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        if case .end = unwrapOutboundIn(data), phase == .answer { enter(.idle, context: context) }
        context.write(data, promise: promise)
    }

    private func enter(_ next: Phase, context: ChannelHandlerContext) {
        timer?.cancel()
        timer = nil
        phase = next
        let cut: Cut
        switch next {
        case .idle: cut = .idle(limits.idleTimeoutSeconds)
        case .head: cut = .head(limits.headerTimeoutSeconds)
        case .body: cut = .body(limits.bodyTimeoutSeconds)
        case .answer: return
        }
        schedule(cut, in: next, context: context)
    }

    /// Closes the connection after the cut's time, unless it has left `phase` by then.
    private func schedule(_ cut: Cut, in phase: Phase, context: ChannelHandlerContext) {
        let seconds: Int
        switch cut {
        case .idle(let s), .head(let s), .body(let s), .stalled(let s): seconds = s
        }
        timer = context.eventLoop.assumeIsolated().scheduleTask(in: .seconds(Int64(seconds))) { [weak self] in
            guard let self, self.phase == phase else { return }
            self.onCut(cut)
            context.close(promise: nil)
        }
    }
}
