#if canImport(Glibc)
import Glibc
#endif
import CLinuxSystem
import CustodyCore
import CustodyModel
import CustodyProtocol
import Foundation
import Logging
import NIOCore
import NIOHTTP1
import NIOPosix

/// The control socket: HTTP/1.1 + JSON on a Unix socket. Every connection's peer
/// is identified by `SO_PEERCRED` before any request is read.
public final class ControlServer: Sendable {
    public struct Options: Sendable {
        public var socketPath: String
        public var socketMode: UInt32
        public var socketGroup: String
        public var maxRequestBytes: Int
        /// Connection caps and timeouts.
        public var limits: ConnectionLimits
        /// A listening socket passed by systemd (`LISTEN_FDS`), adopted instead of binding.
        public var inheritedDescriptor: Int32?
        public init(socketPath: String, socketMode: UInt32, socketGroup: String, maxRequestBytes: Int,
                    limits: ConnectionLimits = ConnectionLimits(ControlConfiguration()), inheritedDescriptor: Int32? = nil) {
            self.socketPath = socketPath; self.socketMode = socketMode; self.socketGroup = socketGroup
            self.maxRequestBytes = maxRequestBytes; self.limits = limits; self.inheritedDescriptor = inheritedDescriptor
        }
    }

    let options: Options
    let routes: ControlRoutes
    let roles: RoleMap
    let logger: Logger
    let eventLoopGroup: MultiThreadedEventLoopGroup
    let limiter: ConnectionLimiter
    let notices: NoticeThrottle

    public init(options: Options, routes: ControlRoutes, roles: RoleMap, logger: Logger) {
        self.options = options
        self.routes = routes
        self.roles = roles
        self.logger = logger
        self.eventLoopGroup = MultiThreadedEventLoopGroup.singleton
        self.limiter = ConnectionLimiter(options.limits)
        self.notices = NoticeThrottle(logger: logger)
    }

    typealias Connection = NIOAsyncChannel<HTTPServerRequestPart, HTTPServerResponsePart>

    /// An accepted connection: served, or refused (already answered 503 by its pipeline).
    enum Accepted: Sendable {
        case serve(Connection, PeerCredentials)
        case refused
    }

    /// How long a refused connection is kept open for its client to read the 503.
    static let refusalLinger = TimeAmount.seconds(2)
    /// How often the summaries of repeated refusals are written.
    static let refusalFlushInterval = Duration.seconds(10)

    /// Binds (or adopts) the socket, then serves until cancelled.
    public func run(onListening: @Sendable () -> Void = {}) async throws {
        // Room for a burst of clients connecting at once; connections over the caps are answered 503, not left queued.
        let backlog = Int32(clamping: min(4096, max(64, options.limits.maxConnections)))
        let bootstrap = ServerBootstrap(group: eventLoopGroup).serverChannelOption(.backlog, value: backlog)
        let initializer: @Sendable (any Channel) -> EventLoopFuture<Accepted> = { channel in
            Self.peerCredentials(channel).flatMapThrowing { credentials in try self.accept(channel, credentials) }
        }
        let server: NIOAsyncChannel<Accepted, Never>
        let listening: Int32
        if let fd = options.inheritedDescriptor {
            listening = fd
            server = try await bootstrap.bind(fd, childChannelInitializer: initializer)
            logger.info("control socket adopted from systemd (fd \(fd))")
        } else {
            try prepareSocketDirectory()
            listening = try ControlSocketNode.bind(path: options.socketPath)
            server = try await bootstrap.bind(listening, childChannelInitializer: initializer)
            try applySocketPermissions()
            logger.info("control socket listening on \(options.socketPath)")
        }
        // NIO listens on a socket it adopts with its own default backlog (128), whatever the
        // option says: the configured backlog is set again, for systemd's socket and for ours.
        try systemCall("listen", options.socketPath) { listen(listening, backlog) }
        onListening()
        // However serving ends (a graceful stop cancels it), the refusals still counted are written.
        defer { routes.refusals.flush(all: true) }
        try await withTaskCancellationHandler {
            try await withThrowingTaskGroup(of: Void.self) { background in
                background.addTask { await self.flushRefusals() }
                try await server.executeThenClose { inbound in
                    try await withThrowingDiscardingTaskGroup { connections in
                        for try await accepted in inbound {
                            guard case .serve(let connection, let credentials) = accepted else { continue }
                            connections.addTask { await self.serve(connection, credentials) }
                        }
                    }
                }
                background.cancelAll()
            }
        } onCancel: {
            server.channel.close(promise: nil)
        }
        if options.inheritedDescriptor == nil { unlink(options.socketPath) }
    }

