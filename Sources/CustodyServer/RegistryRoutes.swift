import CustodyCore
import CustodyProtocol
import CustodyStore
import Foundation
import NIOHTTP1

/// What the registry routes need from the configuration.
public struct TaggingPolicy: Sendable, Equatable {
    /// `[retention.categories]`: days per category (0: kept for ever).
    public var categories: [String: Int]
    public var gaps: GapsConfiguration
    public init(retention: RetentionConfiguration = .init(), gaps: GapsConfiguration = .init()) {
        self.categories = retention.categories
        self.gaps = gaps
    }
}

/// The registry, tagging, holds, retention and gaps routes. `docs/api/openapi.yaml`
/// documents every one of them.
extension ControlRoutes {
    /// Answers a registry operation (its roles already checked), or nil when the route is not one of these.
    func registryRoute(_ route: Route, _ segments: [String], _ request: ControlRequest) async throws -> ControlResponse? {
        switch (route.method, route.template) {
        case ("GET", "/v1/officers"):
            return .json(OfficerListDTO(officers: try registry().officers(unit: request.query["unit"])))
        case ("GET", "/v1/equipment"):
            return .json(EquipmentListDTO(equipment: try registry().equipment()))
        case ("GET", "/v1/courtrooms"):
            return .json(CourtroomListDTO(courtrooms: try registry().courtrooms()))
        case ("GET", "/v1/cases"):
            return .json(CaseListDTO(cases: try registry().cases()))
        case ("GET", "/v1/hearings"):
            var q = HearingQuery()
            q.from = try dateParameter(request, "from")
            q.to = try dateParameter(request, "to")
            q.courtroom = request.query["courtroom"]
            q.caseNumber = request.query["case"]
            q.limit = try intParameter(request, "limit", default: 1000, range: 1...10000)
            return .json(HearingListDTO(hearings: try registry().hearings(q)))
        case ("GET", "/v1/assignments"):
            var q = AssignmentQuery()
            q.device = request.query["device"]
            q.officer = request.query["officer"]
            q.at = try dateParameter(request, "at")
            q.limit = try intParameter(request, "limit", default: 1000, range: 1...10000)
            return .json(AssignmentListDTO(assignments: try registry().assignments(q)))
        case ("POST", "/v1/imports"):
            return try importFile(request)
        case ("POST", "/v1/checkouts"):
            let body = try decodeBody(CheckoutRequestDTO.self, request, example: #"{"device": "BWC-0042", "officer": "B-1042"}"#)
            return .json(try registered { try registry().checkout(device: body.device, badge: body.officer, actor: request.caller) },
                         status: .created)
        case ("POST", "/v1/checkins"):
            let body = try decodeBody(CheckinRequestDTO.self, request, example: #"{"device": "BWC-0042"}"#)
            return .json(try registered { try registry().checkin(device: body.device, actor: request.caller) })
        case ("POST", "/v1/clocks"):
            let body = try decodeBody(ClockCheckRequestDTO.self, request, example: #"{"device": "BWC-0042", "offsetSeconds": 133}"#)
            return .json(try registered {
                try registry().recordClockCheck(device: body.device, offsetSeconds: body.offsetSeconds, dockID: nil, actor: request.caller)
            }, status: .created)
        case ("POST", "/v1/tags"):
            let body = try decodeBody(TagRequestDTO.self, request, example: #"{"item": 12, "officer": "B-1042", "note": "…"}"#)
            return .json(try registered { try registry().tag(body, categories: Set(tagging.categories.keys), actor: request.caller) })
        case ("GET", "/v1/holds"):
            return .json(HoldListDTO(holds: try registry().holds(activeOnly: request.query["all"] != "true")))
        case ("POST", "/v1/holds"):
            let body = try decodeBody(HoldRequestDTO.self, request, example: #"{"case": "K-17/2026", "reason": "order of 2026-03-20"}"#)
            return .json(try registered { try registry().placeHold(item: body.item, caseNumber: body.case, reason: body.reason, actor: request.caller) },
                         status: .created)
        case ("PATCH", "/v1/holds/{id}"):
            let id = try pathID(segments[1], "hold")
            let body = try decodeBody(HoldReleaseDTO.self, request, example: #"{"active": false, "reason": "case closed"}"#)
            guard !body.active else { throw ProblemDTO.badRequest("a hold can only be released (\"active\": false); place a new one with POST /v1/holds") }
            return .json(try registered { try registry().releaseHold(id, reason: body.reason, actor: request.caller) })
        case ("GET", "/v1/retention"):
            let limit = try intParameter(request, "limit", default: 20, range: 1...1000)
            return .json(RetentionPlanListDTO(plans: try registry().retentionPlans(limit: limit)))
        case ("POST", "/v1/retention"):
            return .json(try registry().makeRetentionPlan(periods: tagging.categories, actor: request.caller), status: .created)
        case ("GET", "/v1/retention/{id}"):
            let id = try pathID(segments[1], "retention plan")
            guard let plan = try registry().retentionPlan(id) else { throw ProblemDTO.notFound("no retention plan \(id)") }
            return .json(plan)
        case ("POST", "/v1/retention/{id}"):
            let id = try pathID(segments[1], "retention plan")
            return .json(try registered { try registry().applyRetentionPlan(id, periods: tagging.categories, actor: request.caller) })
        case ("GET", "/v1/gaps"):
            var q = GapQuery()
            q.from = try dateParameter(request, "from")
            q.to = try dateParameter(request, "to")
            q.limit = try intParameter(request, "limit", default: 1000, range: 1...100_000)
            q.undockedSeconds = tagging.gaps.undockedHours * 3600
            q.clockToleranceSeconds = tagging.gaps.clockToleranceSeconds
            q.holeSeconds = tagging.gaps.holeSeconds
            return .json(try registry().gaps(q))
        default:
            return nil
        }
    }

    private func registry() throws -> any RegistryStore {
        guard let registry = store as? any RegistryStore else {
            throw ProblemDTO(status: 503, code: "no-registry", title: "No registry", detail: "this daemon's store keeps no registry")
        }
        return registry
    }

    /// Runs a registry call, turning its refusals into problems.
    private func registered<T>(_ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch let error as RegistryError {
            throw Self.problem(error)
        }
    }

    static func problem(_ error: RegistryError) -> ProblemDTO {
        switch error.code {
        case .badRequest: return .badRequest(error.message)
        case .notFound: return .notFound(error.message)
        case .conflict: return ProblemDTO(status: 409, code: "conflict", title: "Conflict", detail: error.message)
        case .invalidImport:
            return ProblemDTO(status: 422, code: "invalid-import", title: "Import refused", detail: error.description, errors: error.errors)
        }
    }

    private func importFile(_ request: ControlRequest) throws -> ControlResponse {
        let body = try decodeBody(ImportRequestDTO.self, request,
                              example: #"{"kind": "officers", "name": "officers.csv", "contentBase64": "…"}"#)
        let bytes: [UInt8]
        switch (body.content, body.contentBase64) {
        case (let text?, nil): bytes = Array(text.utf8)
        case (nil, let encoded?):
            guard let data = Data(base64Encoded: encoded) else { throw ProblemDTO.badRequest("contentBase64 is not valid base64") }
            bytes = Array(data)
        default: throw ProblemDTO.badRequest("give the file as content (text) or contentBase64, one of the two")
        }
        let file: RegistryImport
        switch RegistryImport.parse(kind: body.kind, format: body.format, name: body.name, bytes: bytes) {
        case .success(let parsed): file = parsed
        case .failure(let failure): throw ProblemDTO.badRequest(failure.summary)
        }
        return .json(try registered { try registry().importRegistry(file, actor: request.caller) })
    }
}
