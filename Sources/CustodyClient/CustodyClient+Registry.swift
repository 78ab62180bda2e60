import CustodyProtocol
import Foundation

/// The registry, tagging, holds, retention and gaps paths of `docs/api/openapi.yaml`.
extension CustodyClient {
    public func officers(unit: String? = nil) throws(ClientError) -> OfficerListDTO {
        try get(API.officers + Self.queryString(unit.map { [("unit", $0)] } ?? []))
    }
    public func equipment() throws(ClientError) -> EquipmentListDTO { try get(API.equipment) }
    public func courtrooms() throws(ClientError) -> CourtroomListDTO { try get(API.courtrooms) }
    public func cases() throws(ClientError) -> CaseListDTO { try get(API.cases) }
    public func hearings(_ query: [(String, String)]) throws(ClientError) -> HearingListDTO { try get(API.hearings + Self.queryString(query)) }
    public func assignments(_ query: [(String, String)]) throws(ClientError) -> AssignmentListDTO {
        try get(API.assignments + Self.queryString(query))
    }
    public func importFile(_ request: ImportRequestDTO) throws(ClientError) -> ImportReportDTO {
        try call("POST", API.imports, body: try encode(request))
    }
    public func checkout(device: String, officer: String) throws(ClientError) -> AssignmentDTO {
        try call("POST", API.checkouts, body: try encode(CheckoutRequestDTO(device: device, officer: officer)))
    }
    public func checkin(device: String) throws(ClientError) -> AssignmentDTO {
        try call("POST", API.checkins, body: try encode(CheckinRequestDTO(device: device)))
    }
    public func clockCheck(device: String, offsetSeconds: Int) throws(ClientError) -> ClockCheckDTO {
        try call("POST", API.clocks, body: try encode(ClockCheckRequestDTO(device: device, offsetSeconds: offsetSeconds)))
    }
    public func tag(_ request: TagRequestDTO) throws(ClientError) -> ItemDTO { try call("POST", API.tags, body: try encode(request)) }
    public func holds(all: Bool = false) throws(ClientError) -> HoldListDTO { try get(API.holds + (all ? "?all=true" : "")) }
    public func placeHold(_ request: HoldRequestDTO) throws(ClientError) -> HoldDTO { try call("POST", API.holds, body: try encode(request)) }
    public func releaseHold(_ id: Int64, reason: String) throws(ClientError) -> HoldDTO {
        try call("PATCH", API.hold(id), body: try encode(HoldReleaseDTO(active: false, reason: reason)))
    }
    public func retentionPlans(limit: Int = 20) throws(ClientError) -> RetentionPlanListDTO { try get(API.retention + "?limit=\(limit)") }
    public func makeRetentionPlan() throws(ClientError) -> RetentionPlanDTO { try call("POST", API.retention, body: Data()) }
    public func retentionPlan(_ id: Int64) throws(ClientError) -> RetentionPlanDTO { try get(API.retentionPlan(id)) }
    public func applyRetentionPlan(_ id: Int64) throws(ClientError) -> RetentionResultDTO {
        try call("POST", API.retentionPlan(id), body: Data())
    }
    public func gaps(_ query: [(String, String)]) throws(ClientError) -> GapReportDTO { try get(API.gaps + Self.queryString(query)) }
}
