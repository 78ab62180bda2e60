/// Why an ingest request was refused, with a stable code the API returns.
public struct IngestError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Code: String, Sendable {
        case badRequest = "bad-request"
        case pathNotAllowed = "path-not-allowed"
        case pathNotFound = "path-not-found"
        case storeFailure = "store-failure"
    }
    public var code: Code
    public var message: String
    public init(_ code: Code, _ message: String) { self.code = code; self.message = message }
    public var description: String { message }
}
