import CustodyCore
import CustodyModel
import CustodyProtocol
import Foundation
import NIOCore

/// The whole pipeline of a connection refused for being over a cap: it answers
/// `503 Service Unavailable` with `Retry-After` at once, without waiting for (or
/// parsing) a request, shuts its side of the connection, and reads and discards
/// whatever the client still sends so that the client reads the answer rather than
/// a reset. It closes when the client does, or after `linger` at the latest.
final class ConnectionRefusal: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer

    private let answer: [UInt8]
    private let linger: TimeAmount

    init(reason: String, retryAfterSeconds: Int, linger: TimeAmount) {
        self.answer = Self.answer(reason: reason, retryAfterSeconds: retryAfterSeconds)
        self.linger = linger
    }

    /// The raw HTTP/1.1 answer: a problem document (RFC 9457) naming the cap.
    static func answer(reason: String, retryAfterSeconds: Int) -> [UInt8] {
        let problem = ProblemDTO(status: 503, code: "too-many-connections", title: "Too many connections",
                                 detail: "\(reason); try again in \(retryAfterSeconds) s")
        let body = (try? Wire.encoder().encode(problem)) ?? Data()
        let head = "HTTP/1.1 503 Service Unavailable\r\nContent-Type: \(API.problemContentType)\r\nContent-Length: \(body.count)\r\n"
            + "Retry-After: \(retryAfterSeconds)\r\nConnection: close\r\nServer: custodyd/\(CustodyVersion.string)\r\n\r\n"
        return Array(head.utf8) + Array(body)
    }

    func channelActive(context: ChannelHandlerContext) {
        let channel = context.channel
        context.writeAndFlush(NIOAny(channel.allocator.buffer(bytes: answer))).assumeIsolated().whenComplete { _ in
            // Our side is done: the client reads the answer, then the end of the stream.
            channel.close(mode: .output, promise: nil)
        }
        context.eventLoop.assumeIsolated().scheduleTask(in: linger) { channel.close(promise: nil) }
        context.fireChannelActive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        // Whatever the client sends (its request) is read and dropped; its end of
        // the stream closes the connection (remote half-closure is not allowed).
    }
}
