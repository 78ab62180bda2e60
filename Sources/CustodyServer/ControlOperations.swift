import CustodyCore
import CustodyIngest
import CustodyLogging
import CustodyMetrics
import CustodyModel
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
    /// `GET /v1/log-level`.
    func logLevel() -> ControlResponse {
        .json(LogLevelDTO(level: operations.logLevels.level.rawValue))
    }

    /// `PUT /v1/log-level` with `{"level": "debug"}`: recorded as a `daemon.log-level`
    /// custody event, then applied to every logger of the daemon.
    func setLogLevel(_ request: ControlRequest) throws -> ControlResponse {
        let body = try decodeBody(LogLevelDTO.self, request, example: #"{"level": "debug"}"#)
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