    /// Sets up a new connection's pipeline: served (HTTP, timeouts, counted while open)
    /// or, over a cap, answered 503 and closed. Runs on the connection's event loop.
    private func accept(_ channel: any Channel, _ credentials: PeerCredentials) throws -> Accepted {
        let limiter = self.limiter
        switch limiter.admit(credentials.uid) {
        case .admitted:
            channel.closeFuture.whenComplete { _ in limiter.release(credentials.uid) }
            let pipeline = channel.pipeline.syncOperations
            let uid = credentials.uid, logger = self.logger, notices = self.notices
            try pipeline.addHandler(RequestByteWatcher())
            try pipeline.configureHTTPServerPipeline(withErrorHandling: true)
            try pipeline.addHandler(ConnectionDeadlines(limits: options.limits) { cut in
                let text = "connection of uid \(uid) closed: \(cut)"
                switch cut {
                case .idle: logger.debug("\(text)")
                case .head: notices.log(uid: uid, kind: "head", text)
                case .body: notices.log(uid: uid, kind: "body", text)
                case .stalled: notices.log(uid: uid, kind: "stalled", text)
                }
            })
            return .serve(try Connection(wrappingChannelSynchronously: channel), credentials)
        case .refused(let reason):
            channel.closeFuture.whenComplete { _ in limiter.endLingering() }
            notices.log(uid: credentials.uid, kind: "refused", "connection refused: \(reason)")
            try channel.pipeline.syncOperations.addHandler(
                ConnectionRefusal(reason: reason, retryAfterSeconds: options.limits.retryAfterSeconds, linger: Self.refusalLinger))
            return .refused
        case .dropped:
            channel.close(promise: nil)
            return .refused
        }
    }

    /// Writes the summaries of repeated refusals once their minute is over, until cancelled.
    private func flushRefusals() async {
        while !Task.isCancelled {
            try? await Task.sleep(for: Self.refusalFlushInterval)
            routes.refusals.flush()
        }
    }

    private func prepareSocketDirectory() throws {
        let dir = (options.socketPath as NSString).deletingLastPathComponent
        if !dir.isEmpty { try POSIXFile.makeDirectories(dir, mode: 0o755) }
    }

    private func applySocketPermissions() throws {
        let path = options.socketPath
        if !options.socketGroup.isEmpty {
            if let gid = Self.groupID(options.socketGroup) {
                try systemCall("chown", path) { chown(path, UInt32.max, gid) }
            } else {
                logger.warning("socket group \(options.socketGroup) does not exist; the socket keeps the daemon's group")
            }
        }
        // The socket's mode (default 0660) never grants anything to others.
        try systemCall("chmod", path) { chmod(path, mode_t(options.socketMode & 0o770)) }
    }

    static func groupID(_ name: String) -> UInt32? {
        var grp = group()
        var result: UnsafeMutablePointer<group>?
        var buffer = [CChar](repeating: 0, count: 65536)
        guard getgrnam_r(name, &grp, &buffer, buffer.count, &result) == 0, result != nil else { return nil }
        return grp.gr_gid
    }

    /// `SO_PEERCRED` of a connected Unix socket.
    static func peerCredentials(_ channel: any Channel) -> EventLoopFuture<PeerCredentials> {
        guard let provider = channel as? any SocketOptionProvider else {
            return channel.eventLoop.makeFailedFuture(ChannelError.operationUnsupported)
        }
        return provider.unsafeGetSocketOption(level: SocketOptionLevel(SOL_SOCKET), name: SocketOptionName(custody_so_peercred()))
    }

