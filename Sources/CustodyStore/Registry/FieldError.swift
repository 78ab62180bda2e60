/// One bad line and field of a registry file.
public struct FieldError: Sendable, Equatable {
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
