import CustodyProtocol
import Foundation

extension CustodyClient {
    /// `GET /v1/log-level`.
    public func logLevel() throws(ClientError) -> LogLevelDTO { try get(API.logLevel) }

    /// `PUT /v1/log-level` (admin).
    public func setLogLevel(_ level: String) throws(ClientError) -> LogLevelDTO {
        try call("PUT", API.logLevel, body: try encode(LogLevelDTO(level: level)))
    }

    /// `GET /metrics` (auditor, admin): the Prometheus text exposition, as sent.
    public func metrics() throws(ClientError) -> String {
        let reply = try http.send(method: "GET", path: API.metrics, body: nil)
        guard reply.status == 200 else {
            if let problem = try? Wire.decoder.decode(ProblemDTO.self, from: reply.body) { throw ClientError(problem.detail) }
            throw ClientError("custodyd answered \(reply.status)")
        }
        return String(decoding: reply.body, as: UTF8.self)
    }
}
