import Foundation

/// Reads one table for configuration code, remembering which keys were read so
/// that `finish()` can report the first unknown key with its line.
///
/// ```swift
/// let r = TOMLTableReader(table, path: "ingest")
/// let concurrency = try r.integer("concurrency")   // nil if absent
/// try r.finish()                                    // "line 9: key 'ingest.concurency': unknown key"
/// ```
///
/// Every accessor returns nil when the key is absent and throws `TOMLDecodeError`
/// (naming the line and the full dotted key) when its value has another type.
/// A copy of a reader shares the record of read keys with the original.
public struct TOMLTableReader: Sendable {
    /// The table being read.
    public let table: TOMLTable
    /// Dotted path of the table for messages: "" for the root, "ingest", "courtroom[2]".
    public let path: String
    private let readKeys = ReadKeys()

    public init(_ table: TOMLTable, path: String) {
        self.table = table
        self.path = path
    }

    /// The full dotted path of `key` in this table, e.g. "ingest.concurrency".
    public func keyPath(_ key: String) -> String {
        TOMLKeyPath.join(path, key)
    }

    /// The line of `key`, or of the table when the key is absent.
    public func line(of key: String) -> Int {
        table[key]?.line ?? table.line
    }

    /// An error about `key` at its line, for checks the reader cannot make itself
    /// (ranges, formats): `throw r.error("concurrency", "must be between 1 and 64")`.
    public func error(_ key: String, _ message: String) -> TOMLDecodeError {
        TOMLDecodeError(line: line(of: key), key: keyPath(key), message: message)
    }

    /// The raw value of `key`, marking it read.
    public func value(_ key: String) -> TOMLValue? {
        readKeys.insert(key)
        return table[key]
    }

    public func string(_ key: String) throws(TOMLDecodeError) -> String? {
        guard let v = value(key) else { return nil }
        guard case .string(let s) = v.kind else { throw mismatch(key, v, expected: "string") }
        return s
    }

    public func integer(_ key: String) throws(TOMLDecodeError) -> Int64? {
        guard let v = value(key) else { return nil }
        guard case .integer(let n) = v.kind else { throw mismatch(key, v, expected: "integer") }
        return n
    }

    /// A float; an integer is accepted too (`timeout = 5` means 5.0).
    public func float(_ key: String) throws(TOMLDecodeError) -> Double? {
        guard let v = value(key) else { return nil }
        switch v.kind {
        case .float(let d): return d
        case .integer(let n): return Double(n)
        default: throw mismatch(key, v, expected: "float")
        }
    }

    public func boolean(_ key: String) throws(TOMLDecodeError) -> Bool? {
        guard let v = value(key) else { return nil }
        guard case .boolean(let b) = v.kind else { throw mismatch(key, v, expected: "boolean") }
        return b
    }

    /// A date-time, kept as written.
    public func dateTime(_ key: String) throws(TOMLDecodeError) -> String? {
        guard let v = value(key) else { return nil }
        guard case .dateTime(let s) = v.kind else { throw mismatch(key, v, expected: "date-time") }
        return s
    }

    /// An array whose elements are all strings.
    public func strings(_ key: String) throws(TOMLDecodeError) -> [String]? {
        guard let elements = try array(key, expected: "array of strings") else { return nil }
        var out: [String] = []
        for (i, e) in elements.enumerated() {
            guard case .string(let s) = e.kind else { throw elementMismatch(key, i, e, expected: "string") }
            out.append(s)
        }
        return out
    }

    /// An array whose elements are all integers.
    public func integers(_ key: String) throws(TOMLDecodeError) -> [Int64]? {
        guard let elements = try array(key, expected: "array of integers") else { return nil }
        var out: [Int64] = []
        for (i, e) in elements.enumerated() {
            guard case .integer(let n) = e.kind else { throw elementMismatch(key, i, e, expected: "integer") }
            out.append(n)
        }
        return out
    }

    /// An array of any values.
    public func array(_ key: String) throws(TOMLDecodeError) -> [TOMLValue]? {
        try array(key, expected: "array")
    }

    private func array(_ key: String, expected: String) throws(TOMLDecodeError) -> [TOMLValue]? {
        guard let v = value(key) else { return nil }
        guard case .array(let a) = v.kind else { throw mismatch(key, v, expected: expected) }
        return a
    }

    /// A table (`[key]` section, dotted keys or inline table).
    public func table(_ key: String) throws(TOMLDecodeError) -> TOMLTable? {
        guard let v = value(key) else { return nil }
        guard case .table(let t) = v.kind else { throw mismatch(key, v, expected: "table") }
        return t
    }

    /// An array of tables (`[[key]]` sections, or an array of inline tables).
    public func tables(_ key: String) throws(TOMLDecodeError) -> [TOMLTable]? {
        guard let v = value(key) else { return nil }
        guard case .array(let elements) = v.kind else { throw mismatch(key, v, expected: "array of tables") }
        var out: [TOMLTable] = []
        for (i, e) in elements.enumerated() {
            guard case .table(let t) = e.kind else { throw elementMismatch(key, i, e, expected: "table") }
            out.append(t)
        }
        return out
    }

    /// A reader for the table under `key`, with path "<path>.<key>".
    public func reader(_ key: String) throws(TOMLDecodeError) -> TOMLTableReader? {
        guard let t = try table(key) else { return nil }
        return TOMLTableReader(t, path: keyPath(key))
    }

    /// Readers for the array of tables under `key`, with paths "<path>.<key>[0]", "[1]", ...
    /// (0-based, in document order).
    public func readers(_ key: String) throws(TOMLDecodeError) -> [TOMLTableReader]? {
        guard let ts = try tables(key) else { return nil }
        let base = keyPath(key)
        return ts.enumerated().map { TOMLTableReader($1, path: "\(base)[\($0)]") }
    }

    /// The keys of the table that no accessor has read, in document order.
    public var unreadKeys: [String] {
        let read = readKeys.snapshot()
        return table.keys.filter { !read.contains($0) }
    }

    /// Throws for the first key (in document order) that was never read: an unknown key.
    public func finish() throws(TOMLDecodeError) {
        guard let key = unreadKeys.first else { return }
        throw TOMLDecodeError(line: line(of: key), key: keyPath(key), message: "unknown key")
    }

    // MARK: - Errors

    private func mismatch(_ key: String, _ v: TOMLValue, expected: String) -> TOMLDecodeError {
        TOMLDecodeError(line: v.line, key: keyPath(key), message: "expected \(expected), found \(v.typeName)")
    }

    private func elementMismatch(_ key: String, _ index: Int, _ e: TOMLValue, expected: String) -> TOMLDecodeError {
        TOMLDecodeError(line: e.line, key: "\(keyPath(key))[\(index)]",
                        message: "expected \(expected), found \(e.typeName)")
    }
}

/// The set of keys a reader (and its copies) has read. Locked, so readers are Sendable.
private final class ReadKeys: @unchecked Sendable {
    private let lock = NSLock()
    private var keys: Set<String> = []

    func insert(_ key: String) {
        lock.lock()
        keys.insert(key)
        lock.unlock()
    }

    func snapshot() -> Set<String> {
        lock.lock()
        defer { lock.unlock() }
        return keys
    }
}
