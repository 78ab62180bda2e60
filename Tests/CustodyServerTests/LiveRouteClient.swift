// The live way of reaching the routes: a real ControlServer on a temporary Unix socket,
// and a real client process (curl) connecting to it as a real user, so that the caller
// the routes see comes from SO_PEERCRED and its roles from the group database.
#if canImport(Glibc)
import Glibc
#endif
import CustodyCore
import CustodyTestSupport
import Foundation
import Logging
import NIOHTTP1
@testable import CustodyServer

/// A real Unix account a live client connects as.
struct LiveIdentity: Sendable {
    var uid: UInt32
    var gid: UInt32
    /// The name of its primary group, which the server's role map is told grants the roles wanted.
    var groupName: String
    /// True when it is this test process itself; otherwise the client runs through `setpriv`.
    var isSelf: Bool

    /// This process.
    static func current() throws -> LiveIdentity {
        LiveIdentity(uid: geteuid(), gid: getegid(), groupName: try groupName(getegid()), isSelf: true)
    }

    /// `nobody`, with its own primary group and no other (only root can become it).
    static func nobody() throws -> LiveIdentity {
        guard let entry = getpwnam("nobody") else { throw LiveServerError(description: "no user 'nobody' in the user database") }
        let gid = entry.pointee.pw_gid
        return LiveIdentity(uid: entry.pointee.pw_uid, gid: gid, groupName: try groupName(gid), isSelf: false)
    }

    /// Who has exactly `roles` through real group membership: root is admin whatever its
    /// groups, so as root only the admin role is this process's own, and any other set
    /// is given to `nobody`; a process of another user uses its own primary group.
    static func having(_ roles: Set<Role>) throws -> LiveIdentity {
        guard geteuid() == 0 else { return try current() }
        return roles == [.admin] ? try current() : try nobody()
    }

    private static func groupName(_ gid: gid_t) throws -> String {
        guard let entry = getgrgid(gid), let name = entry.pointee.gr_name else {
            throw LiveServerError(description: "group \(gid) has no name in the group database")
        }
        return String(cString: name)
    }
}

/// A live server could not be set up.
struct LiveServerError: Error, CustomStringConvertible {
    var description: String
}

/// A real `ControlServer` serving the fixture's routes on its own socket, and a client
/// process (curl, as `identity`) that connects to it.
final class LiveRouteClient: RouteClient, @unchecked Sendable {
    let caller: Caller
    let socketPath: String
    let identity: LiveIdentity
    private let serving: Task<Void, any Error>

    /// Starts a server whose role map gives `roles` to `identity`'s primary group (every
    /// other role to no group), so that the caller's roles come from the group database
    /// exactly as the daemon's do; fails unless the server sees exactly those roles.
    init(routes: ControlRoutes, directory: String, roles: Set<Role>) async throws {
        identity = try LiveIdentity.having(roles)
        var control = ControlConfiguration()
        control.operatorGroup = roles.contains(.operator_) ? identity.groupName : ""
        control.supervisorGroup = roles.contains(.supervisor) ? identity.groupName : ""
        control.auditorGroup = roles.contains(.auditor) ? identity.groupName : ""
        control.adminGroup = roles.contains(.admin) && identity.uid != 0 ? identity.groupName : ""
        let roleMap = RoleMap(control)
        caller = roleMap.caller(uid: identity.uid, gid: identity.gid)
        guard caller.roles == roles else {
            throw LiveServerError(description: "\(caller.name) (uid \(caller.uid)) would have roles \(caller.roles), not \(roles)")
        }
        socketPath = directory + "/control-\(UUID().uuidString.prefix(8)).sock"
        // Another user reaches the socket through its group, never through "others".
        let listening = try Self.listeningSocket(at: socketPath, group: identity.isSelf ? nil : identity.gid)
        let options = ControlServer.Options(socketPath: socketPath, socketMode: 0o660,
                                            socketGroup: identity.isSelf ? "" : identity.groupName,
                                            maxRequestBytes: control.maxRequestBytes, inheritedDescriptor: listening)
        var logger = Logger(label: "custody-live-routes")
        logger.logLevel = .warning
        let server = ControlServer(options: options, routes: routes, roles: roleMap, logger: logger)
        let (ready, signal) = AsyncStream<Void>.makeStream()
        serving = Task {
            defer { signal.finish() }
            try await server.run(onListening: { signal.yield() })
        }
        var listens = false
        for await _ in ready {
            listens = true
            break
        }
        if !listens {
            try await serving.value
            throw LiveServerError(description: "the control server on \(socketPath) stopped before listening")
        }
    }