    /// Serves one connection: requests in order, keep-alive honoured. The caller's
    /// roles are looked up again for every request, so a user removed from a group
    /// loses its role at the next request, not at the next connection.
    private func serve(_ connection: Connection, _ credentials: PeerCredentials) async {
        do {
            try await connection.executeThenClose { inbound, outbound in
                var head: HTTPRequestHead?
                var body = Data()
                // After a 413: what the client still sends, read and dropped (a bounded amount).
                var discarded: Int?
                for try await part in inbound {
                    switch part {
                    case .head(let h):
                        head = h
                        body = Data()
                        // A body announced larger than the limit is refused before any of it is read.
                        if let length = h.headers.first(name: "content-length").flatMap(Int.init), length > options.maxRequestBytes {
                            try await refuseTooLarge(h, announced: length, to: outbound, channel: connection.channel)
                            discarded = 0
                        }
                    case .body(let buffer):
                        guard let h = head else { continue }
                        if let dropped = discarded {
                            discarded = dropped + buffer.readableBytes
                            if dropped + buffer.readableBytes > Self.lingerBytes { return }
                            continue
                        }
                        // A body without a length (chunked) is refused as soon as it passes the limit.
                        guard body.count + buffer.readableBytes <= options.maxRequestBytes else {
                            try await refuseTooLarge(h, announced: nil, to: outbound, channel: connection.channel)
                            discarded = 0
                            continue
                        }
                        body.append(contentsOf: buffer.readableBytesView)
                    case .end:
                        guard let h = head else { continue }
                        if discarded != nil { return }
                        let caller = roles.caller(uid: credentials.uid, gid: credentials.gid)
                        let request = ControlRequest(method: h.method, uri: h.uri, body: body, caller: caller, headers: h.headers)
                        let response = await routes.handle(request)
                        logger.debug("\(caller.name)(\(caller.uid)) \(h.method.rawValue) \(RefusalRecorder.capped(h.uri, 256)) → \(response.status.code)")
                        if let stream = response.stream {
                            // A stream ends its connection: nothing follows it.
                            return try await writeStream(stream, response, version: h.version, channel: connection.channel,
                                                         uid: credentials.uid)
                        }
                        try await write(response, keepAlive: h.isKeepAlive, version: h.version, to: outbound, channel: connection.channel)
                        if !h.isKeepAlive { return }
                        head = nil
                        body = Data()
                    }
                }
            }
        } catch {
            logger.debug("connection from uid \(credentials.uid) ended: \(error)")
        }
    }

    /// How long, and how many bytes, the rest of a refused body is read and dropped, so
    /// that a client still sending it reads the 413 rather than a broken connection.
    static let lingerTime = TimeAmount.seconds(2)
    static let lingerBytes = 1 << 20

    /// 413 with `Connection: close`; the connection is closed once the client has sent
    /// the rest of its request, or after ``lingerTime`` or ``lingerBytes`` at the latest.
    private func refuseTooLarge(_ head: HTTPRequestHead, announced: Int?, to outbound: NIOAsyncChannelOutboundWriter<HTTPServerResponsePart>,
                                channel: any Channel) async throws {
        let size = announced.map { "this one announces \($0) bytes" } ?? "this one is longer"
        let response = ControlResponse.problem(ProblemDTO(status: 413, code: "too-large", title: "Request too large",
                                                          detail: "request bodies are limited to \(options.maxRequestBytes) bytes; \(size)"))
        try await write(response, keepAlive: false, version: head.version, to: outbound, channel: channel)
        channel.eventLoop.scheduleTask(in: Self.lingerTime) { channel.close(promise: nil) }
    }

