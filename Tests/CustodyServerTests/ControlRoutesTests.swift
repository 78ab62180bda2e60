import CustodyCore
import CustodyDirectory
import CustodyIngest
import CustodyModel
import CustodyProtocol
import CustodyStore
import CustodyTestSupport
import Foundation
import Logging
import NIOHTTP1
import Testing
@testable import CustodyServer

/// The routes in-process, with callers of every kind (no socket involved).
struct RoutesFixture {
    let dir: TemporaryDirectory
    let store: LocalStore
    let routes: ControlRoutes

    init() throws {
        dir = try TemporaryDirectory("custody-routes")
        store = try LocalStore(stateDirectory: dir.path + "/state")
        var config = IngestConfiguration()
        config.allowedPaths = [dir.path + "/inbox"]
        let engine = IngestEngine(store: store, config: config, logger: Logger(label: "test"), drivers: SourceDrivers([DirectoryDriver()]))
        routes = ControlRoutes(store: store, ingest: engine, stateDirectory: dir.path + "/state")
    }

    func call(_ method: HTTPMethod, _ uri: String, body: String = "", roles: Set<Role>) async -> ControlResponse {
        let caller = Caller(uid: 2000, gid: 2000, name: "tester", roles: roles)
        return await routes.handle(ControlRequest(method: method, uri: uri, body: Data(body.utf8), caller: caller))
    }

    func problem(_ r: ControlResponse) throws -> ProblemDTO {
        #expect(r.contentType == "application/problem+json")
        return try Wire.decoder.decode(ProblemDTO.self, from: r.body)
    }
}

@Suite("Control routes")
struct ControlRoutesTests {
    @Test("a caller without a role gets 403 on every path, and the refusal is recorded", arguments: RouteSetup.allCases, [
        (HTTPMethod.GET, "/v1/status"), (.GET, "/v1/items"), (.GET, "/v1/jobs"), (.POST, "/v1/jobs"), (.GET, "/v1/events"),
    ])
    func noRoleIsForbidden(setup: RouteSetup, request: (method: HTTPMethod, path: String)) async throws {
        let f = try RoutesFixture()
        defer { f.dir.remove() }
        try await f.with(setup) { s in
            let caller = try await s.client(roles: []).caller
            let r = try await s.call(request.method, request.path, roles: [])
            #expect(r.status == .forbidden)
            let p = try f.problem(r)
            #expect(p.code == "forbidden" && p.status == 403 && p.type == "urn:custody:problem:forbidden")
            #expect(p.detail.contains("\(caller.name) (uid \(caller.uid)) has no Custody role"))
            let denied = try f.store.events(EventQuery()).last
            #expect(denied?.action == "request.deny" && denied?.outcome == "denied" && denied?.subject == "api:\(request.path)")
            #expect(denied?.actor == Author(uid: caller.uid, name: caller.name))
        }
    }

