import CustodyCore
import CustodyModel
import CustodyProtocol
import Foundation
import NIOHTTP1

/// A request as the routes see it: whole body read, query decoded, caller known.
public struct ControlRequest: Sendable {
    public var method: HTTPMethod
    /// The request target as received (percent-encoded), for ``textProblem()``.
    public var uri: String
    public var path: String
    public var query: [String: String]
    public var body: Data
    public var caller: Caller
    /// The request's headers (the event stream reads `Last-Event-ID`).
    public var headers: HTTPHeaders

    public init(method: HTTPMethod, uri: String, body: Data, caller: Caller, headers: HTTPHeaders = HTTPHeaders()) {
        self.method = method
        self.uri = uri
        self.body = body
        self.caller = caller
        self.headers = headers
        let parts = uri.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false)
        self.path = String(parts.first ?? "").removingPercentEncoding ?? String(parts.first ?? "")
        var query: [String: String] = [:]
        if parts.count > 1 {
            for pair in parts[1].split(separator: "&") {
                let kv = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
                let key = Self.decode(kv[0])
                query[key] = kv.count > 1 ? Self.decode(kv[1]) : ""
            }
        }
        self.query = query
    }

    private static func decode(_ s: Substring) -> String {
        let plusDecoded = s.replacingOccurrences(of: "+", with: " ")
        return plusDecoded.removingPercentEncoding ?? plusDecoded
    }
}

/// A response: status, content type, body.
public struct ControlResponse: Sendable {
    public var status: HTTPResponseStatus
    public var contentType: String
    public var body: Data
    /// Headers besides Content-Type, Content-Length and Connection (e.g. Allow).
    public var headers: [(String, String)] = []
    /// A file sent as the body instead of `body`, read in chunks as it is written.
    public var file: ResponseFile?
    /// A live event stream sent as the body instead of `body`, until it ends.
    public var stream: EventStreamPlan?

    public init(status: HTTPResponseStatus = .ok, contentType: String = API.jsonContentType, body: Data) {
        self.status = status
        self.contentType = contentType
        self.body = body
    }

    /// A JSON body.
    public static func json(_ value: some Encodable, status: HTTPResponseStatus = .ok) -> ControlResponse {
        do {
            return ControlResponse(status: status, body: try Wire.encoder().encode(value))
        } catch {
            return problem(ProblemDTO(status: 500, code: "internal", title: "Internal error", detail: "cannot encode the answer: \(error)"))
        }
    }

    /// An `application/problem+json` body (RFC 9457).
    public static func problem(_ p: ProblemDTO) -> ControlResponse {
        let body = (try? Wire.encoder().encode(p)) ?? Data()
        return ControlResponse(status: HTTPResponseStatus(statusCode: p.status), contentType: API.problemContentType, body: body)
    }
}

/// A file answered as a response body.
public struct ResponseFile: Sendable {
    public var path: String
    public var size: Int64
    /// Called when the file could not be sent whole (bytes sent, and why): the client
    /// went away or the file could not be read.
    public var onIncomplete: (@Sendable (Int64, String) -> Void)?
    public init(path: String, size: Int64) { self.path = path; self.size = size }
}

extension ProblemDTO {
    static func badRequest(_ detail: String) -> ProblemDTO { ProblemDTO(status: 400, code: "bad-request", title: "Bad request", detail: detail) }
    static func notFound(_ detail: String) -> ProblemDTO { ProblemDTO(status: 404, code: "not-found", title: "Not found", detail: detail) }
    static func forbidden(_ detail: String) -> ProblemDTO { ProblemDTO(status: 403, code: "forbidden", title: "Forbidden", detail: detail) }
    static func internalError(_ detail: String) -> ProblemDTO { ProblemDTO(status: 500, code: "internal", title: "Internal error", detail: detail) }
}
