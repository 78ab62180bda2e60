import Foundation

/// A TOML table: keys and values in document order, each value remembering its line.
public struct TOMLTable: Sendable, Equatable {
    /// The entries in the order their keys first appeared in the document.
    /// Keys are unique in a parsed table; if several equal keys are put here by
    /// hand, lookups find the first.
    public var entries: [(key: String, value: TOMLValue)] {
        didSet { index = Self.makeIndex(entries) }
    }

    /// Line of the table's `[name]` / `[[name]]` header; 1 for the root table.
    /// For a table created by dotted keys (`a.b = 1`) it is the line of the first
    /// such key; for an inline table, the line of its `{`.
    public var line: Int

    /// Key → position in `entries`.
    private var index: [String: Int]

    public init(entries: [(key: String, value: TOMLValue)] = [], line: Int = 1) {
        self.entries = entries
        self.line = line
        self.index = Self.makeIndex(entries)
    }

    /// The value stored under `key` (a single key, not a dotted path).
    public subscript(key: String) -> TOMLValue? {
        guard let i = index[key] else { return nil }
        return entries[i].value
    }

    /// The keys in document order.
    public var keys: [String] { entries.map(\.key) }

    /// Whether the table has no entries.
    public var isEmpty: Bool { entries.isEmpty }

    /// Follows a path of keys through nested tables, e.g. `["ingest", "concurrency"]`.
    public func value(at path: [String]) -> TOMLValue? {
        guard let first = path.first, let value = self[first] else { return nil }
        if path.count == 1 { return value }
        guard case .table(let inner) = value.kind else { return nil }
        return inner.value(at: Array(path.dropFirst()))
    }

    public static func == (lhs: TOMLTable, rhs: TOMLTable) -> Bool {
        guard lhs.line == rhs.line, lhs.entries.count == rhs.entries.count else { return false }
        for (l, r) in zip(lhs.entries, rhs.entries) where l.key != r.key || l.value != r.value {
            return false
        }
        return true
    }

    private static func makeIndex(_ entries: [(key: String, value: TOMLValue)]) -> [String: Int] {
        var index: [String: Int] = [:]
        index.reserveCapacity(entries.count)
        for (i, entry) in entries.enumerated() where index[entry.key] == nil {
            index[entry.key] = i
        }
        return index
    }
}
