/// An error answer, `application/problem+json` (RFC 9457), with a stable `code`.
public struct ProblemDTO: Sendable, Codable, Equatable, Error {
    /// A URI naming the problem type: `urn:custody:problem:<code>`.
    public var type: String
    public var title: String
    public var status: Int
    public var detail: String
    /// Stable machine-readable code, e.g. `forbidden`, `not-found`, `bad-request`.
    public var code: String
    /// Every bad line and field of a rejected input (an import), when there are several.
    public var errors: [FieldErrorDTO]?

    public init(status: Int, code: String, title: String, detail: String, errors: [FieldErrorDTO]? = nil) {
        self.type = "urn:custody:problem:\(code)"
        self.title = title
        self.status = status
        self.detail = detail
        self.code = code
        self.errors = errors
    }
}

/// One bad line and field of an input file.
public struct FieldErrorDTO: Sendable, Codable, Equatable {
    /// 1-based line of the file where the row (or calendar property) starts.
    public var line: Int
    /// The column or property, when the problem is in one.
    public var field: String?
    public var value: String?
    public var message: String
    public init(line: Int, field: String?, value: String?, message: String) {
        self.line = line; self.field = field; self.value = value; self.message = message
    }

    /// "line 4, field from: ..." as a report prints it.
    public var text: String {
        var s = "line \(line)"
        if let field { s += ", field \(field)" }
        if let value { s += " (\"\(value)\")" }
        return s + ": " + message
    }
}
