import CustodyCore
import CustodyLedger
import CustodyProtocol
import CustodyStore
import CustodyTestSupport
import Crypto
import Foundation
import NIOHTTP1
import Testing
@testable import CustodyServer

/// Text a custody record cannot keep whole (NUL, unpaired surrogates, bytes that are not
/// UTF-8) is refused at the door with 400 naming where it was, before any role check
/// records anything, so no request can make `verify` fail.
@Suite("Request text the custody record cannot keep")
struct RequestTextTests {
    static func verified(_ f: RoutesFixture) throws -> Bool {
        let key = StationKey(name: "custody.test/station", privateKey: Curve25519.Signing.PrivateKey())
        let report = try f.store.verify(stationName: key.name, publicKey: key.publicKey, full: false)
        return report.ok
    }

    func call(_ f: RoutesFixture, _ method: HTTPMethod, _ uri: String, body: [UInt8] = [], roles: Set<Role>) async -> ControlResponse {
        let caller = Caller(uid: 2000, gid: 2000, name: "tester", roles: roles)
        return await f.routes.handle(ControlRequest(method: method, uri: uri, body: Data(body), caller: caller))
    }

    @Test("a NUL in a request path from a caller with no role: 400 naming the path, and verify stays green")
    func nulInPath() async throws {
        let f = try RoutesFixture()
        defer { f.dir.remove() }
        let r = await call(f, .GET, "/v1/blobs/%00tail", roles: [])
        #expect(r.status == .badRequest)
        let p = try f.problem(r)
        #expect(p.code == "bad-request" && p.detail.contains("request path") && p.detail.contains("U+0000"), "\(p.detail)")
        #expect(try Self.verified(f))
        // A second request of any kind still leaves a verifiable record.
        #expect(await call(f, .GET, "/v1/status", roles: []).status == .forbidden)
        #expect(try Self.verified(f))
    }

    @Test("NUL or bytes that are not UTF-8 in a query parameter: 400 naming the parameter", arguments: [
        ("/v1/items?text=a%00b", "query parameter text", "U+0000"),
        ("/v1/items?text=%ff%fe", "query parameter text", "UTF-8"),
        ("/v1/items?te%00xt=1", "query parameter", "U+0000"),
        ("/v1/items/%ed%a0%80", "request path", "UTF-8"),
    ])
    func badQueryText(uri: String, names: String, what: String) async throws {
        let f = try RoutesFixture()
        defer { f.dir.remove() }
        let r = await call(f, .GET, uri, roles: [.operator_])
        #expect(r.status == .badRequest)
        let p = try f.problem(r)
        #expect(p.detail.contains(names) && p.detail.contains(what), "\(p.detail)")
        #expect(try Self.verified(f))
    }

    @Test("a JSON body field holding NUL, an unpaired surrogate or bytes that are not UTF-8: 400 naming the field", arguments: [
        (#"{"path": "/media/card\u0000/x"}"#, "\"path\"", "U+0000"),
        (#"{"path": "/media/\ud800card"}"#, "\"path\"", "unpaired surrogate"),
        (#"{"path": "/media/\udc00"}"#, "\"path\"", "unpaired surrogate"),
        (#"{"options": {"deep": ["ok", "x\u0000"]}}"#, "\"options.deep[1]\"", "U+0000"),
        (#"{"pa\u0000th": "/media/card"}"#, "a member name", "U+0000"),
    ])
    func badBodyText(body: String, names: String, what: String) async throws {
        let f = try RoutesFixture()
        defer { f.dir.remove() }
        let r = await call(f, .POST, "/v1/jobs", body: Array(body.utf8), roles: [.operator_])
        #expect(r.status == .badRequest)
        let p = try f.problem(r)
        #expect(p.detail.contains(names) && p.detail.contains(what), "\(p.detail)")
        #expect(try f.store.jobs(limit: 10).isEmpty, "nothing was started")
        #expect(try Self.verified(f))
    }

    @Test("raw bytes that are not UTF-8 inside a JSON string: 400 naming the field")
    func rawInvalidUTF8() async throws {
        let f = try RoutesFixture()
        defer { f.dir.remove() }
        let body: [UInt8] = Array(#"{"path": "/media/"#.utf8) + [0xFF, 0xFE] + Array(#""}"#.utf8)
        let r = await call(f, .POST, "/v1/jobs", body: body, roles: [.operator_])
        #expect(r.status == .badRequest)
        let p = try f.problem(r)
        #expect(p.detail.contains("\"path\"") && p.detail.contains("UTF-8"), "\(p.detail)")
    }

    @Test("text that round-trips is untouched: controls, bidi and astral characters reach the route as sent")
    func goodTextPasses() async throws {
        let f = try RoutesFixture()
        defer { f.dir.remove() }
        let r = await call(f, .GET, "/v1/items?text=%1B%5B31m%E2%80%AEcam%F0%9F%93%B9", roles: [.operator_])
        #expect(r.status == .ok)
        let body = #"{"path": "/elsewhere/\u001b[2J\u202e\ud83d\udcf9"}"#
        let job = await call(f, .POST, "/v1/jobs", body: Array(body.utf8), roles: [.operator_])
        // Refused for where it is (outside the allowed paths), not for its text.
        #expect(job.status == .forbidden)
        #expect(try f.problem(job).code == "path-not-allowed")
    }
}
