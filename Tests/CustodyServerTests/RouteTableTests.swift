import CustodyCore
import CustodyProtocol
import CustodyStore
import Foundation
import NIOHTTP1
import Testing
@testable import CustodyServer

@Suite("The route table: every operation's roles in one place")
struct RouteTableTests {
    @Test("every operation is listed once, by method and template")
    func unique() {
        let keys = RouteTable.routes.map { "\($0.method) \($0.template)" }
        #expect(Set(keys).count == keys.count)
        #expect(RouteTable.routes.allSatisfy { $0.roles.contains(.admin) }, "root (admin) may do everything")
    }

    @Test("paths match their templates; an id stands for one segment")
    func matching() {
        guard case .found(let route, let segments) = RouteTable.match(method: .GET, path: "/v1/jobs/12") else {
            Issue.record("no match"); return
        }
        #expect(route.template == "/v1/jobs/{id}" && segments == ["jobs", "12"])
        #expect(RouteTable.match(method: .DELETE, path: "/v1/holds/3") == .methodNotAllowed(["PATCH"]))
        #expect(RouteTable.match(method: .DELETE, path: "/v1/jobs") == .methodNotAllowed(["GET", "POST"]))
        #expect(RouteTable.match(method: .GET, path: "/v1/status/now") == .notFound)
        #expect(RouteTable.match(method: .GET, path: "/v1") == .notFound)
        if case .found(let metrics, _) = RouteTable.match(method: .GET, path: "/metrics") {
            #expect(metrics.roles == [.auditor, .admin])
        } else {
            Issue.record("/metrics not matched")
        }
    }

    @Test("an item's inclusion proofs are for those who read the custody events, as the events are")
    func proofsAreAuditReading() {
        func roles(_ method: HTTPMethod, _ path: String) -> Set<Role>? {
            if case .found(let route, _) = RouteTable.match(method: method, path: path) { return route.roles }
            return nil
        }
        #expect(roles(.GET, "/v1/proofs") == roles(.GET, "/v1/events"))
        #expect(roles(.GET, "/v1/proofs")?.contains(.operator_) == false)
    }

    @Test("the routes refuse a role the table does not give, on every operation", arguments: Role.allCases)
    func everyOperationAuthorizesFromTheTable(role: Role) async throws {
        let f = try RoutesFixture()
        defer { f.dir.remove() }
        for route in RouteTable.routes {
            let path = route.template.replacingOccurrences(of: "{id}", with: "1")
            let response = await f.call(HTTPMethod(rawValue: route.method), path, body: "{}", roles: [role])
            if route.roles.contains(role) {
                #expect(response.status != .forbidden, "\(role) on \(route.method) \(route.template)")
            } else {
                #expect(response.status == .forbidden, "\(role) on \(route.method) \(route.template)")
            }
        }
    }

    @Test("an operator asking for an item's proofs is refused, and the refusal recorded")
    func operatorProofs() async throws {
        let f = try RoutesFixture()
        defer { f.dir.remove() }
        let r = await f.call(.GET, "/v1/proofs?item=1", roles: [.operator_])
        #expect(r.status == .forbidden)
        #expect(try f.problem(r).detail.contains("needs one of: supervisor, auditor, admin"))
        let denied = try f.store.events(EventQuery()).last
        #expect(denied?.action == "request.deny" && denied?.subject == "api:/v1/proofs")
    }
}
