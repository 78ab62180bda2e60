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

/// The registry, tagging, holds, retention and gaps routes (listed in
/// RouteTable+Routes.swift). `docs/api/openapi.yaml` documents every one of them.
extension ControlRoutes {
    /// `GET /v1/officers` (`unit`: of one unit).
    func officers(_ call: RouteCall) throws -> ControlResponse {
        .json(OfficerListDTO(officers: try store.officers(unit: call.request.query["unit"]).map(OfficerDTO.init)))
    }

    func equipment() throws -> ControlResponse {
        .json(EquipmentListDTO(equipment: try store.equipment().map(EquipmentDTO.init)))
    }

    func courtrooms() throws -> ControlResponse {
        .json(CourtroomListDTO(courtrooms: try store.courtrooms().map(CourtroomDTO.init)))
    }

    func cases() throws -> ControlResponse {
        .json(CaseListDTO(cases: try store.cases().map(CaseDTO.init)))
    }

    func hearings(_ call: RouteCall) throws -> ControlResponse {
        let request = call.request
        var q = HearingQuery()
        q.from = try dateParameter(request, "from")
        q.to = try dateParameter(request, "to")
        q.courtroom = request.query["courtroom"]
        q.caseNumber = request.query["case"]
        q.limit = try intParameter(request, "limit", default: 1000, range: 1...10000)
        return .json(HearingListDTO(hearings: try store.hearings(q).map(HearingDTO.init)))
    }

    func assignments(_ call: RouteCall) throws -> ControlResponse {
        let request = call.request
        var q = AssignmentQuery()
        q.device = request.query["device"]
        q.officer = request.query["officer"]
        q.at = try dateParameter(request, "at")
        q.limit = try intParameter(request, "limit", default: 1000, range: 1...10000)
        return .json(AssignmentListDTO(assignments: try store.assignments(q).map(AssignmentDTO.init)))
    }

    func checkout(_ call: RouteCall) throws -> ControlResponse {
        let request = call.request
        let body = try decodeBody(CheckoutRequestDTO.self, request, example: #"{"device": "BWC-0042", "officer": "B-1042"}"#)
        return .json(AssignmentDTO(try registered { try store.checkout(device: body.device, badge: body.officer, actor: request.caller) }),
                     status: .created)
    }

    func checkin(_ call: RouteCall) throws -> ControlResponse {
        let request = call.request
        let body = try decodeBody(CheckinRequestDTO.self, request, example: #"{"device": "BWC-0042"}"#)
        return .json(AssignmentDTO(try registered { try store.checkin(device: body.device, actor: request.caller) }))
    }

    func clockCheck(_ call: RouteCall) throws -> ControlResponse {
        let request = call.request
        let body = try decodeBody(ClockCheckRequestDTO.self, request, example: #"{"device": "BWC-0042", "offsetSeconds": 133}"#)
        return .json(ClockCheckDTO(try registered {
            try store.recordClockCheck(device: body.device, offsetSeconds: body.offsetSeconds, dockID: nil, actor: request.caller)
        }), status: .created)
    }

    func tag(_ call: RouteCall) throws -> ControlResponse {
        let request = call.request
        let body = try decodeBody(TagRequestDTO.self, request, example: #"{"item": 12, "officer": "B-1042", "note": "…"}"#)
        let change = TagChange(item: body.item, officer: body.officer, hearing: body.hearing, case: body.case, category: body.category,
                               note: body.note)
        return .json(ItemDTO(try registered { try store.tag(change, categories: Set(tagging.categories.keys), actor: request.caller) }))
    }

    func holds(_ call: RouteCall) throws -> ControlResponse {
        .json(HoldListDTO(holds: try store.holds(activeOnly: call.request.query["all"] != "true").map(HoldDTO.init)))
    }

    func placeHold(_ call: RouteCall) throws -> ControlResponse {
        let request = call.request
        let body = try decodeBody(HoldRequestDTO.self, request, example: #"{"case": "K-17/2026", "reason": "order of 2026-03-20"}"#)
        return .json(HoldDTO(try registered {
            try store.placeHold(item: body.item, caseNumber: body.case, reason: body.reason, actor: request.caller)
        }), status: .created)
    }

    func releaseHold(_ call: RouteCall) throws -> ControlResponse {
        let request = call.request
        let id = try pathID(call.id, "hold")
        let body = try decodeBody(HoldReleaseDTO.self, request, example: #"{"active": false, "reason": "case closed"}"#)
        guard !body.active else { throw ProblemDTO.badRequest("a hold can only be released (\"active\": false); place a new one with POST /v1/holds") }
        return .json(HoldDTO(try registered { try store.releaseHold(id, reason: body.reason, actor: request.caller) }))
    }

    func retentionPlans(_ call: RouteCall) throws -> ControlResponse {
        let limit = try intParameter(call.request, "limit", default: 20, range: 1...1000)
        return .json(RetentionPlanListDTO(plans: try store.retentionPlans(limit: limit).map(RetentionPlanSummaryDTO.init)))
    }

    func makeRetentionPlan(_ call: RouteCall) throws -> ControlResponse {
        .json(RetentionPlanDTO(try store.makeRetentionPlan(periods: tagging.categories, actor: call.request.caller)), status: .created)
    }

    func retentionPlan(_ call: RouteCall) throws -> ControlResponse {
        let id = try pathID(call.id, "retention plan")
        guard let plan = try store.retentionPlan(id) else { throw ProblemDTO.notFound("no retention plan \(id)") }
        return .json(RetentionPlanDTO(plan))
    }

    func applyRetentionPlan(_ call: RouteCall) throws -> ControlResponse {
        let id = try pathID(call.id, "retention plan")
        return .json(RetentionResultDTO(try registered { try store.applyRetentionPlan(id, periods: tagging.categories, actor: call.request.caller) }))
    }

    func gaps(_ call: RouteCall) throws -> ControlResponse {
        let request = call.request
        var q = GapQuery()
        q.from = try dateParameter(request, "from")
        q.to = try dateParameter(request, "to")
        q.limit = try intParameter(request, "limit", default: 1000, range: 1...100_000)
        q.undockedSeconds = tagging.gaps.undockedHours * 3600
        q.clockToleranceSeconds = tagging.gaps.clockToleranceSeconds
        q.holeSeconds = tagging.gaps.holeSeconds
        return .json(GapReportDTO(try store.gaps(q)))
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

    func importFile(_ request: ControlRequest) throws -> ControlResponse {
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
