/// Why an ingest request was refused, with a stable code the API returns.
public struct IngestError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Code: String, Sendable {
        case badRequest = "bad-request"
        case pathNotAllowed = "path-not-allowed"
        case pathNotFound = "path-not-found"
        case storeFailure = "store-failure"
        /// A job's root (or a directory beneath it) was replaced by a symbolic link or
        /// another file after it was checked: nothing is read through it.
        case sourceReplaced = "source-replaced"
    }
    public var code: Code
    public var message: String
    public init(_ code: Code, _ message: String) { self.code = code; self.message = message }
    public var description: String { message }
}
