import Foundation

/// One TOML value together with the line it was written on.
///
/// `line` is 1-based. For a `key = value` pair it is the line of the key (which is
/// always the line where the value starts); for an array element it is the line
/// where the element starts; for a table created by a `[header]` it is the header's
/// line; for an array of tables it is the line of its first `[[header]]`.
public struct TOMLValue: Sendable, Equatable {
    /// What the value is.
    public enum Kind: Sendable, Equatable {
        case string(String)
        case integer(Int64)
        case float(Double)
        case boolean(Bool)
        /// An offset date-time, local date-time, local date or local time,
        /// kept exactly as written (its shape and ranges are validated).
        case dateTime(String)
        case array([TOMLValue])
        case table(TOMLTable)
    }

    public var kind: Kind
    /// 1-based line where the value (or its key) starts.
    public var line: Int

    public init(_ kind: Kind, line: Int) {
        self.kind = kind
        self.line = line
    }

    /// The TOML name of the value's type, for messages: "string", "integer",
    /// "float", "boolean", "date-time", "array" or "table".
    public var typeName: String { kind.typeName }

    /// The string, if this is a string.
    public var stringValue: String? {
        if case .string(let s) = kind { return s }
        return nil
    }

    /// The integer, if this is an integer.
    public var integerValue: Int64? {
        if case .integer(let i) = kind { return i }
        return nil
    }

    /// The float, if this is a float.
    public var floatValue: Double? {
        if case .float(let d) = kind { return d }
        return nil
    }

    /// The boolean, if this is a boolean.
    public var booleanValue: Bool? {
        if case .boolean(let b) = kind { return b }
        return nil
    }

    /// The date-time as written, if this is a date-time.
    public var dateTimeValue: String? {
        if case .dateTime(let s) = kind { return s }
        return nil
    }

    /// The elements, if this is an array (including an array of tables).
    public var arrayValue: [TOMLValue]? {
        if case .array(let a) = kind { return a }
        return nil
    }

    /// The table, if this is a table (a `[header]` table, a dotted-key table or an inline table).
    public var tableValue: TOMLTable? {
        if case .table(let t) = kind { return t }
        return nil
    }
}

extension TOMLValue.Kind {
    /// The TOML name of this kind, for messages.
    public var typeName: String {
        switch self {
        case .string: return "string"
        case .integer: return "integer"
        case .float: return "float"
        case .boolean: return "boolean"
        case .dateTime: return "date-time"
        case .array: return "array"
        case .table: return "table"
        }
    }
}
