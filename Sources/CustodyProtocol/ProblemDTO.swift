/// An error answer, `application/problem+json` (RFC 9457), with a stable `code`.
public struct ProblemDTO: Sendable, Codable, Equatable, Error {
    /// A URI naming the problem type: `urn:custody:problem:<code>`.
    public var type: String
    public var title: String
    public var status: Int
    public var detail: String
    /// Stable machine-readable code, e.g. `forbidden`, `not-found`, `bad-request`.
    public var code: String

    public init(status: Int, code: String, title: String, detail: String) {
        self.type = "urn:custody:problem:\(code)"
        self.title = title
        self.status = status
        self.detail = detail
        self.code = code
    }
}
