import CustodyCore
import CustodyDirectory
import CustodyIngest
import CustodyProtocol
import CustodyRecording
import CustodyStore
import CustodyTestSupport
import Foundation
import Logging
import NIOHTTP1
import Testing
@testable import CustodyServer

@Suite("Recording routes")
struct RecordingRoutesTests {
    /// Routes with a recording manager of one courtroom (never started: no session runs here).
    func routes(_ dir: TemporaryDirectory, store: LocalStore) -> ControlRoutes {
        let engine = IngestEngine(store: store, config: IngestConfiguration(), logger: Logger(label: "test"),
                                  drivers: SourceDrivers([DirectoryDriver()]))
        let manager = RecordingManager(
            options: .init(stateDirectory: dir.path + "/state", courtrooms: [CourtroomConfiguration(id: "3", pcm: "hw:CARD=Courtroom3")]),
            store: store, engine: engine, logger: Logger(label: "test"))
        return ControlRoutes(store: store, ingest: engine, stateDirectory: dir.path + "/state", recordings: manager)
    }

    func call(_ routes: ControlRoutes, _ method: HTTPMethod, _ uri: String, body: String = "", roles: Set<Role>) async -> ControlResponse {
        await routes.handle(ControlRequest(method: method, uri: uri, body: Data(body.utf8),
                                           caller: Caller(uid: 2000, gid: 2000, name: "tester", roles: roles)))
    }

    @Test("everyone reads the courtrooms; only operators, supervisors and admins start and stop")
    func roles() async throws {
        let f = try RoutesFixture()
        defer { f.dir.remove() }
        let routes = routes(f.dir, store: f.store)
        for role in Role.allCases {
            let list = await call(routes, .GET, "/v1/recordings", roles: [role])
            #expect(list.status == .ok)
            let dto = try Wire.decoder.decode(RecordingListDTO.self, from: list.body)
            #expect(dto.courtrooms.map(\.courtroom) == ["3"] && dto.courtrooms[0].state == .idle && dto.segments.isEmpty)
            #expect(await call(routes, .GET, "/v1/recordings/3", roles: [role]).status == .ok)
        }
        for method in [HTTPMethod.POST] {
            let start = await call(routes, method, "/v1/recordings", body: #"{"courtroom": "3"}"#, roles: [.auditor])
            #expect(start.status == .forbidden)
            let stop = await call(routes, method, "/v1/recordings/3", body: #"{"action": "stop"}"#, roles: [.auditor])
            #expect(stop.status == .forbidden)
        }
        // An operator asking while the recording service is not running is told so.
        let refused = await call(routes, .POST, "/v1/recordings", body: #"{"courtroom": "3"}"#, roles: [.operator_])
        #expect(refused.status == .serviceUnavailable)
        #expect(try Wire.decoder.decode(ProblemDTO.self, from: refused.body).code == "recording-unavailable")
        // Stopping a courtroom that is not recording leaves it as it is.
        let stop = await call(routes, .POST, "/v1/recordings/3", body: #"{"action": "stop"}"#, roles: [.operator_])
        #expect(stop.status == .ok)
        #expect(try Wire.decoder.decode(CourtroomRecordingDTO.self, from: stop.body).state == .idle)
    }

    @Test("unknown courtrooms are 404 naming those configured; bad bodies 400; no manager 503")
    func refusals() async throws {
        let f = try RoutesFixture()
        defer { f.dir.remove() }
        let routes = routes(f.dir, store: f.store)
        let missing = await call(routes, .POST, "/v1/recordings", body: #"{"courtroom": "9"}"#, roles: [.admin])
        #expect(missing.status == .notFound)
        #expect(try Wire.decoder.decode(ProblemDTO.self, from: missing.body).detail.contains("configured: 3"))
        #expect(await call(routes, .GET, "/v1/recordings/9", roles: [.admin]).status == .notFound)
        #expect(await call(routes, .POST, "/v1/recordings", body: "{}", roles: [.admin]).status == .badRequest)
        #expect(await call(routes, .POST, "/v1/recordings/3", body: #"{"action": "pause"}"#, roles: [.admin]).status == .badRequest)
        #expect(await call(routes, .GET, "/v1/recordings?limit=0", roles: [.admin]).status == .badRequest)
        let none = await f.call(.GET, "/v1/recordings", roles: [.admin])
        #expect(none.status == .serviceUnavailable)
        let put = await call(routes, .PUT, "/v1/recordings/3", roles: [.admin])
        #expect(put.status == .methodNotAllowed && put.headers.contains { $0.0 == "Allow" && $0.1 == "GET, POST" })
    }
}
