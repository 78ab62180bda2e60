import CustodyCore
import CustodyProtocol
import Foundation
import NIOCore
import NIOEmbedded
import NIOHTTP1
import Testing
@testable import CustodyServer

/// A connection's pipeline as the server builds it, on an embedded channel whose
/// clock the test moves by hand.
final class DeadlineFixture {
    let channel = EmbeddedChannel()
    let loop: EmbeddedEventLoop
    var cuts: [ConnectionDeadlines.Cut] = []
    static let limits = ConnectionLimits(maxConnections: 4, maxConnectionsPerUser: 2, headerTimeoutSeconds: 10,
                                         bodyTimeoutSeconds: 30, idleTimeoutSeconds: 60)

    init() throws {
        loop = channel.embeddedEventLoop
        let pipeline = channel.pipeline.syncOperations
        try pipeline.addHandler(RequestByteWatcher())
        try pipeline.configureHTTPServerPipeline(withErrorHandling: true)
        try pipeline.addHandler(ConnectionDeadlines(limits: Self.limits) { [unowned self] cut in self.cuts.append(cut) })
        try channel.connect(to: SocketAddress(unixDomainSocketPath: "/run/custody/control.sock")).wait()
    }

    func send(_ text: String) throws {
        try channel.writeInbound(ByteBuffer(string: text))
    }

    func advance(_ seconds: Int64) {
        loop.advanceTime(by: .seconds(seconds))
    }

    /// Writes a whole answer, as the server does.
    func answer() throws {
        try channel.writeOutbound(HTTPServerResponsePart.head(HTTPResponseHead(version: .http1_1, status: .ok,
                                                                               headers: ["Content-Length": "0"])))
        try channel.writeOutbound(HTTPServerResponsePart.end(nil))
    }

    var open: Bool { channel.isActive }
}

@Suite("Control connections: timeouts and caps")
struct ConnectionLimitTests {
    @Test("a connection with no request is closed after the idle timeout, not before")
    func idle() throws {
        let f = try DeadlineFixture()
        f.advance(59)
        #expect(f.open)
        f.advance(1)
        #expect(!f.open && f.cuts == [.idle(60)])
    }

    @Test("a request head dribbled a byte a second is cut at the header timeout from its first byte")
    func slowloris() throws {
        let f = try DeadlineFixture()
        f.advance(50)
        try f.send("G")
        for byte in "ET /v1/status HTTP/1.1\r\nX-Slow: 1" {
            f.advance(1)
            guard f.open else { break }
            try f.send(String(byte))
        }
        #expect(!f.open && f.cuts == [.head(10)], "bytes kept arriving, yet the head never completed")
    }

    @Test("a body slower than the body timeout is cut; the head's time does not count")
    func slowBody() throws {
        let f = try DeadlineFixture()
        try f.send("POST /v1/jobs HTTP/1.1\r\nContent-Length: 10\r\n\r\n12345")
        f.advance(29)
        #expect(f.open)
        try f.send("6")
        f.advance(1)
        #expect(!f.open && f.cuts == [.body(30)])
    }

    @Test("time spent answering is not limited; after the answer the idle timeout applies again")
    func answering() throws {
        let f = try DeadlineFixture()
        try f.send("GET /v1/status HTTP/1.1\r\n\r\n")
        #expect(try f.channel.readInbound(as: HTTPServerRequestPart.self) != nil)
        f.advance(3600)
        #expect(f.open, "the daemon's own work (an export, a verification) takes what it takes")
        try f.answer()
        f.advance(59)
        #expect(f.open)
        f.advance(1)
        #expect(!f.open && f.cuts == [.idle(60)])
    }

    @Test("an answer its client stops reading is cut after the idle timeout; reading again stops the clock")
    func stalledReader() throws {
        let f = try DeadlineFixture()
        try f.send("GET /v1/items HTTP/1.1\r\n\r\n")
        f.channel.isWritable = false
        f.channel.pipeline.fireChannelWritabilityChanged()
        f.advance(59)
        f.channel.isWritable = true
        f.channel.pipeline.fireChannelWritabilityChanged()
        f.advance(3600)
        #expect(f.open, "the client read again within the idle timeout")
        f.channel.isWritable = false
        f.channel.pipeline.fireChannelWritabilityChanged()
        f.advance(60)
        #expect(!f.open && f.cuts == [.stalled(60)])
    }

    @Test("the caps: per uid, then in all; refused connections linger up to an allowance, then are dropped")
    func limiter() {
        let limiter = ConnectionLimiter(DeadlineFixture.limits)
        #expect(limiter.admit(1000) == .admitted && limiter.admit(1000) == .admitted)
        guard case .refused(let perUser) = limiter.admit(1000) else { Issue.record("not refused"); return }
        #expect(perUser.contains("uid 1000 already has 2 connections open") && perUser.contains("at most 2 per user"))
        #expect(limiter.admit(2000) == .admitted && limiter.admit(3000) == .admitted)
        guard case .refused(let total) = limiter.admit(4000) else { Issue.record("not refused"); return }
        #expect(total.contains("already serves 4 connections (at most 4)"))
        for _ in 2..<limiter.lingeringAllowance { #expect(limiter.admit(5000) != .admitted) }
        #expect(limiter.lingeringAllowance == 64 && limiter.snapshot.open == 4 && limiter.snapshot.lingering == 64)
        #expect(limiter.admit(6000) == .dropped, "past the lingering allowance: closed at once, unanswered")
        limiter.release(1000)
        limiter.endLingering()
        #expect(limiter.admit(1000) == .admitted)
        #expect(limiter.snapshot.open == 4 && limiter.snapshot.lingering == 63)
    }

    @Test("a refused connection's answer is a 503 problem with Retry-After")
    func refusalAnswer() throws {
        let raw = String(decoding: ConnectionRefusal.answer(reason: "uid 7 already has 32 connections open", retryAfterSeconds: 2),
                         as: UTF8.self)
        let parts = raw.components(separatedBy: "\r\n\r\n")
        #expect(parts.count == 2)
        let head = parts[0].components(separatedBy: "\r\n")
        #expect(head[0] == "HTTP/1.1 503 Service Unavailable")
        #expect(head.contains("Retry-After: 2") && head.contains("Connection: close") && head.contains("Content-Type: application/problem+json"))
        #expect(head.contains("Content-Length: \(parts[1].utf8.count)"))
        let problem = try Wire.decoder.decode(ProblemDTO.self, from: Data(parts[1].utf8))
        #expect(problem.status == 503 && problem.code == "too-many-connections")
        #expect(problem.detail == "uid 7 already has 32 connections open; try again in 2 s")
    }
}
