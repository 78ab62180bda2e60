import CustodyCore
import CustodyMetrics
import CustodyProtocol
import CustodyStore
import Foundation
import NIOHTTP1
import Testing
@testable import CustodyServer

/// The route table is the only statement of which routes exist: every entry answers,
/// whatever it does not list is 404, a method it does not list for a path is 405 with the
/// table's methods in `Allow`; and the client's paths are the table's.
@Suite("Dispatch from the route table")
struct RouteDispatchTests {
    static let methods: [HTTPMethod] = [.GET, .POST, .PUT, .PATCH, .DELETE]

    @Test("every entry of the table is answered by its handler, never as an unknown path or method")
    func everyEntryAnswers() async throws {
        let f = try RoutesFixture()
        defer { f.dir.remove() }
        for route in RouteTable.routes {
            let path = route.template.replacingOccurrences(of: APIPathTemplate.placeholder, with: "1")
            let r = await f.call(HTTPMethod(rawValue: route.method), path, body: "{}", roles: [.admin])
            r.stream?.subscription.close()
            #expect(r.status != .methodNotAllowed, "\(route.method) \(route.template)")
            if r.contentType == API.problemContentType {
                let detail = try f.problem(r).detail
                #expect(!detail.hasPrefix("no such path"), "\(route.method) \(route.template): \(detail)")
            }
        }
    }

    @Test("a method the table does not list for a path is 405, with the table's methods in Allow")
    func methodNotInTable() async throws {
        let f = try RoutesFixture()
        defer { f.dir.remove() }
        let templates = RouteTable.routes.map(\.template).reduce(into: [String]()) { if !$0.contains($1) { $0.append($1) } }
        for template in templates {
            let listed = RouteTable.routes.filter { $0.template == template }.map(\.method)
            let path = template.replacingOccurrences(of: APIPathTemplate.placeholder, with: "1")
            for method in Self.methods where !listed.contains(method.rawValue) {
                let r = await f.call(method, path, body: "{}", roles: [.admin])
                #expect(r.status == .methodNotAllowed, "\(method.rawValue) \(template)")
                #expect(r.headers.first { $0.0 == "Allow" }?.1 == listed.joined(separator: ", "), "\(method.rawValue) \(template)")
            }
        }
    }

    @Test("a path the table does not list is 404, for every method", arguments: [
        "/v1/jobs/1/files", "/v1/job", "/v1/events/stream/1", "/v2/status", "/status", "/v1/holds/1/release", "/metrics/1",
    ])
    func pathNotInTable(path: String) async throws {
        let f = try RoutesFixture()
        defer { f.dir.remove() }
        for method in Self.methods {
            let r = await f.call(method, path, body: "{}", roles: [.admin])
            #expect(r.status == .notFound, "\(method.rawValue) \(path)")
            #expect(try f.problem(r).detail.hasPrefix("no such path"))
        }
    }

    @Test("the client's paths are the table's routes")
    func clientPathsAreTheTable() {
        func template(_ method: HTTPMethod, _ path: String) -> String? {
            if case .found(let route, _) = RouteTable.match(method: method, path: path) { return route.template }
            return nil
        }
        #expect(template(.GET, API.job(12)) == API.Template.job.text)
        #expect(template(.GET, API.item(3)) == API.Template.item.text)
        #expect(template(.POST, API.exportAbandon(4)) == API.Template.exportAbandon.text)
        #expect(template(.GET, API.blob(String(repeating: "a", count: 64))) == API.Template.blob.text)
        #expect(template(.POST, API.recording("3")) == API.Template.recording.text)
        #expect(template(.PATCH, API.hold(5)) == API.Template.hold.text)
        #expect(template(.POST, API.retentionPlan(6)) == API.Template.retentionPlan.text)
        for path in [API.status, API.jobs, API.items, API.events, API.eventStream, API.devices, API.ledger, API.checkpoints, API.verify,
                     API.proofs, API.exports, API.recordings, API.logLevel, API.metrics, API.officers, API.equipment, API.courtrooms,
                     API.cases, API.hearings, API.assignments, API.imports, API.checkouts, API.checkins, API.clocks, API.tags, API.holds,
                     API.retention, API.gaps] {
            #expect(RouteTable.routes.contains { $0.template == path }, "\(path)")
        }
    }
}
