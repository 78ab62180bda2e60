import CustodyProtocol
import Foundation

/// The control API, typed: one method per path of `docs/api/openapi.yaml`.
public struct CustodyClient: Sendable {
    public static let defaultSocket = "/run/custody/control.sock"
    public let http: UnixHTTPClient

    public init(socketPath: String) { http = UnixHTTPClient(socketPath: socketPath) }

    public func status() throws(ClientError) -> StatusDTO { try get(API.status) }
    public func startIngest(_ request: IngestRequestDTO) throws(ClientError) -> JobDTO {
        try call("POST", API.jobs, body: try encode(request))
    }
    public func jobs(limit: Int = 50) throws(ClientError) -> JobListDTO { try get(API.jobs + "?limit=\(limit)") }
    public func job(_ id: Int64, files: Bool = true) throws(ClientError) -> JobDTO { try get(API.job(id) + (files ? "" : "?files=false")) }
    public func items(_ query: [(String, String)]) throws(ClientError) -> ItemListDTO { try get(API.items + Self.queryString(query)) }
    public func item(_ id: Int64) throws(ClientError) -> ItemDTO { try get(API.item(id)) }
    public func events(_ query: [(String, String)]) throws(ClientError) -> EventListDTO { try get(API.events + Self.queryString(query)) }
    /// The live event stream: custody events after `after` (nil: from now on) unless
    /// `events` is false, and state changes. A refusal throws with its status.
    public func eventStream(after: Int64? = nil, events: Bool = true) throws(ClientError) -> EventStreamReader {
        var query: [(String, String)] = []
        if let after { query.append(("after", String(after))) }
        if !events { query.append(("events", "false")) }
        return try EventStreamReader(client: http, path: API.eventStream + Self.queryString(query))
    }

    /// The live state changes alone (which kinds of state changed), which every role may read.
    public func changeStream() throws(ClientError) -> EventStreamReader {
        try EventStreamReader(client: http, path: API.changeStream)
    }

    public func devices(all: Bool = false) throws(ClientError) -> DeviceListDTO { try get(API.devices + (all ? "?all=true" : "")) }

    public func ledger() throws(ClientError) -> LedgerDTO { try get(API.ledger) }
    public func makeCheckpoint() throws(ClientError) -> CheckpointDTO { try call("POST", API.checkpoints, body: Data()) }
    public func verify(full: Bool) throws(ClientError) -> VerificationDTO {
        try call("POST", API.verify, body: try encode(VerifyRequestDTO(full: full)))
    }

    public func itemProofs(_ item: Int64) throws(ClientError) -> ItemProofsDTO { try get(API.proofs + "?item=\(item)") }
    public func consistency(from: Int, to: Int) throws(ClientError) -> ConsistencyProofDTO {
        try get(API.proofs + "?from=\(from)&to=\(to)")
    }

    /// Records an export and returns the bundle to write.
    public func export(_ request: ExportRequestDTO) throws(ClientError) -> ExportPlanDTO {
        try call("POST", API.exports, body: try encode(request))
    }

    /// Records that export `id`'s bundle was not written, and why.
    public func abandonExport(_ id: Int64, reason: String) throws(ClientError) -> ExportAbandonDTO {
        try call("POST", API.exportAbandon(id), body: try encode(ExportAbandonRequestDTO(reason: reason)))
    }

    /// Streams a stored file of an export to `sink`.
    public func downloadBlob(_ sha256: String, export: Int64, sink: (UnsafeRawBufferPointer) throws -> Void) throws {
        let reply = try http.download(path: API.blob(sha256) + "?export=\(export)", sink: sink)
        guard (200..<300).contains(reply.status) else {
            if let problem = try? Wire.decoder.decode(ProblemDTO.self, from: reply.body) {
                throw ClientError(problem.detail.isEmpty ? problem.title : problem.detail)
            }
            throw ClientError("custodyd answered \(reply.status)")
        }
    }

    func get<T: Decodable>(_ path: String) throws(ClientError) -> T { try call("GET", path, body: nil) }

    func call<T: Decodable>(_ method: String, _ path: String, body: Data?) throws(ClientError) -> T {
        let reply = try http.send(method: method, path: path, body: body)
        guard (200..<300).contains(reply.status) else {
            if let problem = try? Wire.decoder.decode(ProblemDTO.self, from: reply.body) {
                throw ClientError(problem.detail.isEmpty ? problem.title : problem.detail)
            }
            throw ClientError("custodyd answered \(reply.status)")
        }
        do {
            return try Wire.decoder.decode(T.self, from: reply.body)
        } catch {
            throw ClientError("custodyd's answer to \(method) \(path) did not parse: \(error)")
        }
    }

    func encode(_ value: some Encodable) throws(ClientError) -> Data {
        do { return try Wire.encoder().encode(value) } catch { throw ClientError("cannot encode the request: \(error)") }
    }

    static func queryString(_ query: [(String, String)]) -> String {
        guard !query.isEmpty else { return "" }
        var allowed = CharacterSet.urlQueryAllowed
        allowed.remove(charactersIn: "&=+?#")
        return "?" + query.map { "\($0.0)=\($0.1.addingPercentEncoding(withAllowedCharacters: allowed) ?? $0.1)" }.joined(separator: "&")
    }
}