    /// A listening Unix socket at `path`, mode 0660, of group `group` (nil: this process's),
    /// handed to the server as systemd hands custodyd its socket (`inheritedDescriptor`).
    /// The server's own bind sets the process's umask for a moment, and the other tests
    /// running in this process would create their files under it.
    static func listeningSocket(at path: String, group: gid_t?) throws -> Int32 {
        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw LiveServerError(description: "socket(AF_UNIX): \(String(cString: strerror(errno)))") }
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let bytes = Array(path.utf8)
        guard bytes.count < MemoryLayout.size(ofValue: address.sun_path) else {
            close(fd)
            throw LiveServerError(description: "socket path too long: \(path)")
        }
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            raw.copyBytes(from: bytes)
            raw[bytes.count] = 0
        }
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        guard bound == 0, listen(fd, 64) == 0,
              group.map({ chown(path, uid_t.max, $0) == 0 }) ?? true, chmod(path, 0o660) == 0 else {
            let reason = String(cString: strerror(errno))
            close(fd)
            throw LiveServerError(description: "cannot listen on \(path): \(reason)")
        }
        return fd
    }

    /// Stops the server and removes its socket.
    func stop() async {
        serving.cancel()
        _ = try? await serving.value
        unlink(socketPath)
    }

    /// One request by curl over the socket, as `identity` (through `setpriv` when that is
    /// another user): the request and the answer cross the real socket, and the server
    /// takes the caller from the connection's SO_PEERCRED.
    func call(_ method: HTTPMethod, _ uri: String, body: Data) async throws -> RouteReply {
        // -i: the answer's head before its body; "Expect:": no 100-continue round; --path-as-is: the path exactly as given.
        var curl = [try ExternalTool.curl.path(), "--silent", "--show-error", "--include", "--path-as-is", "--unix-socket", socketPath,
                    "-X", method.rawValue, "-H", "Expect:"]
        if !body.isEmpty { curl += ["-H", "Content-Type: application/json", "--data-binary", "@-"] }
        curl.append("http://custodyd" + uri)
        let outcome: ToolOutcome
        if identity.isSelf {
            outcome = try await ExternalTool.curl.outcome(Array(curl.dropFirst()), input: body.isEmpty ? nil : body)
        } else {
            let switchUser = ["--reuid=\(identity.uid)", "--regid=\(identity.gid)", "--clear-groups"]
            outcome = try await ExternalTool.setpriv.outcome(switchUser + curl, input: body.isEmpty ? nil : body)
        }
        guard outcome.status == 0 else {
            throw LiveServerError(description: "curl \(method.rawValue) \(uri) as uid \(identity.uid) exited with \(outcome.status): \(outcome.errors)")
        }
        return try Self.parse(outcome.standardOutput, method: method, uri: uri)
    }

    /// Headers the server puts on every answer; the rest are the answer's own.
    static let transportHeaders: Set<String> = ["content-type", "content-length", "connection", "server"]

    /// Splits curl's `--include` output into the status, the headers and the body.
    static func parse(_ output: Data, method: HTTPMethod, uri: String) throws -> RouteReply {
        let separator = Data("\r\n\r\n".utf8)
        guard let end = output.range(of: separator) else {
            throw LiveServerError(description: "no complete answer head for \(method.rawValue) \(uri): \(String(decoding: output, as: UTF8.self))")
        }
        let lines = String(decoding: output[..<end.lowerBound], as: UTF8.self).components(separatedBy: "\r\n")
        let statusFields = lines[0].split(separator: " ")
        guard statusFields.count >= 2, let code = Int(statusFields[1]) else {
            throw LiveServerError(description: "bad status line for \(method.rawValue) \(uri): \(lines[0])")
        }
        var contentType = ""
        var headers: [(String, String)] = []
        for line in lines.dropFirst() {
            guard let colon = line.firstIndex(of: ":") else { continue }
            let name = String(line[..<colon])
            let value = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
            if name.lowercased() == "content-type" { contentType = value }
            if !transportHeaders.contains(name.lowercased()) { headers.append((name, value)) }
        }
        return RouteReply(status: HTTPResponseStatus(statusCode: code), contentType: contentType, headers: headers,
                          body: Data(output[end.upperBound...]))
    }
}
