#if canImport(Glibc)
import Glibc
#endif
import CustodyProtocol
import Foundation

/// What one read of the event stream gave.
public enum EventStreamRead: Sendable, Equatable {
    case message(EventStreamMessage)
    /// Nothing arrived before the deadline.
    case timedOut
    /// custodyd ended the stream, or the connection.
    case ended
}

/// `GET /v1/events/stream` over its own connection, read a message at a time.
public final class EventStreamReader {
    private let fd: Int32
    private let socketPath: String
    /// Longest silence accepted: custodyd sends a keep-alive well within it.
    private let silenceSeconds: Int
    /// Received bytes not yet taken out of their chunks.
    private var raw = Data()
    /// The stream's text not yet parsed into messages.
    private var text = Data()
    private let chunked: Bool
    /// Bytes left of the current chunk; nil when a size line comes next.
    private var chunkLeft: Int?
    private var chunkEndDue = false
    private var finished = false

    init(client: UnixHTTPClient, path: String) throws(ClientError) {
        socketPath = client.socketPath
        silenceSeconds = client.timeoutSeconds
        let socket = try client.request(method: "GET", path: path, body: nil, accept: API.eventStreamContentType)
        var ok = false
        defer { if !ok { close(socket) } }
        var received = Data()
        var buffer = [UInt8](repeating: 0, count: 65536)
        let separator = Data("\r\n\r\n".utf8)
        while received.range(of: separator) == nil {
            let n = try client.receive(socket, &buffer)
            guard n > 0 else { throw ClientError("custodyd closed the connection without a complete answer") }
            received.append(contentsOf: buffer[0..<n])
        }
        let split = received.range(of: separator)!
        let head = try UnixHTTPClient.parseHead(Data(received[..<split.lowerBound]))
        guard (200..<300).contains(head.status) else {
            while true {
                let n = try client.receive(socket, &buffer)
                if n == 0 { break }
                received.append(contentsOf: buffer[0..<n])
            }
            let reply = try UnixHTTPClient.parse(received)
            if let problem = try? Wire.decoder.decode(ProblemDTO.self, from: reply.body) {
                throw ClientError(problem.detail.isEmpty ? problem.title : problem.detail, status: reply.status)
            }
            throw ClientError("custodyd answered \(reply.status)", status: reply.status)
        }
        fd = socket
        chunked = head.headers["transfer-encoding"]?.lowercased() == "chunked"
        raw = Data(received[split.upperBound...])
        ok = true
    }

    deinit { close(fd) }

    /// The next message, waiting for it until `deadline` (nil: as long as custodyd keeps
    /// the stream alive); keep-alive comments are read and skipped.
    public func next(until deadline: Date? = nil) throws(ClientError) -> EventStreamRead {
        var buffer = [UInt8](repeating: 0, count: 65536)
        while true {
            try decode()
            if let message = EventStreamFraming.take(from: &text) { return .message(message) }
            if finished { return .ended }
            let silence = Int32(clamping: silenceSeconds * 1000)
            var wait = silence
            if let deadline {
                let left = deadline.timeIntervalSinceNow
                if left <= 0 { return .timedOut }
                wait = min(wait, Int32(clamping: Int(left * 1000) + 1))
            }
            var pfd = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            let ready = poll(&pfd, 1, wait)
            if ready < 0 {
                if errno == EINTR { continue }
                throw ClientError("cannot wait for \(socketPath): \(String(cString: strerror(errno)))")
            }
            if ready == 0 {
                if let deadline, deadline.timeIntervalSinceNow <= 0 { return .timedOut }
                if wait == silence { throw ClientError("custodyd sent nothing on the event stream for \(silenceSeconds) s") }
                continue
            }
            let n = recv(fd, &buffer, buffer.count, 0)
            if n < 0 {
                if errno == EINTR || errno == EAGAIN { continue }
                throw ClientError("cannot read from \(socketPath): \(String(cString: strerror(errno)))")
            }
            if n == 0 { finished = true } else { raw.append(contentsOf: buffer[0..<n]) }
        }
    }

    /// Moves the bytes of complete (or partly received) chunks from `raw` to `text`.
    private func decode() throws(ClientError) {
        guard chunked else {
            text.append(raw)
            raw = Data()
            return
        }
        let crlf = Data("\r\n".utf8)
        while true {
            if chunkEndDue {
                guard raw.count >= 2 else { return }
                raw = Data(raw.dropFirst(2))
                chunkEndDue = false
            }
            if chunkLeft == nil {
                guard let lineEnd = raw.range(of: crlf) else { return }
                let sizeText = String(decoding: raw[raw.startIndex..<lineEnd.lowerBound], as: UTF8.self).split(separator: ";").first ?? ""
                guard let size = Int(sizeText.trimmingCharacters(in: .whitespaces), radix: 16), size >= 0 else {
                    throw ClientError("malformed chunk size on the event stream")
                }
                raw = Data(raw[lineEnd.upperBound...])
                if size == 0 {
                    finished = true
                    return
                }
                chunkLeft = size
            }
            let take = min(chunkLeft!, raw.count)
            guard take > 0 else { return }
            text.append(raw.prefix(take))
            raw = Data(raw.dropFirst(take))
            chunkLeft! -= take
            if chunkLeft == 0 {
                chunkLeft = nil
                chunkEndDue = true
            }
        }
    }
}
