// The routes reached two ways behind one client protocol (as Hummingbird's testing
// setups `.router` and `.live`): in process, calling ControlRoutes.handle with a chosen
// caller, or live, over a real ControlServer on a temporary Unix socket, where the
// caller is whoever really connected (SO_PEERCRED) and its roles are what its real
// groups grant. A route test written against `RouteClient` runs both ways.
import CustodyCore
import CustodyProtocol
import Foundation
import NIOHTTP1
import Testing
@testable import CustodyServer

/// How a route test reaches the routes.
enum RouteSetup: String, CaseIterable, Sendable, CustomTestStringConvertible {
    /// `ControlRoutes.handle` called directly, with a caller the test chooses.
    case inProcess
    /// A real `ControlServer` on a Unix socket, reached by a real client process.
    case live

    var testDescription: String { rawValue }
}

/// An answer as a client sees it.
struct RouteReply: Sendable {
    var status: HTTPResponseStatus
    var contentType: String
    /// The answer's own headers (`Allow`, …): not those the server adds to every answer
    /// (Content-Type, Content-Length, Connection, Server).
    var headers: [(String, String)]
    var body: Data
}

/// A client of the routes, with the identity the routes see.
protocol RouteClient: Sendable {
    /// The caller every request of this client is made as.
    var caller: Caller { get }
    func call(_ method: HTTPMethod, _ uri: String, body: Data) async throws -> RouteReply
}

/// The routes in process: the request handed to `ControlRoutes.handle` with `caller`.
struct InProcessRouteClient: RouteClient {
    let routes: ControlRoutes
    let caller: Caller

    func call(_ method: HTTPMethod, _ uri: String, body: Data) async throws -> RouteReply {
        let response = await routes.handle(ControlRequest(method: method, uri: uri, body: body, caller: caller))
        return RouteReply(status: response.status, contentType: response.contentType, headers: response.headers, body: response.body)
    }
}

/// The fixture's routes reached one way, with a client per set of roles (live: a server
/// each, started when first needed and stopped by ``close()``).
actor RouteSession {
    let setup: RouteSetup
    let fixture: RoutesFixture
    private var clients: [Set<Role>: any RouteClient] = [:]
    private var servers: [LiveRouteClient] = []

    init(_ setup: RouteSetup, _ fixture: RoutesFixture) {
        self.setup = setup
        self.fixture = fixture
    }

    /// The client whose requests carry exactly `roles`.
    func client(roles: Set<Role>) async throws -> any RouteClient {
        if let client = clients[roles] { return client }
        let client: any RouteClient
        switch setup {
        case .inProcess:
            client = InProcessRouteClient(routes: fixture.routes, caller: Caller(uid: 2000, gid: 2000, name: "tester", roles: roles))
        case .live:
            let live = try await LiveRouteClient(routes: fixture.routes, directory: fixture.dir.path, roles: roles)
            servers.append(live)
            client = live
        }
        clients[roles] = client
        return client
    }

    /// One request with `roles`.
    func call(_ method: HTTPMethod, _ uri: String, body: String = "", roles: Set<Role>) async throws -> RouteReply {
        try await client(roles: roles).call(method, uri, body: Data(body.utf8))
    }

    /// Stops every live server.
    func close() async {
        for server in servers { await server.stop() }
        servers = []
    }
}

extension RoutesFixture {
    /// Runs `body` with the routes reached the `setup` way, then stops what it started.
    func with(_ setup: RouteSetup, _ body: (RouteSession) async throws -> Void) async throws {
        let session = RouteSession(setup, self)
        do {
            try await body(session)
        } catch {
            await session.close()
            throw error
        }
        await session.close()
    }

    func problem(_ r: RouteReply) throws -> ProblemDTO {
        #expect(r.contentType == "application/problem+json")
        return try Wire.decoder.decode(ProblemDTO.self, from: r.body)
    }
}
