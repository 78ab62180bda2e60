import CustodyCore
import CustodyModel
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
            return .json(OfficerListDTO(officers: try store.officers(unit: request.query["unit"]).map(OfficerDTO.init)))
        case ("GET", "/v1/equipment"):
            return .json(EquipmentListDTO(equipment: try store.equipment().map(EquipmentDTO.init)))
        case ("GET", "/v1/courtrooms"):
            return .json(CourtroomListDTO(courtrooms: try store.courtrooms().map(CourtroomDTO.init)))
        case ("GET", "/v1/cases"):
            return .json(CaseListDTO(cases: try store.cases().map(CaseDTO.init)))
        case ("GET", "/v1/hearings"):
            var q = HearingQuery()
            q.from = try dateParameter(request, "from")
            q.to = try dateParameter(request, "to")
            q.courtroom = request.query["courtroom"]
            q.caseNumber = request.query["case"]
            q.limit = try intParameter(request, "limit", default: 1000, range: 1...10000)
            return .json(HearingListDTO(hearings: try store.hearings(q).map(HearingDTO.init)))
        case ("GET", "/v1/assignments"):
            var q = AssignmentQuery()
            q.device = request.query["device"]
            q.officer = request.query["officer"]
            q.at = try dateParameter(request, "at")
            q.limit = try intParameter(request, "limit", default: 1000, range: 1...10000)
            return .json(AssignmentListDTO(assignments: try store.assignments(q).map(AssignmentDTO.init)))
        case ("POST", "/v1/imports"):
            return try importFile(request)
        case ("POST", "/v1/checkouts"):
            let body = try decodeBody(CheckoutRequestDTO.self, request, example: #"{"device": "BWC-0042", "officer": "B-1042"}"#)
            return .json(AssignmentDTO(try registered { try store.checkout(device: body.device, badge: body.officer, actor: request.caller) }),
                         status: .created)
        case ("POST", "/v1/checkins"):
            let body = try decodeBody(CheckinRequestDTO.self, request, example: #"{"device": "BWC-0042"}"#)
            return .json(AssignmentDTO(try registered { try store.checkin(device: body.device, actor: request.caller) }))
        case ("POST", "/v1/clocks"):
            let body = try decodeBody(ClockCheckRequestDTO.self, request, example: #"{"device": "BWC-0042", "offsetSeconds": 133}"#)
            return .json(ClockCheckDTO(try registered {
                try store.recordClockCheck(device: body.device, offsetSeconds: body.offsetSeconds, dockID: nil, actor: request.caller)
            }), status: .created)
        case ("POST", "/v1/tags"):
            let body = try decodeBody(TagRequestDTO.self, request, example: #"{"item": 12, "officer": "B-1042", "note": "…"}"#)
            let change = TagChange(item: body.item, officer: body.officer, hearing: body.hearing, case: body.case, category: body.category,
                                   note: body.note)
            return .json(ItemDTO(try registered { try store.tag(change, categories: Set(tagging.categories.keys), actor: request.caller) }))
        case ("GET", "/v1/holds"):
            return .json(HoldListDTO(holds: try store.holds(activeOnly: request.query["all"] != "true").map(HoldDTO.init)))
        case ("POST", "/v1/holds"):
            let body = try decodeBody(HoldRequestDTO.self, request, example: #"{"case": "K-17/2026", "reason": "order of 2026-03-20"}"#)
            return .json(HoldDTO(try registered {
                try store.placeHold(item: body.item, caseNumber: body.case, reason: body.reason, actor: request.caller)
            }), status: .created)
        case ("PATCH", "/v1/holds/{id}"):
            let id = try pathID(segments[1], "hold")
            let body = try decodeBody(HoldReleaseDTO.self, request, example: #"{"active": false, "reason": "case closed"}"#)
            guard !body.active else { throw ProblemDTO.badRequest("a hold can only be released (\"active\": false); place a new one with POST /v1/holds") }
            return .json(HoldDTO(try registered { try store.releaseHold(id, reason: body.reason, actor: request.caller) }))
        case ("GET", "/v1/retention"):
            let limit = try intParameter(request, "limit", default: 20, range: 1...1000)
            return .json(RetentionPlanListDTO(plans: try store.retentionPlans(limit: limit).map(RetentionPlanSummaryDTO.init)))
        case ("POST", "/v1/retention"):
            return .json(RetentionPlanDTO(try store.makeRetentionPlan(periods: tagging.categories, actor: request.caller)), status: .created)
        case ("GET", "/v1/retention/{id}"):
            let id = try pathID(segments[1], "retention plan")
            guard let plan = try store.retentionPlan(id) else { throw ProblemDTO.notFound("no retention plan \(id)") }
            return .json(RetentionPlanDTO(plan))
        case ("POST", "/v1/retention/{id}"):
            let id = try pathID(segments[1], "retention plan")
            return .json(RetentionResultDTO(try registered { try store.applyRetentionPlan(id, periods: tagging.categories, actor: request.caller) }))
        case ("GET", "/v1/gaps"):
            var q = GapQuery()
            q.from = try dateParameter(request, "from")
            q.to = try dateParameter(request, "to")
            q.limit = try intParameter(request, "limit", default: 1000, range: 1...100_000)
            q.undockedSeconds = tagging.gaps.undockedHours * 3600
            q.clockToleranceSeconds = tagging.gaps.clockToleranceSeconds
            q.holeSeconds = tagging.gaps.holeSeconds
            return .json(GapReportDTO(try store.gaps(q)))
        default:
            return nil
        }
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
            return ProblemDTO(status: 422, code: "invalid-import", title: "Import refused", detail: error.description,
                              errors: error.errors.map(FieldErrorDTO.init))
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
        return .json(ImportReportDTO(try registered { try store.importRegistry(file, actor: request.caller) }))
    }
}

extension FieldErrorDTO {
    /// A bad line of a registry file as a problem lists it.
    init(_ error: FieldError) { self.init(line: error.line, field: error.field, value: error.value, message: error.message) }
}
