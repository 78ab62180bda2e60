import CustodyCore
import CustodyProtocol
import CustodyStore
import Foundation
import NIOHTTP1
import Testing
@testable import CustodyServer

/// Every number a request carries is held to its documented range before any
/// arithmetic: a 400 naming the field and the range, never a trap.
@Suite("Request bounds")
struct RequestBoundsTests {
    @Test("bodies with numbers out of range get 400 naming the field and the range", arguments: [
        (HTTPMethod.POST, "/v1/clocks", #"{"device": "BWC-1", "offsetSeconds": -9223372036854775808}"#,
         "offsetSeconds must be an integer in -316224000...316224000, not -9223372036854775808"),
        (.POST, "/v1/clocks", #"{"device": "BWC-1", "offsetSeconds": 9223372036854775807}"#, "offsetSeconds must be an integer in"),
        (.POST, "/v1/clocks", #"{"device": "BWC-1", "offsetSeconds": 316224001}"#, "not 316224001"),
        (.POST, "/v1/clocks", #"{"device": "BWC-1", "offsetSeconds": 1e300}"#, "\"offsetSeconds\" cannot be read: 1e+300 is not an integer in -9007199254740991...9007199254740991"),
        (.POST, "/v1/exports", #"{"items": [1, -5]}"#, "items[1] must be an integer in 1...9007199254740991, not -5"),
        (.POST, "/v1/exports", #"{"items": [9223372036854775807]}"#, "items[0] must be an integer in 1...9007199254740991"),
        (.POST, "/v1/tags", #"{"item": 0, "note": "x"}"#, "item must be an integer in 1...9007199254740991, not 0"),
        (.POST, "/v1/holds", #"{"item": -9223372036854775808, "reason": "x"}"#, "item must be an integer in 1...9007199254740991"),
        (.POST, "/v1/recordings", #"{"courtroom": "1", "durationFrames": 9223372036854775807}"#,
         "durationFrames must be an integer in 1...1000000000000"),
        (.POST, "/v1/recordings", #"{"courtroom": "1", "durationSeconds": 1e308}"#, "durationSeconds must be a number of seconds above 0"),
        (.POST, "/v1/recordings", #"{"courtroom": "1", "durationSeconds": -1}"#, "durationSeconds must be"),
    ])
    func bodies(method: HTTPMethod, path: String, body: String, expected: String) async throws {
        let f = try RoutesFixture()
        defer { f.dir.remove() }
        let r = await f.call(method, path, body: body, roles: [.admin])
        #expect(r.status == .badRequest, "\(path) \(body)")
        let detail = try f.problem(r).detail
        #expect(detail.contains(expected), "\(detail)")
    }

    @Test("query parameters and path ids out of range get 400 naming the parameter and the range", arguments: [
        ("/v1/items?offset=9223372036854775807", "query parameter offset must be an integer in 0...9007199254740991"),
        ("/v1/items?offset=-1", "query parameter offset must be an integer in 0...9007199254740991"),
        ("/v1/events?after=-1", "query parameter after must be an integer in 0...9007199254740991"),
        ("/v1/events?after=99999999999999999999", "query parameter after must be an integer"),
        ("/v1/items/9007199254740992", "item id must be a positive integer (at most 9007199254740991)"),
        ("/v1/items?from=0000-01-01T00:00:00Z", "in 0001-01-01T00:00:00Z...9999-12-31T23:59:59.999Z"),
        // The last second of year 0000, counted as RFC 3339 counts days (proleptic Gregorian).
        ("/v1/gaps?from=0000-12-31T23:59:59Z", "in 0001-01-01T00:00:00Z...9999-12-31T23:59:59.999Z"),
        ("/v1/gaps?to=-0001-01-01T00:00:00Z", "query parameter to must be an RFC 3339 time"),
        ("/v1/hearings?from=" + String(repeating: "9", count: 5000), "not \"" + String(repeating: "9", count: 64) + "…\""),
    ])
    func queries(uri: String, expected: String) async throws {
        let f = try RoutesFixture()
        defer { f.dir.remove() }
        let r = await f.call(.GET, uri, roles: [.admin])
        #expect(r.status == .badRequest, "\(uri)")
        let detail = try f.problem(r).detail
        #expect(detail.contains(expected), "\(detail)")
    }

    @Test("values at the ends of their ranges are accepted")
    func edges() async throws {
        let f = try RoutesFixture()
        defer { f.dir.remove() }
        #expect(await f.call(.GET, "/v1/items?offset=9007199254740991", roles: [.admin]).status == .ok)
        #expect(await f.call(.GET, "/v1/events?after=9007199254740991", roles: [.admin]).status == .ok)
        #expect(await f.call(.GET, "/v1/items?from=0001-01-01T00:00:00Z&to=9999-12-31T23:59:59.999Z", roles: [.admin]).status == .ok)
        let clock = await f.call(.POST, "/v1/clocks", body: #"{"device": "BWC-1", "offsetSeconds": -316224000}"#, roles: [.admin])
        #expect(clock.status == .notFound, "in range: the device is looked up (and is not registered)")
    }

    @Test("the store refuses an offset out of range itself, without trapping on abs(Int.min)")
    func storeClock() throws {
        let f = try RoutesFixture()
        defer { f.dir.remove() }
        let admin = Caller(uid: 0, gid: 0, name: "root", roles: [.admin])
        #expect(throws: RegistryError.self) {
            try f.store.recordClockCheck(device: "BWC-1", offsetSeconds: Int.min, dockID: nil, actor: admin)
        }
    }
}
