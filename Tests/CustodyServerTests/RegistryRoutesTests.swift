import CustodyCore
import CustodyProtocol
import CustodyStore
import Foundation
import NIOHTTP1
import Testing
@testable import CustodyServer

@Suite("Registry routes")
struct RegistryRoutesTests {
    static func importBody(_ kind: String, _ text: String) -> String {
        String(decoding: try! Wire.encoder().encode(ImportRequestDTO(kind: kind, format: nil, name: "\(kind).csv", content: text)), as: UTF8.self)
    }

    @Test("imports and tags are for supervisors; checkouts for operators too; reads for everyone")
    func roles() async throws {
        let f = try RoutesFixture()
        defer { f.dir.remove() }
        let officers = Self.importBody("officers", "badge,name,unit\nB-1,Ana,North\n")
        #expect(await f.call(.POST, "/v1/imports", body: officers, roles: [.operator_]).status == .forbidden)
        #expect(await f.call(.POST, "/v1/imports", body: officers, roles: [.auditor]).status == .forbidden)
        #expect(await f.call(.POST, "/v1/imports", body: officers, roles: [.supervisor]).status == .ok)
        #expect(await f.call(.POST, "/v1/imports", body: Self.importBody("devices", "serial\nPOOL-1\n"), roles: [.supervisor]).status == .ok)
        #expect(await f.call(.POST, "/v1/tags", body: #"{"item": 1, "note": "x"}"#, roles: [.operator_]).status == .forbidden)
        #expect(await f.call(.POST, "/v1/checkouts", body: #"{"device": "POOL-1", "officer": "B-1"}"#, roles: [.auditor]).status == .forbidden)
        #expect(await f.call(.POST, "/v1/checkouts", body: #"{"device": "POOL-1", "officer": "B-1"}"#, roles: [.operator_]).status == .created)
        #expect(await f.call(.POST, "/v1/retention", roles: [.operator_]).status == .forbidden)
        #expect(await f.call(.POST, "/v1/retention", roles: [.auditor]).status == .created)
        #expect(await f.call(.POST, "/v1/retention/1", roles: [.auditor]).status == .forbidden)
        for path in ["/v1/officers", "/v1/equipment", "/v1/courtrooms", "/v1/cases", "/v1/hearings", "/v1/assignments", "/v1/holds",
                     "/v1/retention", "/v1/retention/1", "/v1/gaps"] {
            #expect(await f.call(.GET, path, roles: [.operator_]).status == .ok, "\(path)")
        }
    }

    @Test("a refused import is a 422 problem naming every bad line and field")
    func refusedImport() async throws {
        let f = try RoutesFixture()
        defer { f.dir.remove() }
        let r = await f.call(.POST, "/v1/imports", body: Self.importBody("officers", "badge,name,unit\n,Ana,North\nB-2,,South\n"),
                             roles: [.supervisor])
        #expect(r.status.code == 422)
        let p = try f.problem(r)
        #expect(p.code == "invalid-import" && p.errors?.map(\.line) == [2, 3] && p.errors?.map(\.field) == ["badge", "name"])
        #expect(p.detail == """
            officers.csv: 2 problems on 2 lines; nothing was imported
              line 2, field badge: empty; it is required
              line 3, field name: empty; it is required
            """)
        #expect(try f.store.officers(unit: nil).isEmpty)
    }

    @Test("the registry's paths answer 405 with Allow for other methods, 404 below them")
    func methods() async throws {
        let f = try RoutesFixture()
        defer { f.dir.remove() }
        let r = await f.call(.DELETE, "/v1/holds/3", roles: [.admin])
        #expect(r.status == .methodNotAllowed && r.headers.contains { $0 == ("Allow", "PATCH") })
        #expect(await f.call(.GET, "/v1/imports", roles: [.admin]).headers.contains { $0 == ("Allow", "POST") })
        #expect(await f.call(.GET, "/v1/officers/B-1", roles: [.admin]).status == .notFound)
    }
}
