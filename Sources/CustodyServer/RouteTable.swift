import CustodyCore
import NIOHTTP1

/// One operation of the control API: its method, its path template (as written in
/// `docs/api/openapi.yaml`, `{id}` standing for one path segment) and the roles that
/// may call it.
public struct Route: Sendable, Equatable {
    public let method: String
    public let template: String
    public let roles: Set<Role>

    init(_ method: HTTPMethod, _ template: String, _ roles: Set<Role>) {
        self.method = method.rawValue
        self.template = template
        self.roles = roles
    }

    /// The template's segments (`/v1/jobs/{id}` → `v1`, `jobs`, `{id}`).
    var segments: [Substring] { template.split(separator: "/") }
}

/// Every operation of the control API and who may call it: the one place a route's
/// roles are decided. The routes authorize from this table before any handler runs,
/// 405 answers derive their `Allow` header from it, and `docs/api/openapi.yaml`'s
/// `x-custody-roles` says the same (`system-tests/integration/test_openapi.py` calls every
/// operation as every role and holds the daemon to the document).
public enum RouteTable {
    static let anyRole: Set<Role> = Set(Role.allCases)
    /// Who starts ingest jobs, checks devices out and in, records clocks and courtrooms.
    static let ingesters: Set<Role> = [.operator_, .supervisor, .admin]
    /// Who reads the custody events, directly or as the inclusion proofs that carry them.
    static let auditReaders: Set<Role> = [.supervisor, .auditor, .admin]
    /// Who may export evidence for court (and so read stored files).
    static let exporters: Set<Role> = [.supervisor, .auditor, .admin]
    /// Who changes the registry, tags and holds, and applies retention.
    static let supervisors: Set<Role> = [.supervisor, .admin]
    /// Who makes retention plans (what would be deleted, and why).
    static let planners: Set<Role> = [.supervisor, .auditor, .admin]
    /// Who reads the Prometheus metrics.
    static let metricsReaders: Set<Role> = [.auditor, .admin]
    static let admins: Set<Role> = [.admin]

    public static let routes: [Route] = [
        Route(.GET, "/v1/status", anyRole),
        Route(.GET, "/v1/jobs", anyRole),
        Route(.POST, "/v1/jobs", ingesters),
        Route(.GET, "/v1/jobs/{id}", anyRole),
        Route(.GET, "/v1/items", anyRole),
        Route(.GET, "/v1/items/{id}", anyRole),
        Route(.GET, "/v1/events", auditReaders),
        Route(.GET, "/v1/devices", anyRole),
        Route(.GET, "/v1/ledger", anyRole),
        Route(.GET, "/v1/checkpoints", anyRole),
        Route(.POST, "/v1/checkpoints", anyRole),
        Route(.POST, "/v1/verify", auditReaders),
        // An item's inclusion proofs carry every custody event of the item in full.
        Route(.GET, "/v1/proofs", auditReaders),
        Route(.POST, "/v1/exports", exporters),
        Route(.POST, "/v1/exports/{id}/abandon", exporters),
        Route(.GET, "/v1/blobs/{id}", exporters),
        Route(.GET, "/v1/log-level", anyRole),
        Route(.PUT, "/v1/log-level", admins),
        Route(.GET, "/v1/recordings", anyRole),
        Route(.POST, "/v1/recordings", ingesters),
        Route(.GET, "/v1/recordings/{id}", anyRole),
        Route(.POST, "/v1/recordings/{id}", ingesters),
        Route(.GET, "/v1/officers", anyRole),
        Route(.GET, "/v1/equipment", anyRole),
        Route(.GET, "/v1/courtrooms", anyRole),
        Route(.GET, "/v1/cases", anyRole),
        Route(.GET, "/v1/hearings", anyRole),
        Route(.GET, "/v1/assignments", anyRole),
        Route(.POST, "/v1/imports", supervisors),
        Route(.POST, "/v1/checkouts", ingesters),
        Route(.POST, "/v1/checkins", ingesters),
        Route(.POST, "/v1/clocks", ingesters),
        Route(.POST, "/v1/tags", supervisors),
        Route(.GET, "/v1/holds", anyRole),
        Route(.POST, "/v1/holds", supervisors),
        Route(.PATCH, "/v1/holds/{id}", supervisors),
        Route(.GET, "/v1/retention", anyRole),
        Route(.POST, "/v1/retention", planners),
        Route(.GET, "/v1/retention/{id}", anyRole),
        Route(.POST, "/v1/retention/{id}", supervisors),
        Route(.GET, "/v1/gaps", anyRole),
        Route(.GET, "/metrics", metricsReaders),
    ]

    /// What a request's method and path lead to.
    public enum Match: Sendable, Equatable {
        /// The operation, and the path's segments below `/v1` (`jobs`, `12`).
        case found(Route, [String])
        /// A path of the API asked with a method it does not have: the methods it has.
        case methodNotAllowed([String])
        case notFound
    }

    /// The operation for `method` on `path` (segments split on `/`, empty ones ignored).
    public static func match(method: HTTPMethod, path: String) -> Match {
        let segments = path.split(separator: "/")
        let shaped = routes.filter { route in
            let pattern = route.segments
            return pattern.count == segments.count && zip(pattern, segments).allSatisfy { $0 == "{id}" || $0 == $1 }
        }
        guard !shaped.isEmpty else { return .notFound }
        guard let route = shaped.first(where: { $0.method == method.rawValue }) else {
            return .methodNotAllowed(shaped.map(\.method))
        }
        let below = segments.first == "v1" ? segments.dropFirst() : segments[...]
        return .found(route, below.map(String.init))
    }
}
