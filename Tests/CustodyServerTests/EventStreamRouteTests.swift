import CustodyCore
import CustodyProtocol
import CustodyStore
import Foundation
import NIOHTTP1
import Testing
@testable import CustodyServer

@Suite("GET /v1/events/stream: what is asked, checked before the stream begins")
struct EventStreamRouteTests {
    func call(_ f: RoutesFixture, _ uri: String, roles: Set<Role> = [.supervisor], lastEventID: String? = nil) async -> ControlResponse {
        var headers = HTTPHeaders()
        if let lastEventID { headers.add(name: "Last-Event-ID", value: lastEventID) }
        let caller = Caller(uid: 2000, gid: 2000, name: "tester", roles: roles)
        return await f.routes.handle(ControlRequest(method: .GET, uri: uri, body: Data(), caller: caller, headers: headers))
    }

    @Test("the same roles as GET /v1/events")
    func roles() {
        func roles(_ path: String) -> Set<Role>? {
            if case .found(let route, _) = RouteTable.match(method: .GET, path: path) { return route.roles }
            return nil
        }
        #expect(roles("/v1/events/stream") == roles("/v1/events"))
        #expect(roles("/v1/events/stream")?.contains(.operator_) == false)
        #expect(RouteTable.match(method: .POST, path: "/v1/events/stream") == .methodNotAllowed(["GET"]))
        #expect(RouteTable.match(method: .GET, path: "/v1/events/1") == .notFound)
    }

    @Test("an operator is refused with 403, and the refusal recorded")
    func operatorRefused() async throws {
        let f = try RoutesFixture()
        defer { f.dir.remove() }
        let r = await call(f, "/v1/events/stream", roles: [.operator_])
        #expect(r.status == .forbidden && r.stream == nil)
        #expect(try f.problem(r).detail.contains("needs one of: supervisor, auditor, admin"))
        #expect(try f.store.events(EventQuery()).last?.subject == "api:/v1/events/stream")
    }

    @Test("without after the stream starts at the latest event; after and Last-Event-ID (which wins) resume")
    func startingPoint() async throws {
        let f = try RoutesFixture()
        defer { f.dir.remove() }
        try f.store.record(EventInput(actor: .daemon, action: "test.event", subject: "test"))
        let latest = try f.store.latestEventSeq()
        let now = await call(f, "/v1/events/stream")
        #expect(now.status == .ok && now.contentType == "text/event-stream")
        #expect(now.stream?.after == latest && now.stream?.replay == false && now.stream?.events == true)
        let after = await call(f, "/v1/events/stream?after=0&events=false&seconds=5")
        #expect(after.stream?.after == 0 && after.stream?.replay == true && after.stream?.events == false && after.stream?.seconds == 5)
        let resumed = await call(f, "/v1/events/stream?after=0", lastEventID: "1")
        #expect(resumed.stream?.after == 1 && resumed.stream?.replay == true)
    }

    @Test("a bad after, Last-Event-ID, events or seconds is refused with 400 naming it", arguments: [
        ("/v1/events/stream?after=-1", nil, "after"), ("/v1/events/stream?after=x", nil, "after"),
        ("/v1/events/stream", "x1", "Last-Event-ID"), ("/v1/events/stream", "-4", "Last-Event-ID"),
        ("/v1/events/stream?events=maybe", nil, "events"), ("/v1/events/stream?seconds=0", nil, "seconds"),
        ("/v1/events/stream?seconds=86401", nil, "seconds"),
    ] as [(String, String?, String)])
    func badInputs(uri: String, lastEventID: String?, named: String) async throws {
        let f = try RoutesFixture()
        defer { f.dir.remove() }
        let r = await call(f, uri, lastEventID: lastEventID)
        #expect(r.status == .badRequest && r.stream == nil)
        #expect(try f.problem(r).detail.contains(named))
    }

    @Test("GET /v1/changes/stream: every role; state changes from now on, never a custody event; seconds checked")
    func changeStream() async throws {
        let f = try RoutesFixture()
        defer { f.dir.remove() }
        if case .found(let route, _) = RouteTable.match(method: .GET, path: "/v1/changes/stream") {
            #expect(route.roles == Set(Role.allCases))
        } else {
            Issue.record("GET /v1/changes/stream is not in the route table")
        }
        try f.store.record(EventInput(actor: .daemon, action: "test.event", subject: "test"))
        let latest = try f.store.latestEventSeq()
        // `after` asks for custody events, which this stream never carries: it is not read.
        let r = await call(f, "/v1/changes/stream?after=0&seconds=3", roles: [.operator_])
        #expect(r.status == .ok && r.contentType == "text/event-stream")
        #expect(r.stream?.events == false && r.stream?.replay == false && r.stream?.after == latest && r.stream?.seconds == 3)
        let bad = await call(f, "/v1/changes/stream?seconds=0", roles: [.operator_])
        #expect(bad.status == .badRequest && bad.stream == nil)
        #expect(try f.problem(bad).detail.contains("seconds"))
    }
}
