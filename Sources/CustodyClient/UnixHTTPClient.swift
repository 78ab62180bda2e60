#if canImport(Glibc)
import Glibc
#endif
import Foundation

/// A failure to reach the daemon or to read its answer.
public struct ClientError: Error, Sendable, Equatable, CustomStringConvertible {
    public var message: String
    /// The HTTP status custodyd answered, where the failure is its answer.
    public var status: Int?
    public init(_ message: String, status: Int? = nil) { self.message = message; self.status = status }
    public var description: String { message }
}

/// One HTTP response.
public struct HTTPReply: Sendable {
    public var status: Int
    public var headers: [String: String]
    public var body: Data
}

/// A small blocking HTTP/1.1 client over a Unix stream socket: one request per
/// connection, `Content-Length` and chunked bodies.
public struct UnixHTTPClient: Sendable {
    public let socketPath: String
    public var timeoutSeconds: Int

    public init(socketPath: String, timeoutSeconds: Int = 120) {
        self.socketPath = socketPath
        self.timeoutSeconds = timeoutSeconds
    }

    public func send(method: String, path: String, body: Data? = nil) throws(ClientError) -> HTTPReply {
        let fd = try request(method: method, path: path, body: body)
        defer { close(fd) }
        var received = Data()
        var buffer = [UInt8](repeating: 0, count: 65536)
        while true {
            let n = try receive(fd, &buffer)
            if n == 0 { break }
            received.append(contentsOf: buffer[0..<n])
        }
        return try Self.parse(received)
    }

    /// A GET whose successful (2xx, `Content-Length`) body is handed to `sink` a piece
    /// at a time rather than held in memory; any other answer is returned whole.
    public func download(path: String, sink: (UnsafeRawBufferPointer) throws -> Void) throws -> HTTPReply {
        let fd = try request(method: "GET", path: path, body: nil)
        defer { close(fd) }
        var received = Data()
        var buffer = [UInt8](repeating: 0, count: 1 << 20)
        let separator = Data("\r\n\r\n".utf8)
        while received.range(of: separator) == nil {
            let n = try receive(fd, &buffer)
            guard n > 0 else { return try Self.parse(received) }
            received.append(contentsOf: buffer[0..<n])
        }
        let split = received.range(of: separator)!
        let headEnd = split.upperBound
        let head = try Self.parseHead(Data(received[..<split.lowerBound]))
        guard (200..<300).contains(head.status), let length = head.headers["content-length"].flatMap(Int64.init) else {
            while true {
                let n = try receive(fd, &buffer)
                if n == 0 { break }
                received.append(contentsOf: buffer[0..<n])
            }
            return try Self.parse(received)
        }
        var remaining = length
        let early = received[headEnd...].prefix(Int(min(Int64(received.count - headEnd), remaining)))
        if !early.isEmpty {
            try early.withUnsafeBytes { try sink($0) }
            remaining -= Int64(early.count)
        }
        while remaining > 0 {
            let n = try receive(fd, &buffer)
            guard n > 0 else { throw ClientError("custodyd's answer was cut short (\(length - remaining) of \(length) bytes)") }
            let take = Int(min(Int64(n), remaining))
            try buffer.withUnsafeBytes { try sink(UnsafeRawBufferPointer(rebasing: $0[0..<take])) }
            remaining -= Int64(take)
        }
        return head
    }

    func receive(_ fd: Int32, _ buffer: inout [UInt8]) throws(ClientError) -> Int {
        while true {
            let n = recv(fd, &buffer, buffer.count, 0)
            if n >= 0 { return n }
            if errno == EINTR { continue }
            if errno == EAGAIN { throw ClientError("custodyd did not answer within \(timeoutSeconds) s") }
            throw ClientError("cannot read from \(socketPath): \(String(cString: strerror(errno)))")
        }
    }