    @Test("roles: operators ingest but do not read the audit trail; auditors read it but do not ingest", arguments: RouteSetup.allCases)
    func roleMatrix(setup: RouteSetup) async throws {
        let f = try RoutesFixture()
        defer { f.dir.remove() }
        try await f.with(setup) { s in
            #expect(try await s.call(.GET, "/v1/events", roles: [.operator_]).status == .forbidden)
            #expect(try await s.call(.GET, "/v1/events", roles: [.auditor]).status == .ok)
            #expect(try await s.call(.GET, "/v1/events", roles: [.supervisor]).status == .ok)
            let auditorIngest = try await s.call(.POST, "/v1/jobs", body: #"{"path":"/tmp"}"#, roles: [.auditor])
            #expect(auditorIngest.status == .forbidden)
            #expect(try f.problem(auditorIngest).detail.contains("needs one of: operator, supervisor, admin"))
            #expect(try await s.call(.GET, "/v1/status", roles: [.auditor]).status == .ok)
        }
    }

    @Test("status reports the caller and the store", arguments: RouteSetup.allCases)
    func status(setup: RouteSetup) async throws {
        let f = try RoutesFixture()
        defer { f.dir.remove() }
        try await f.with(setup) { s in
            let caller = try await s.client(roles: [.operator_, .auditor]).caller
            let r = try await s.call(.GET, "/v1/status", roles: [.operator_, .auditor])
            let status = try Wire.decoder.decode(StatusDTO.self, from: r.body)
            #expect(status.version == CustodyVersion.string && status.items == 0 && status.jobsRunning == 0)
            #expect(status.caller == CallerDTO(uid: caller.uid, name: caller.name, roles: ["operator", "auditor"]))
            if setup == .inProcess { #expect(caller.uid == 2000 && caller.name == "tester") }
        }
    }

    @Test("malformed requests get 400 naming what is wrong", arguments: RouteSetup.allCases, [
        ("/v1/items/abc", "item id must be a positive integer"),
        ("/v1/items?limit=0", "query parameter limit must be an integer"),
        ("/v1/items?from=tomorrow", "RFC 3339"),
        ("/v1/jobs/-3", "job id must be a positive integer"),
        ("/v1/events?item=x", "item id must be a positive integer"),
    ])
    func badRequests(setup: RouteSetup, request: (uri: String, expected: String)) async throws {
        let f = try RoutesFixture()
        defer { f.dir.remove() }
        try await f.with(setup) { s in
            let r = try await s.call(.GET, request.uri, roles: [.admin])
            #expect(r.status == .badRequest)
            #expect(try f.problem(r).detail.contains(request.expected))
        }
    }

    @Test("a malformed ingest body gets 400; a path outside the inbox 403; a missing one 404", arguments: RouteSetup.allCases)
    func ingestRequests(setup: RouteSetup) async throws {
        let f = try RoutesFixture()
        defer { f.dir.remove() }
        try await f.with(setup) { s in
            let notJSON = try await s.call(.POST, "/v1/jobs", body: "path=/media", roles: [.operator_])
            #expect(notJSON.status == .badRequest)
            #expect(try f.problem(notJSON).detail.contains("not valid JSON"))
            let noPath = try await s.call(.POST, "/v1/jobs", body: #"{"device":"x"}"#, roles: [.operator_])
            #expect(noPath.status == .badRequest)
            #expect(try f.problem(noPath).detail.contains("missing field \"path\""))
            let outside = try await s.call(.POST, "/v1/jobs", body: #"{"path":"/etc"}"#, roles: [.operator_])
            #expect(outside.status == .forbidden)
            #expect(try f.problem(outside).code == "path-not-allowed")
            let missing = try await s.call(.POST, "/v1/jobs", body: "{\"path\":\"\(f.dir.path)/inbox/card\"}", roles: [.operator_])
            #expect(missing.status == .notFound)
            #expect(try f.problem(missing).code == "path-not-found")
            let missingOutside = try await s.call(.POST, "/v1/jobs", body: #"{"path":"/nonexistent/card"}"#, roles: [.operator_])
            #expect(missingOutside.status == .forbidden, "whether a path outside the inbox exists is not disclosed")
        }
    }

    @Test("unknown paths get 404, wrong methods 405", arguments: RouteSetup.allCases)
    func notFoundAndMethod(setup: RouteSetup) async throws {
        let f = try RoutesFixture()
        defer { f.dir.remove() }
        try await f.with(setup) { s in
            #expect(try await s.call(.GET, "/v2/status", roles: [.admin]).status == .notFound)
            #expect(try await s.call(.GET, "/v1/nothing", roles: [.admin]).status == .notFound)
            #expect(try await s.call(.GET, "/v1/items/99", roles: [.admin]).status == .notFound)
            let delete = try await s.call(.DELETE, "/v1/items/1", roles: [.admin])
            #expect(delete.status == .methodNotAllowed)
            #expect(delete.headers.map(\.0) == ["Allow"] && delete.headers.map(\.1) == ["GET"])
            let put = try await s.call(.PUT, "/v1/jobs", roles: [.admin])
            #expect(put.status == .methodNotAllowed && put.headers.map(\.1) == ["GET, POST"])
            #expect(try await s.call(.POST, "/v1/status", roles: [.admin]).status == .methodNotAllowed)
            #expect(try await s.call(.GET, "/v1/status/now", roles: [.admin]).status == .notFound)
            #expect(try await s.call(.GET, "/v1/events/1", roles: [.admin]).status == .notFound)
            #expect(try await s.call(.GET, "/v1/items/1/blob", roles: [.admin]).status == .notFound)
        }
    }

    @Test("query strings are percent-decoded")
    func queryDecoding() {
        let r = ControlRequest(method: .GET, uri: "/v1/items?text=%D1%81%D0%B0%D1%81+x&case=K-17%2F2026",
                               body: Data(), caller: Caller(uid: 0, gid: 0, name: "root", roles: [.admin]))
        #expect(r.path == "/v1/items")
        #expect(r.query == ["text": "сас x", "case": "K-17/2026"])
    }

    @Test("root is admin whatever its groups; an unknown uid has no role")
    func roleMapping() {
        let map = RoleMap(ControlConfiguration())
        #expect(map.caller(uid: 0, gid: 0).roles == [.admin])
        let stranger = map.caller(uid: 4_000_000, gid: 4_000_000)
        #expect(stranger.roles.isEmpty && stranger.name == "uid4000000")
    }
}
