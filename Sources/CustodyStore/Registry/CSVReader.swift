import CustodyModel

/// A CSV file with a header row (RFC 4180: quoted fields may hold commas, quotes as
/// `""` and line breaks). UTF-8; a byte-order mark is skipped; the delimiter is a
/// comma, or a semicolon when the header has semicolons and no commas (as some
/// spreadsheets export). Blank lines are skipped; fields are trimmed of spaces.
public struct CSVTable: Sendable, Equatable {
    /// Column names as written (trimmed), in order.
    public var header: [String]
    public var rows: [Row]

    public struct Row: Sendable, Equatable {
        /// 1-based line where the row starts.
        public var line: Int
        /// Fields by column name (lower-cased header).
        public var fields: [String: String]
    }
}

public enum CSVReader {
    /// Parses `text`; every malformed row is reported, not just the first.
    public static func parse(_ text: String) -> (table: CSVTable, errors: [FieldError]) {
        var records = records(of: text)
        var errors = records.errors
        let badLines = Set(errors.map(\.line))
        guard !records.rows.isEmpty else {
            return (CSVTable(header: [], rows: []), errors + [FieldError(line: 1, field: nil, value: nil, message: "the file is empty: a header row is needed")])
        }
        let head = records.rows.removeFirst()
        let header = head.fields
        // A NUL cannot be kept in the index (SQLite ends text there): its line is refused, naming the column.
        if header.contains(where: { $0.utf8.contains(0) }) {
            return (CSVTable(header: [], rows: []), errors + [FieldError(line: head.line, field: nil, value: nil,
                                                                          message: "the header holds U+0000 (NUL), which cannot be kept")])
        }
        var rows: [CSVTable.Row] = []
        var seen: [String: Int] = [:]
        for name in header {
            let key = name.lowercased()
            if key.isEmpty { errors.append(FieldError(line: head.line, field: nil, value: nil, message: "the header has an empty column name")) }
            if let first = seen[key] {
                errors.append(FieldError(line: head.line, field: name, value: nil, message: "column \(name) appears twice (columns \(first + 1) and \(seen.count + 1))"))
            }
            seen[key] = seen[key] ?? seen.count
        }
        for record in records.rows where !record.lines.contains(where: badLines.contains) {
            if record.fields.count != header.count {
                let n = record.fields.count
                errors.append(FieldError(line: record.line, field: nil, value: nil,
                                            message: "\(n) field\(n == 1 ? "" : "s"), but the header has \(header.count) columns"))
                continue
            }
            let nul = zip(header, record.fields).filter { $0.1.utf8.contains(0) }.map(\.0)
            guard nul.isEmpty else {
                for name in nul {
                    errors.append(FieldError(line: record.line, field: name.lowercased(), value: nil,
                                                message: "holds U+0000 (NUL), which cannot be kept; the row is not imported"))
                }
                continue
            }
            var fields: [String: String] = [:]
            for (name, value) in zip(header, record.fields) { fields[name.lowercased()] = value }
            rows.append(CSVTable.Row(line: record.line, fields: fields))
        }
        return (CSVTable(header: header, rows: rows), errors.sorted { $0.line < $1.line })
    }

    struct Record {
        /// The line it starts on, and the last line it spans.
        var line: Int
        var lastLine: Int
        var fields: [String]
        var lines: ClosedRange<Int> { line...lastLine }
    }

    /// The records of `text` with the line each starts on.
    static func records(of text: String) -> (rows: [Record], errors: [FieldError]) {
        var scalars = Array(text.unicodeScalars)
        if scalars.first == "\u{FEFF}" { scalars.removeFirst() }
        let delimiter: Unicode.Scalar = {
            let firstLine = scalars.prefix { $0 != "\n" && $0 != "\r" }
            return firstLine.contains(";") && !firstLine.contains(",") ? ";" : ","
        }()
        var rows: [Record] = []
        var errors: [FieldError] = []
        var fields: [String] = []
        var field = String.UnicodeScalarView()
        var quoted = false        // inside a quoted field
        var wasQuoted = false     // the current field was quoted (no trimming of its content)
        var junkAfterQuote = false
        var line = 1
        var recordLine = 1
        var quoteLine = 1
        var i = 0
        func endField() {
            let s = String(field)
            fields.append(wasQuoted ? s : s.trimmingSpaces)
            field = String.UnicodeScalarView()
            wasQuoted = false
            junkAfterQuote = false
        }
        func endRecord() {
            endField()
            if !(fields.count == 1 && fields[0].isEmpty) { rows.append(Record(line: recordLine, lastLine: line, fields: fields)) }
            fields = []
        }
        while i < scalars.count {
            let c = scalars[i]
            if quoted {
                if c == "\"" {
                    if i + 1 < scalars.count, scalars[i + 1] == "\"" { field.append("\""); i += 2; continue }
                    quoted = false
                } else {
                    if c == "\n" || (c == "\r" && (i + 1 >= scalars.count || scalars[i + 1] != "\n")) { line += 1 }
                    field.append(c)
                }
                i += 1
                continue
            }
            switch c {
            case "\"" where String(field).trimmingSpaces.isEmpty && !wasQuoted:
                quoted = true
                wasQuoted = true
                quoteLine = line
                field = String.UnicodeScalarView()
            case "\"":
                errors.append(FieldError(line: line, field: nil, value: nil,
                                            message: "a quote inside an unquoted field (quote the whole field and double the quote: \"\")"))
                field.append(c)
            case delimiter:
                endField()
            case "\r", "\n":
                if c == "\r", i + 1 < scalars.count, scalars[i + 1] == "\n" { i += 1 }
                endRecord()
                line += 1
                recordLine = line
            default:
                if wasQuoted, c != " " && c != "\t", !junkAfterQuote {
                    errors.append(FieldError(line: line, field: nil, value: nil, message: "text after the closing quote of a field"))
                    junkAfterQuote = true
                }
                if !wasQuoted { field.append(c) }
            }
            i += 1
        }
        if quoted {
            errors.append(FieldError(line: quoteLine, field: nil, value: nil, message: "a quoted field is never closed"))
        }
        endRecord()
        return (rows, errors)
    }
}

extension String {
    /// Without leading and trailing spaces and tabs.
    var trimmingSpaces: String {
        var s = Substring(self)
        while let f = s.first, f == " " || f == "\t" { s.removeFirst() }
        while let l = s.last, l == " " || l == "\t" { s.removeLast() }
        return String(s)
    }
}