    /// Connects and sends one request; returns the connected socket.
    func request(method: String, path: String, body: Data?, accept: String = "application/json") throws(ClientError) -> Int32 {
        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw ClientError("cannot create a socket: \(String(cString: strerror(errno)))") }
        var ok = false
        defer { if !ok { close(fd) } }
        var timeout = timeval(tv_sec: timeoutSeconds, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        try connect(fd)

        var text = "\(method) \(path) HTTP/1.1\r\nHost: custodyd\r\nUser-Agent: custodyctl\r\nAccept: \(accept)\r\nConnection: close\r\n"
        if let body {
            text += "Content-Type: application/json\r\nContent-Length: \(body.count)\r\n"
        }
        text += "\r\n"
        var bytes = Data(text.utf8)
        if let body { bytes.append(body) }
        let sendError: Int32 = bytes.withUnsafeBytes { (raw: UnsafeRawBufferPointer) -> Int32 in
            var sent = 0
            while sent < raw.count {
                let n = Glibc.send(fd, raw.baseAddress! + sent, raw.count - sent, Int32(MSG_NOSIGNAL))
                if n < 0 {
                    if errno == EINTR { continue }
                    return errno
                }
                sent += n
            }
            return 0
        }
        guard sendError == 0 else { throw ClientError("cannot send to \(socketPath): \(String(cString: strerror(sendError)))") }
        ok = true
        return fd
    }

    private func connect(_ fd: Int32) throws(ClientError) {
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let path = Array(socketPath.utf8)
        guard path.count < MemoryLayout.size(ofValue: address.sun_path) else { throw ClientError("socket path too long: \(socketPath)") }
        withUnsafeMutableBytes(of: &address.sun_path) { $0.copyBytes(from: path) }
        let result = withUnsafePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                Glibc.connect(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size))
            }
        }
        guard result == 0 else {
            let code = errno
            switch code {
            case ENOENT, ECONNREFUSED:
                throw ClientError("custodyd is not running (no socket at \(socketPath)); start it, or set --socket / CUSTODY_SOCKET")
            case EACCES, EPERM:
                throw ClientError("permission denied on \(socketPath): your user needs the socket's group (custody-clients), and a role group to do anything")
            default:
                throw ClientError("cannot connect to \(socketPath): \(String(cString: strerror(code)))")
            }
        }
    }

    /// Parses a whole HTTP/1.1 response.
    static func parse(_ data: Data) throws(ClientError) -> HTTPReply {
        let separator = Data("\r\n\r\n".utf8)
        guard let end = data.range(of: separator) else { throw ClientError("custodyd closed the connection without a complete answer") }
        var reply = try parseHead(data[data.startIndex..<end.lowerBound])
        var body = Data(data[end.upperBound...])
        if reply.headers["transfer-encoding"]?.lowercased() == "chunked" {
            body = try dechunk(body)
        } else if let length = reply.headers["content-length"].flatMap(Int.init) {
            guard body.count >= length else { throw ClientError("custodyd's answer was cut short (\(body.count) of \(length) bytes)") }
            body = body.prefix(length)
        }
        reply.body = body
        return reply
    }

    /// The status line and headers (without the blank line that ends them).
    static func parseHead(_ data: Data) throws(ClientError) -> HTTPReply {
        let headText = String(decoding: data, as: UTF8.self)
        var lines = headText.components(separatedBy: "\r\n")
        let statusLine = lines.removeFirst().split(separator: " ")
        guard statusLine.count >= 2, let status = Int(statusLine[1]) else { throw ClientError("malformed status line from custodyd") }
        var headers: [String: String] = [:]
        for line in lines {
            guard let colon = line.firstIndex(of: ":") else { continue }
            headers[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        }
        return HTTPReply(status: status, headers: headers, body: Data())
    }

    static func dechunk(_ data: Data) throws(ClientError) -> Data {
        var out = Data()
        var index = data.startIndex
        let crlf = Data("\r\n".utf8)
        while index < data.endIndex {
            guard let lineEnd = data.range(of: crlf, in: index..<data.endIndex) else { throw ClientError("malformed chunked answer") }
            let sizeText = String(decoding: data[index..<lineEnd.lowerBound], as: UTF8.self).split(separator: ";").first ?? ""
            guard let size = Int(sizeText.trimmingCharacters(in: .whitespaces), radix: 16) else { throw ClientError("malformed chunk size") }
            if size == 0 { break }
            let start = lineEnd.upperBound
            guard data.distance(from: start, to: data.endIndex) >= size else { throw ClientError("chunked answer cut short") }
            out.append(data[start..<data.index(start, offsetBy: size)])
            index = data.index(start, offsetBy: size + 2)
        }
        return out
    }
}
