import CustodyCore
import CustodyProtocol
import CustodyStore
import Foundation
import NIOHTTP1

/// What the registry routes need from the configuration.
public struct TaggingPolicy: Sendable, Equatable {
    /// `[retention.categories]`: days per category (0: kept for ever).
    public var categories: [String: Int]
    public var gaps: DaemonConfig.Gaps
    public init(retention: DaemonConfig.Retention = .init(), gaps: DaemonConfig.Gaps = .init()) {
        self.categories = retention.categories
        self.gaps = gaps
    }
}

/// The registry, tagging, holds, retention and gaps routes. `docs/api/openapi.yaml`
/// documents every one of them.
extension ControlRoutes {
    /// The methods of each registry resource, by its first segment and segment count.
    static let registryMethods: [String: [Int: [String]]] = [
        "officers": [1: ["GET"]],
        "equipment": [1: ["GET"]],
        "courtrooms": [1: ["GET"]],
        "cases": [1: ["GET"]],
        "hearings": [1: ["GET"]],
        "assignments": [1: ["GET"]],
        "imports": [1: ["POST"]],
        "checkouts": [1: ["POST"]],
        "checkins": [1: ["POST"]],
        "clocks": [1: ["POST"]],
        "tags": [1: ["POST"]],
        "holds": [1: ["GET", "POST"], 2: ["PATCH"]],
        "retention": [1: ["GET", "POST"], 2: ["GET", "POST"]],
        "gaps": [1: ["GET"]],
    ]

    static let supervisors: Set<Role> = [.supervisor, .admin]
    static let planners: Set<Role> = [.supervisor, .auditor, .admin]

    /// Answers a registry request, or nil when the path is not one of these.
    func registryRoute(_ request: ControlRequest, _ route: [String]) async throws -> ControlResponse? {
        switch (request.method, route.count, route.first) {
        case (.GET, 1, "officers"):
            try authorize(request, Self.anyRole)
            return .json(OfficerListDTO(officers: try registry().officers(unit: request.query["unit"])))
        case (.GET, 1, "equipment"):
            try authorize(request, Self.anyRole)
            return .json(EquipmentListDTO(equipment: try registry().equipment()))
        case (.GET, 1, "courtrooms"):
            try authorize(request, Self.anyRole)
            return .json(CourtroomListDTO(courtrooms: try registry().courtrooms()))
        case (.GET, 1, "cases"):
            try authorize(request, Self.anyRole)
            return .json(CaseListDTO(cases: try registry().cases()))
        case (.GET, 1, "hearings"):
            try authorize(request, Self.anyRole)
            var q = HearingQuery()
            q.from = try dateParameter(request, "from")
            q.to = try dateParameter(request, "to")
            q.courtroom = request.query["courtroom"]
            q.caseNumber = request.query["case"]
            q.limit = try intParameter(request, "limit", default: 1000, range: 1...10000)
            return .json(HearingListDTO(hearings: try registry().hearings(q)))
        case (.GET, 1, "assignments"):
            try authorize(request, Self.anyRole)
            var q = AssignmentQuery()
            q.device = request.query["device"]
            q.officer = request.query["officer"]
            q.at = try dateParameter(request, "at")
            q.limit = try intParameter(request, "limit", default: 1000, range: 1...10000)
            return .json(AssignmentListDTO(assignments: try registry().assignments(q)))
        case (.POST, 1, "imports"):
            try authorize(request, Self.supervisors)
            return try importFile(request)
        case (.POST, 1, "checkouts"):
            try authorize(request, Self.ingesters)
            let body = try decode(CheckoutRequestDTO.self, request, example: #"{"device": "BWC-0042", "officer": "B-1042"}"#)
            return .json(try registered { try registry().checkout(device: body.device, badge: body.officer, actor: request.caller) },
                         status: .created)
        case (.POST, 1, "checkins"):
            try authorize(request, Self.ingesters)
            let body = try decode(CheckinRequestDTO.self, request, example: #"{"device": "BWC-0042"}"#)
            return .json(try registered { try registry().checkin(device: body.device, actor: request.caller) })
        case (.POST, 1, "clocks"):
            try authorize(request, Self.ingesters)
            let body = try decode(ClockCheckRequestDTO.self, request, example: #"{"device": "BWC-0042", "offsetSeconds": 133}"#)
            return .json(try registered {
                try registry().recordClockCheck(device: body.device, offsetSeconds: body.offsetSeconds, dockID: nil, actor: request.caller)
            }, status: .created)
        case (.POST, 1, "tags"):
            try authorize(request, Self.supervisors)
            let body = try decode(TagRequestDTO.self, request, example: #"{"item": 12, "officer": "B-1042", "note": "…"}"#)
            return .json(try registered { try registry().tag(body, categories: Set(tagging.categories.keys), actor: request.caller) })
        case (.GET, 1, "holds"):
            try authorize(request, Self.anyRole)
            return .json(HoldListDTO(holds: try registry().holds(activeOnly: request.query["all"] != "true")))
        case (.POST, 1, "holds"):
            try authorize(request, Self.supervisors)
            let body = try decode(HoldRequestDTO.self, request, example: #"{"case": "K-17/2026", "reason": "order of 2026-03-20"}"#)
            return .json(try registered { try registry().placeHold(item: body.item, caseNumber: body.case, reason: body.reason, actor: request.caller) },
                         status: .created)
        case (.PATCH, 2, "holds"):
            try authorize(request, Self.supervisors)
            let id = try pathID(route[1], "hold")
            let body = try decode(HoldReleaseDTO.self, request, example: #"{"active": false, "reason": "case closed"}"#)
            guard !body.active else { throw ProblemDTO.badRequest("a hold can only be released (\"active\": false); place a new one with POST /v1/holds") }
            return .json(try registered { try registry().releaseHold(id, reason: body.reason, actor: request.caller) })
        case (.GET, 1, "retention"):
            try authorize(request, Self.anyRole)
            let limit = try intParameter(request, "limit", default: 20, range: 1...1000)
            return .json(RetentionPlanListDTO(plans: try registry().retentionPlans(limit: limit)))
        case (.POST, 1, "retention"):
            try authorize(request, Self.planners)
            return .json(try registry().makeRetentionPlan(periods: tagging.categories, actor: request.caller), status: .created)
        case (.GET, 2, "retention"):
            try authorize(request, Self.anyRole)
            let id = try pathID(route[1], "retention plan")
            guard let plan = try registry().retentionPlan(id) else { throw ProblemDTO.notFound("no retention plan \(id)") }
            return .json(plan)
        case (.POST, 2, "retention"):
            try authorize(request, Self.supervisors)
            let id = try pathID(route[1], "retention plan")
            return .json(try registered { try registry().applyRetentionPlan(id, periods: tagging.categories, actor: request.caller) })
        case (.GET, 1, "gaps"):
            try authorize(request, Self.anyRole)
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

    private func decode<T: Decodable>(_ type: T.Type, _ request: ControlRequest, example: String) throws -> T {
        do {
            return try RequestBody.decode(T.self, from: request.body)
        } catch {
            throw ProblemDTO.badRequest("the body must be JSON like \(example): \(Self.describe(error))")
        }
    }

    private func importFile(_ request: ControlRequest) throws -> ControlResponse {
        let body = try decode(ImportRequestDTO.self, request,
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
