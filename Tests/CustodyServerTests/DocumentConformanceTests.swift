// Requests Schemathesis generated from docs/api/openapi.yaml that the server answered
// against the document (system-tests/adversarial/test_fapi_schemathesis.py runs the whole
// generation); each is kept here with the answer the document gives.
import CustodyCore
import CustodyLedger
import CustodyProtocol
import CustodyStore
import Foundation
import NIOHTTP1
import Testing
@testable import CustodyServer

@Suite("The routes answer as the API document says")
struct DocumentConformanceTests {
    /// The routes with a station key, so the ledger's routes answer.
    func signed(_ f: RoutesFixture) throws -> ControlRoutes {
        let key = try StationKey.loadOrCreate(path: f.dir.path + "/state/ledger/station.key", name: "custody.test/station")
        return ControlRoutes(store: f.store, ingest: f.routes.ingest, stateDirectory: f.dir.path + "/state",
                             signer: CheckpointSigner(key: key, store: f.store))
    }

    func call(_ routes: ControlRoutes, _ method: HTTPMethod, _ uri: String, body: String = "") async -> ControlResponse {
        await routes.handle(ControlRequest(method: method, uri: uri, body: Data(body.utf8),
                                           caller: Caller(uid: 0, gid: 0, name: "root", roles: [.admin])))
    }

    @Test("query times take any RFC 3339 offset, up to ±23:59", arguments: [
        "/v1/items?from=2128-03-04T09%3A32%3A35.565-19%3A47", "/v1/items?to=2889-03-02T21%3A41%3A24-21%3A01",
        "/v1/hearings?from=2128-03-04T09%3A32%3A35.565-19%3A47", "/v1/gaps?from=4806-09-07T18%3A09%3A43%2B23%3A01",
        "/v1/items?from=2026-03-04t09%3A32%3A35z",
    ])
    func anyOffset(uri: String) async throws {
        let f = try RoutesFixture()
        defer { f.dir.remove() }
        #expect(await call(f.routes, .GET, uri).status == .ok)
    }

    @Test("proofs without an item: the oldest to the latest checkpoint; a tree size below 1 is refused, used or not")
    func proofs() async throws {
        let f = try RoutesFixture()
        defer { f.dir.remove() }
        let routes = try signed(f)
        #expect(await call(routes, .GET, "/v1/proofs?to=1").status == .notFound, "no checkpoint yet")
        for _ in 0..<3 { #expect(await call(routes, .POST, "/v1/checkpoints").status == .created) }
        let proof = await call(routes, .GET, "/v1/proofs")
        #expect(proof.status == .ok)
        let dto = try Wire.decoder.decode(ConsistencyProofDTO.self, from: proof.body)
        #expect(dto.from.treeSize == 1 && dto.to.treeSize == 2, "the first checkpoint of a tree that is not empty, to the latest")
        for uri in ["/v1/proofs?size=0", "/v1/proofs?from=0", "/v1/proofs?to=-1", "/v1/proofs?size=x"] {
            let refused = await call(routes, .GET, uri)
            #expect(refused.status == .badRequest, "\(uri)")
            #expect(try f.problem(refused).detail.contains("must be an integer in 1...\(RequestBounds.treeSize.upperBound)"), "\(uri)")
        }
    }

    @Test("a body member of the request written as null is refused by name; one the request does not have is ignored")
    func nullMembers() async throws {
        let f = try RoutesFixture()
        defer { f.dir.remove() }
        let hold = await call(f.routes, .POST, "/v1/holds", body: #"{"case": "0", "reason": "0", "item": null}"#)
        #expect(hold.status == .badRequest)
        #expect(try f.problem(hold).detail.contains(#"member "item" is null"#))
        let tag = await call(f.routes, .POST, "/v1/tags", body: #"{"case": "", "category": null, "hearing": "", "item": 1, "note": "", "officer": ""}"#)
        #expect(tag.status == .badRequest)
        #expect(try f.problem(tag).detail.contains(#"member "category" is null"#))
        let unknown = await call(f.routes, .POST, "/v1/holds", body: #"{"\u0007": null, "case": "K-1", "reason": "order"}"#)
        #expect(unknown.status == .created || unknown.status == .ok, "an unknown member is ignored, null or not")
        let level = await call(f.routes, .PUT, "/v1/log-level", body: #"{"level": "info", "x-unknown": 42}"#)
        #expect(level.status == .ok)
    }

    @Test("an unknown category is 404 naming the configured ones, like an unknown officer")
    func unknownCategory() async throws {
        let f = try RoutesFixture()
        defer { f.dir.remove() }
        let r = await call(f.routes, .POST, "/v1/tags", body: #"{"item": 1, "category": "}-S"}"#)
        #expect(r.status == .notFound)
        #expect(try f.problem(r).detail.contains(#"no category "}-S""#))
    }

    @Test("a .ics name makes a calendar only for hearings; other kinds are read as CSV")
    func calendarNameOnlyForHearings() async throws {
        let f = try RoutesFixture()
        defer { f.dir.remove() }
        let r = await call(f.routes, .POST, "/v1/imports", body: #"{"kind": "officers", "name": "roster.ics", "content": "badge,name,unit\nB-1,Ana,Patrol\n"}"#)
        #expect(r.status == .ok)
    }
}
