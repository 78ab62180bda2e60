import CustodyCore
import CustodyIngest
import CustodyLogging
import CustodyMetrics
import CustodyProtocol
import CustodyStore
import Foundation
import Logging
import NIOHTTP1

/// What the control API needs to run the daemon as a service: its metrics, the
/// free-space gate and the shared log level.
public struct ControlOperations: Sendable {
    public let metrics: MetricsRegistry
    public let space: FreeSpaceGate
    public let logLevels: LogLevelControl

    public init(metrics: MetricsRegistry, space: FreeSpaceGate, logLevels: LogLevelControl) {
        self.metrics = metrics
        self.space = space
        self.logLevels = logLevels
    }

    /// Defaults for routes run on their own (tests): an empty registry, the state
    /// directory's free space with the default limits, level info.
    public static func standalone(stateDirectory: String) -> ControlOperations {
        ControlOperations(metrics: MetricsRegistry(), space: FreeSpaceGate(path: stateDirectory, limits: .init()),
                          logLevels: LogLevelControl())
    }
}

extension ControlRoutes {
    /// Paths outside `/v1`, with their methods: `/metrics`, where Prometheus looks.
    static let unversionedMethods: [String: [String]] = ["/metrics": ["GET"]]

    static let metricsReaders: Set<Role> = [.auditor, .admin]
    static let admins: Set<Role> = [.admin]

    /// The answer for a path outside `/v1`, or nil when it is not one of them.
    func unversioned(_ request: ControlRequest) async -> ControlResponse? {
        guard let allowed = Self.unversionedMethods[request.path] else { return nil }
        do {
            switch (request.method, request.path) {
            case (.GET, API.metrics):
                try authorize(request, Self.metricsReaders)
                let text = try operations.metrics.exposition()
                return ControlResponse(contentType: MetricsRegistry.contentType, body: Data(text.utf8))
            default:
                var response = ControlResponse.problem(ProblemDTO(
                    status: 405, code: "method-not-allowed", title: "Method not allowed",
                    detail: "\(request.method.rawValue) is not allowed on \(request.path); use \(allowed.joined(separator: " or "))"))
                response.headers.append(("Allow", allowed.joined(separator: ", ")))
                return response
            }
        } catch let problem as ProblemDTO {
            return .problem(problem)
        } catch {
            return .problem(.internalError("\(error)"))
        }
    }

    /// `GET /v1/log-level`.
    func logLevel() -> ControlResponse {
        .json(LogLevelDTO(level: operations.logLevels.level.rawValue))
    }

    /// `PUT /v1/log-level` with `{"level": "debug"}`: recorded as a `daemon.log-level`
    /// custody event, then applied to every logger of the daemon.
    func setLogLevel(_ request: ControlRequest) throws -> ControlResponse {
        let body: LogLevelDTO
        do {
            body = try RequestBody.decode(LogLevelDTO.self, from: request.body)
        } catch {
            throw ProblemDTO.badRequest("the body must be JSON like {\"level\": \"debug\"}: \(Self.describe(error))")
        }
        guard let level = Logger.Level(rawValue: body.level) else {
            throw ProblemDTO.badRequest("level must be one of \(LogLevelDTO.levels.joined(separator: ", ")), not \"\(body.level)\"")
        }
        let previous = operations.logLevels.level
        try store.record(EventInput(actor: request.caller, action: "daemon.log-level", subject: "daemon",
                                    detail: ["from": .string(previous.rawValue), "to": .string(level.rawValue)]))
        operations.logLevels.level = level
        return .json(LogLevelDTO(level: level.rawValue))
    }

    /// Free space for `GET /v1/status`; nil when the file system cannot be measured.
    func spaceStatus() -> SpaceDTO? {
        guard let (sample, condition) = try? operations.space.current() else { return nil }
        let limits = operations.space.limits
        return SpaceDTO(freeBytes: sample.freeBytes, totalBytes: sample.totalBytes, warnBelowBytes: limits.warnBelowBytes,
                        pauseBelowBytes: limits.pauseBelowBytes, resumeAboveBytes: limits.resumeAboveBytes,
                        state: condition.rawValue)
    }
}
