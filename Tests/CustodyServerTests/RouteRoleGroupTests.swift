import CustodyCore
import CustodyModel
import CustodyProtocol
import CustodyStore
import Foundation
import NIOHTTP1
import Testing
@testable import CustodyServer

/// The role checks and one request of every method, run in process and over the real
/// socket (where the caller is who really connected, with the roles its groups grant).
@Suite("Route roles and methods, in process and live")
struct RouteRoleGroupTests {
    /// The first route of each distinct set of roles in the table.
    static let onePerRoleGroup: [Route] = RouteTable.routes.reduce(into: []) { chosen, route in
        if !chosen.contains(where: { $0.roles == route.roles }) { chosen.append(route) }
    }

    @Test("one route of every role group: each role, and none, allowed or refused as the table says", arguments: RouteSetup.allCases)
    func roleGroups(setup: RouteSetup) async throws {
        #expect(Self.onePerRoleGroup.count >= 6, "operations for anyone, ingesters, audit readers, supervisors, admins, metrics readers")
        let f = try RoutesFixture()
        defer { f.dir.remove() }
        try await f.with(setup) { s in
            for route in Self.onePerRoleGroup {
                let path = route.template.replacingOccurrences(of: "{id}", with: "1")
                let method = HTTPMethod(rawValue: route.method)
                let none = try await s.call(method, path, body: "{}", roles: [])
                #expect(none.status == .forbidden, "no role on \(route.method) \(route.template)")
                for role in Role.allCases {
                    let r = try await s.call(method, path, body: "{}", roles: [role])
                    if route.roles.contains(role) {
                        #expect(r.status != .forbidden, "\(role) on \(route.method) \(route.template)")
                    } else {
                        #expect(r.status == .forbidden, "\(role) on \(route.method) \(route.template)")
                        #expect(try f.problem(r).detail.contains("needs one of"), "\(role) on \(route.method) \(route.template)")
                    }
                }
            }
        }
    }

    @Test("one request of every method: GET, POST, PUT and PATCH answered, DELETE refused with Allow", arguments: RouteSetup.allCases)
    func everyMethod(setup: RouteSetup) async throws {
        let f = try RoutesFixture()
        defer { f.dir.remove() }
        try await f.with(setup) { s in
            let status = try await s.call(.GET, "/v1/status", roles: [.operator_])
            #expect(status.status == .ok && status.contentType == API.jsonContentType)
            let operatorCaller = try await s.client(roles: [.operator_]).caller
            #expect(try Wire.decoder.decode(StatusDTO.self, from: status.body).caller.uid == operatorCaller.uid)

            let checkpoint = try await s.call(.POST, "/v1/checkpoints", roles: [.auditor])
            #expect(checkpoint.status == .serviceUnavailable)
            #expect(try f.problem(checkpoint).code == "no-ledger-key")

            let admin = try await s.client(roles: [.admin]).caller
            let level = try await s.call(.PUT, "/v1/log-level", body: #"{"level": "debug"}"#, roles: [.admin])
            #expect(level.status == .ok)
            #expect(try Wire.decoder.decode(LogLevelDTO.self, from: level.body).level == "debug")
            let recorded = try f.store.events(EventQuery()).last
            #expect(recorded?.action == "daemon.log-level" && recorded?.actor == Author(uid: admin.uid, name: admin.name),
                    "the change is recorded with the caller the routes saw")

            let release = try await s.call(.PATCH, "/v1/holds/1", body: #"{"active": true, "reason": "x"}"#, roles: [.supervisor])
            #expect(release.status == .badRequest)
            #expect(try f.problem(release).detail.contains("a hold can only be released"))

            let delete = try await s.call(.DELETE, "/v1/holds/1", roles: [.admin])
            #expect(delete.status == .methodNotAllowed && delete.headers.map(\.0) == ["Allow"] && delete.headers.map(\.1) == ["PATCH"])
        }
    }
}