    private func write(_ response: ControlResponse, keepAlive: Bool, version: HTTPVersion,
                       to outbound: NIOAsyncChannelOutboundWriter<HTTPServerResponsePart>, channel: any Channel) async throws {
        if let file = response.file {
            return try await write(file, response, keepAlive: keepAlive, version: version, to: outbound, channel: channel)
        }
        // One flush, awaited until the socket took it all, like a file: a large answer to a
        // slow reader is otherwise still queued when the connection closes, and cut short.
        let parts: [HTTPServerResponsePart] = [
            .head(head(response, length: Int64(response.body.count), keepAlive: keepAlive, version: version)),
            .body(.byteBuffer(ByteBuffer(bytes: response.body))), .end(nil),
        ]
        try await channel.eventLoop.flatSubmit {
            let written = parts.map { channel.write($0) }
            channel.flush()
            return EventLoopFuture.andAllSucceed(written, on: channel.eventLoop)
        }.get()
    }

    /// A file body, read and sent a chunk at a time. Each part is written straight to
    /// the channel and awaited until the socket took it: the next chunk is read only
    /// then (so a slow reader holds one chunk in memory), and the connection is never
    /// closed with part of the file still queued.
    private func write(_ file: ResponseFile, _ response: ControlResponse, keepAlive: Bool, version: HTTPVersion,
                       to outbound: NIOAsyncChannelOutboundWriter<HTTPServerResponsePart>, channel: any Channel) async throws {
        let fd = open(file.path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else {
            file.onIncomplete?(0, "cannot open it: \(String(cString: strerror(errno)))")
            let problem = ControlResponse.problem(ProblemDTO(status: 500, code: "internal", title: "Internal error",
                                                             detail: "cannot open the stored file \(file.path): \(String(cString: strerror(errno)))"))
            return try await write(problem, keepAlive: keepAlive, version: version, to: outbound, channel: channel)
        }
        defer { close(fd) }
        var offset: Int64 = 0
        do {
            try await writeChunks(fd, file, response, keepAlive: keepAlive, version: version, channel: channel, offset: &offset)
        } catch {
            // Short of its size: the client did not get the file (a failure after the last
            // byte was handed over, at the end of the answer, leaves the file whole).
            if offset < file.size { file.onIncomplete?(offset, "\(error)") }
            throw error
        }
    }

    private func writeChunks(_ fd: Int32, _ file: ResponseFile, _ response: ControlResponse, keepAlive: Bool, version: HTTPVersion,
                             channel: any Channel, offset: inout Int64) async throws {
        try await channel.writeAndFlush(HTTPServerResponsePart.head(head(response, length: file.size, keepAlive: keepAlive, version: version))).get()
        while offset < file.size {
            let wanted = Int(min(Int64(1 << 20), file.size - offset))
            var chunk = channel.allocator.buffer(capacity: wanted)
            let n = try chunk.writeWithUnsafeMutableBytes(minimumWritableBytes: wanted) { buffer in
                try POSIXFile.readFully(fd: fd, into: UnsafeMutableRawBufferPointer(rebasing: buffer[..<wanted]), at: UInt64(offset), subject: file.path)
            }
            // A file shorter than announced: end the connection rather than send a wrong body.
            guard n > 0 else { throw ChannelError.ioOnClosedChannel }
            offset += Int64(n)
            try await channel.writeAndFlush(HTTPServerResponsePart.body(.byteBuffer(chunk))).get()
        }
        try await channel.writeAndFlush(HTTPServerResponsePart.end(nil)).get()
    }

    private func head(_ response: ControlResponse, length: Int64, keepAlive: Bool, version: HTTPVersion) -> HTTPResponseHead {
        var headers = HTTPHeaders()
        headers.add(name: "Content-Type", value: response.contentType)
        headers.add(name: "Content-Length", value: String(length))
        headers.add(name: "Connection", value: keepAlive ? "keep-alive" : "close")
        headers.add(name: "Server", value: "custodyd/\(CustodyVersion.string)")
        for (name, value) in response.headers { headers.add(name: name, value: value) }
        return HTTPResponseHead(version: version, status: response.status, headers: headers)
    }
}
