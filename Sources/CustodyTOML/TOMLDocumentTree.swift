import Foundation

// The mutable tree the parser builds while reading a document. Each table node
// remembers how it was created, which decides how TOML 1.0 lets it be extended:
//
// - `[a.b]` may define a table only once; it may also define a table that an
//   earlier header created implicitly as a parent (`[a.b.c]` before `[a.b]`).
// - Dotted keys (`a.b = 1`) create tables that later headers may not define,
//   though headers may still add sub-tables to them (`[a.c]`).
// - Dotted keys may not add keys to a table defined by a header or an array of
//   tables, and nothing may extend an inline table or a static array.
//
// When parsing ends the tree is frozen into `TOMLTable` values.

/// How a table node came to exist.
enum TOMLTableOrigin {
    /// The document's root table.
    case root
    /// Created as a parent of a header (`a` for `[a.b]`), not yet defined.
    case implicit
    /// Defined by its own `[header]`.
    case header
    /// Created by a dotted key (`a.b = 1` creates `a`).
    case dotted
    /// One element of an array of tables (`[[a]]`).
    case arrayElement
    /// An inline table being parsed (`{ ... }`); once parsed it is stored frozen.
    case inline
}

/// What a key of a table node holds.
enum TOMLSlot {
    /// A finished value: scalar, static array or inline table. Never extended.
    case value(TOMLValue)
    /// A table that headers or dotted keys may still extend.
    case table(TOMLTableNode)
    /// An array of tables built by `[[header]]`s.
    case arrayOfTables(TOMLArrayOfTablesNode)

    /// The line where the slot's key was first defined.
    var line: Int {
        switch self {
        case .value(let v): return v.line
        case .table(let t): return t.line
        case .arrayOfTables(let a): return a.line
        }
    }

    /// "a string defined on line 3", "a table defined by its [a] header on line 1", ...
    var description: String {
        switch self {
        case .value(let v):
            switch v.kind {
            case .table: return "an inline table defined on line \(v.line)"
            case .array: return "an array defined on line \(v.line)"
            case .integer: return "an integer defined on line \(v.line)"
            default: return "a \(v.typeName) defined on line \(v.line)"
            }
        case .table(let t):
            switch t.origin {
            case .header: return "a table defined by its [\(TOMLKeyPath.render(t.path))] header on line \(t.line)"
            case .dotted: return "a table defined by dotted keys on line \(t.line)"
            case .arrayElement: return "a table of an array of tables defined on line \(t.line)"
            case .inline: return "an inline table defined on line \(t.line)"
            case .root, .implicit: return "a table created on line \(t.line)"
            }
        case .arrayOfTables(let a):
            return "an array of tables defined on line \(a.line)"
        }
    }
}

/// A table under construction.
final class TOMLTableNode {
    var origin: TOMLTableOrigin
    /// Header line (or first dotted key's line, or `{` line); 1 for the root.
    var line: Int
    /// Absolute key path, for messages (elements of an array of tables share the array's path).
    let path: [String]
    private(set) var keys: [String] = []
    private(set) var slots: [TOMLSlot] = []
    private var index: [String: Int] = [:]

    init(origin: TOMLTableOrigin, line: Int, path: [String]) {
        self.origin = origin
        self.line = line
        self.path = path
    }

    subscript(key: String) -> TOMLSlot? {
        guard let i = index[key] else { return nil }
        return slots[i]
    }

    /// Adds a key that is not yet present.
    func insert(_ key: String, _ slot: TOMLSlot) {
        index[key] = slots.count
        keys.append(key)
        slots.append(slot)
    }

    /// The finished table.
    func freeze() -> TOMLTable {
        var entries: [(key: String, value: TOMLValue)] = []
        entries.reserveCapacity(slots.count)
        for (key, slot) in zip(keys, slots) {
            entries.append((key, slot.freeze()))
        }
        return TOMLTable(entries: entries, line: line)
    }
}

/// An array of tables under construction.
final class TOMLArrayOfTablesNode {
    /// Line of the first `[[header]]`.
    let line: Int
    var tables: [TOMLTableNode] = []

    init(line: Int) {
        self.line = line
    }
}

