import CustodyCore
import CustodyProtocol
import NIOHTTP1

/// One operation of the control API: its method, its path template (as written in
/// `docs/api/openapi.yaml`, `{id}` standing for one path segment), the roles that may
/// call it, and what answers it.
public struct Route: Sendable, Equatable {
    public let method: String
    public let template: String
    public let roles: Set<Role>
    let handler: RouteHandler

    /// A route answered by blocking work (the store): run through ``BlockingDoor/store``.
    static func blocking(_ method: HTTPMethod, _ path: String, _ roles: Set<Role>,
                         _ answer: @escaping @Sendable (ControlRoutes, RouteCall) throws -> ControlResponse) -> Route {
        Route(method: method.rawValue, template: path, roles: roles, handler: .blocking(answer))
    }

    static func blocking(_ method: HTTPMethod, _ path: APIPathTemplate, _ roles: Set<Role>,
                         _ answer: @escaping @Sendable (ControlRoutes, RouteCall) throws -> ControlResponse) -> Route {
        blocking(method, path.text, roles, answer)
    }

    /// A route whose answer awaits other parts of the daemon (ingest, recording); it
    /// passes its own store work through the door.
    static func suspending(_ method: HTTPMethod, _ path: String, _ roles: Set<Role>,
                           _ answer: @escaping @Sendable (ControlRoutes, RouteCall) async throws -> ControlResponse) -> Route {
        Route(method: method.rawValue, template: path, roles: roles, handler: .suspending(answer))
    }

    static func suspending(_ method: HTTPMethod, _ path: APIPathTemplate, _ roles: Set<Role>,
                           _ answer: @escaping @Sendable (ControlRoutes, RouteCall) async throws -> ControlResponse) -> Route {
        suspending(method, path.text, roles, answer)
    }

    /// The same operation: method, template and roles (handlers are not compared).
    public static func == (a: Route, b: Route) -> Bool {
        a.method == b.method && a.template == b.template && a.roles == b.roles
    }

    /// The template's segments (`/v1/jobs/{id}` → `v1`, `jobs`, `{id}`).
    var segments: [Substring] { template.split(separator: "/") }
}

/// What answers a route.
enum RouteHandler: Sendable {
    /// Synchronous work that may wait for the disk: the dispatch runs it, with the role
    /// check, on ``BlockingDoor/store``'s threads.
    case blocking(@Sendable (ControlRoutes, RouteCall) throws -> ControlResponse)
    /// Work that awaits; it runs on the caller's task and passes its store work through the door.
    case suspending(@Sendable (ControlRoutes, RouteCall) async throws -> ControlResponse)
}

/// A request matched to its route: the request and its path's id, if the template has one.
struct RouteCall: Sendable {
    let request: ControlRequest
    /// The path's segment where the template has `{id}` (empty when it has none).
    let id: String
}

/// The control API's one route table: every operation, who may call it and what
/// answers it (the list is in RouteTable+Routes.swift). Dispatch, the role check (before
/// any handler runs), 404 and 405 with its `Allow` header are all derived from it;
/// `docs/api/openapi.yaml`'s `x-custody-roles` says the same
/// (`system-tests/integration/test_openapi.py` calls every operation as every role and holds the
/// daemon to the document).
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

    /// The call for a matched route: the path's segment where its template has `{id}`.
    static func call(_ route: Route, _ request: ControlRequest) -> RouteCall {
        let segments = request.path.split(separator: "/")
        let index = route.segments.firstIndex(of: Substring(APIPathTemplate.placeholder))
        return RouteCall(request: request, id: index.map { String(segments[$0]) } ?? "")
    }
}