extension TOMLSlot {
    func freeze() -> TOMLValue {
        switch self {
        case .value(let v):
            return v
        case .table(let t):
            return TOMLValue(.table(t.freeze()), line: t.line)
        case .arrayOfTables(let a):
            let elements = a.tables.map { TOMLValue(.table($0.freeze()), line: $0.line) }
            return TOMLValue(.array(elements), line: a.line)
        }
    }
}

/// One segment of a key as written, with the byte offset where it starts.
struct TOMLKeySegment {
    var name: String
    var offset: Int
}

extension TOMLParser {
    /// `[key]`: finds or creates the table the header defines.
    mutating func defineTable(_ key: [TOMLKeySegment], line: Int) throws(TOMLError) -> TOMLTableNode {
        let parent = try walkHeaderParents(key, line: line, what: "table")
        let last = key[key.count - 1]
        let path = key.map(\.name)
        guard let existing = parent[last.name] else {
            let node = TOMLTableNode(origin: .header, line: line, path: path)
            parent.insert(last.name, .table(node))
            return node
        }
        if case .table(let node) = existing, node.origin == .implicit {
            node.origin = .header
            node.line = line
            return node
        }
        throw source.error(at: last.offset,
                           "cannot define table '\(TOMLKeyPath.render(path))': it is already \(existing.description)")
    }

    /// `[[key]]`: appends a new table to the array of tables the header names.
    mutating func appendArrayTable(_ key: [TOMLKeySegment], line: Int) throws(TOMLError) -> TOMLTableNode {
        let parent = try walkHeaderParents(key, line: line, what: "array of tables")
        let last = key[key.count - 1]
        let path = key.map(\.name)
        let node = TOMLTableNode(origin: .arrayElement, line: line, path: path)
        guard let existing = parent[last.name] else {
            let array = TOMLArrayOfTablesNode(line: line)
            array.tables.append(node)
            parent.insert(last.name, .arrayOfTables(array))
            return node
        }
        if case .arrayOfTables(let array) = existing {
            array.tables.append(node)
            return node
        }
        throw source.error(at: last.offset,
                           "cannot define array of tables '\(TOMLKeyPath.render(path))': it is already \(existing.description)")
    }

    /// Walks (creating implicit tables as needed) to the table that holds the header's last key.
    private mutating func walkHeaderParents(_ key: [TOMLKeySegment], line: Int, what: String) throws(TOMLError) -> TOMLTableNode {
        var table = root
        for i in 0..<(key.count - 1) {
            let segment = key[i]
            switch table[segment.name] {
            case nil:
                let node = TOMLTableNode(origin: .implicit, line: line, path: key[...i].map(\.name))
                table.insert(segment.name, .table(node))
                table = node
            case .table(let node)?:
                table = node
            case .arrayOfTables(let array)?:
                // Sub-tables of an array of tables go into its last element.
                table = array.tables[array.tables.count - 1]
            case .value(let v)?:
                throw source.error(at: segment.offset,
                                   "cannot define \(what) '\(TOMLKeyPath.render(key.map(\.name)))': "
                                   + "'\(TOMLKeyPath.render(key[...i].map(\.name)))' is \(TOMLSlot.value(v).description)")
            }
        }
        return table
    }

    /// `key = value` inside `table`: walks or creates the dotted parents, then stores the value.
    mutating func insert(_ key: [TOMLKeySegment], value: TOMLValue, into table: TOMLTableNode) throws(TOMLError) {
        var node = table
        for i in 0..<(key.count - 1) {
            let segment = key[i]
            switch node[segment.name] {
            case nil:
                let child = TOMLTableNode(origin: .dotted, line: value.line, path: node.path + [segment.name])
                node.insert(segment.name, .table(child))
                node = child
            case .table(let child)? where child.origin == .dotted || child.origin == .implicit:
                child.origin = .dotted
                node = child
            case let slot?:
                let full = table.path + key.map(\.name)
                let prefix = table.path + key[...i].map(\.name)
                throw source.error(at: segment.offset,
                                   "cannot add key '\(TOMLKeyPath.render(full))': "
                                   + "'\(TOMLKeyPath.render(prefix))' is \(slot.description)")
            }
        }
        let last = key[key.count - 1]
        if let existing = node[last.name] {
            let full = table.path + key.map(\.name)
            throw source.error(at: last.offset,
                               "duplicate key '\(TOMLKeyPath.render(full))' (already defined on line \(existing.line))")
        }
        node.insert(last.name, .value(value))
    }
}
