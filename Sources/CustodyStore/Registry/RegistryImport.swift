import Crypto
import CustodyCore
import CustodyModel
import Foundation

/// What a registry file holds.
public enum RegistryKind: String, Sendable, CaseIterable {
    case officers, devices, courtrooms, assignments, hearings
}

/// A registry file parsed and checked on its own (every row's fields, duplicates
/// within the file); `LocalStore.importRegistry` then checks it against the index
/// (unknown courtrooms and officers, overlaps) and writes it all or not at all.
public struct RegistryImport: Sendable, Equatable {
    public var kind: RegistryKind
    public var format: String
    public var name: String?
    public var officers: [OfficerRow] = []
    public var devices: [DeviceRow] = []
    public var courtrooms: [CourtroomRow] = []
    public var assignments: [AssignmentRow] = []
    public var hearings: [HearingRow] = []
    public var ignoredColumns: [String] = []
    /// SHA-256 of the file, for the custody event.
    public var sha256: String = ""
    /// Bad lines and fields found in the file itself; the import checks its good rows
    /// against the index too, so that one report names every bad line, then refuses.
    public var errors: [FieldError] = []

    public var rowCount: Int { officers.count + devices.count + courtrooms.count + assignments.count + hearings.count }

    public struct OfficerRow: Sendable, Equatable { public var line: Int; public var badge, name, unit: String; public var rank: String? }
    public struct DeviceRow: Sendable, Equatable {
        public var line: Int; public var serial: String; public var model, kind, courtroom: String?
    }
    public struct CourtroomRow: Sendable, Equatable { public var line: Int; public var id, name: String; public var building: String? }
    public struct AssignmentRow: Sendable, Equatable {
        public var line: Int; public var device, badge, kind: String; public var from: Date; public var to: Date?; public var model: String?
    }
    public struct HearingRow: Sendable, Equatable {
        public var line: Int; public var id, caseNumber, courtroom, judge: String; public var title: String?
        public var start, end: Date
        /// The column or property the courtroom came from (courtroom, LOCATION), for messages.
        public var courtroomField: String
    }

    /// Columns each kind needs, then those it also reads.
    static let columns: [RegistryKind: (required: [String], optional: [String])] = [
        .officers: (["badge", "name", "unit"], ["rank"]),
        .devices: (["serial"], ["model", "kind", "courtroom"]),
        .courtrooms: (["id", "name"], ["building"]),
        .assignments: (["device_serial", "badge", "from", "to"], ["kind", "model"]),
        .hearings: (["id", "case", "courtroom", "judge", "start", "end"], ["title"]),
    ]

    /// The longest hearing a calendar's DURATION may give (366 days).
    public static let longestHearingSeconds: TimeInterval = 366 * 86_400

    /// The iCalendar property that carries a hearing's case number.
    public static let caseProperty = "X-CUSTODY-CASE"
    /// The iCalendar property that names the judge (else ORGANIZER's CN).
    public static let judgeProperty = "X-CUSTODY-JUDGE"

    /// Parses a request's file; a failure only for a malformed request (unknown kind
    /// or format). Bad rows are left out and listed in `errors`.
    public static func parse(kind kindName: String, format: String?, name: String?, bytes: [UInt8]) -> Result<RegistryImport, ImportFailure> {
        guard let kind = RegistryKind(rawValue: kindName) else {
            return .failure(ImportFailure("unknown import kind \"\(kindName)\" (known: \(RegistryKind.allCases.map(\.rawValue).joined(separator: ", ")))"))
        }
        let lowerName = name?.lowercased() ?? ""
        // A calendar is only ever a hearings file: the name's extension decides only for hearings.
        let calendarName = kind == .hearings && (lowerName.hasSuffix(".ics") || lowerName.hasSuffix(".ical"))
        let format = format?.lowercased() ?? (calendarName ? "ics" : "csv")
        guard format == "csv" || (format == "ics" && kind == .hearings) else {
            return .failure(ImportFailure("format \(format) is not read for \(kind.rawValue) (csv\(kind == .hearings ? " or ics" : ""))"))
        }
        var result = RegistryImport(kind: kind, format: format, name: name)
        result.sha256 = SHA256.hash(data: bytes).hexString
        result.errors = format == "ics" ? result.readCalendar(bytes) : result.readCSV(bytes)
        return .success(result)
    }

    // MARK: CSV

    private mutating func readCSV(_ bytes: [UInt8]) -> [FieldError] {
        guard let text = String(validating: bytes, as: UTF8.self) else {
            let line = Self.firstInvalidUTF8Line(bytes)
            return [FieldError(line: line, field: nil, value: nil, message: "not valid UTF-8 (save the file as UTF-8)")]
        }
        let (table, parseErrors) = CSVReader.parse(text)
        let errors = parseErrors
        guard !table.header.isEmpty else { return errors }
        let (required, optional) = Self.columns[kind]!
        let present = Set(table.header.map { $0.lowercased() })
        let missing = required.filter { !present.contains($0) }
        if !missing.isEmpty {
            return errors + [FieldError(line: 1, field: missing.joined(separator: ","), value: nil,
                                           message: "missing column\(missing.count == 1 ? "" : "s") \(missing.joined(separator: ", ")); \(kind.rawValue) files have \(required.joined(separator: ","))\(optional.isEmpty ? "" : " and optionally " + optional.joined(separator: ","))")]
        }
        ignoredColumns = table.header.filter { !required.contains($0.lowercased()) && !optional.contains($0.lowercased()) }
        var check = RowChecker()
        for row in table.rows {
            check.row = row.line
            func field(_ name: String) -> String { row.fields[name] ?? "" }
            func optionalField(_ name: String) -> String? { row.fields[name].flatMap { $0.isEmpty ? nil : $0 } }
            switch kind {
            case .officers:
                let badge = check.identifier("badge", field("badge"), unique: true)
                let name = check.text("name", field("name"))
                let unit = field("unit")
                if let badge, let name { officers.append(OfficerRow(line: row.line, badge: badge, name: name, unit: unit, rank: optionalField("rank"))) }
            case .devices:
                let serial = check.identifier("serial", field("serial"), unique: true)
                let deviceKind = optionalField("kind")
                if let k = deviceKind, DeviceKind(rawValue: k) == nil {
                    check.fail("kind", k, "unknown device kind (known: \(DeviceKind.allCases.map(\.rawValue).joined(separator: ", ")))")
                }
                if let serial {
                    devices.append(DeviceRow(line: row.line, serial: serial, model: optionalField("model"), kind: deviceKind,
                                             courtroom: optionalField("courtroom")))
                }
            case .courtrooms:
                let id = check.identifier("id", field("id"), unique: true)
                let name = check.text("name", field("name"))
                if let id, let name { courtrooms.append(CourtroomRow(line: row.line, id: id, name: name, building: optionalField("building"))) }
            case .assignments:
                let device = check.identifier("device_serial", field("device_serial"))
                let badge = check.identifier("badge", field("badge"))
                let from = check.instant("from", field("from"))
                let toText = field("to")
                let to = toText.isEmpty ? nil : check.instant("to", toText)
                let assignmentKind = optionalField("kind") ?? "personal"
                if !["personal", "shift"].contains(assignmentKind) { check.fail("kind", assignmentKind, "must be personal or shift") }
                var ordered = true
                if let from, let to, to <= from {
                    check.fail("to", toText, "ends at or before its start (\(field("from")))")
                    ordered = false
                }
                var unique = true
                if let device, let from {
                    unique = check.unique("from", "\(device)|\(from.timeIntervalSince1970)", field("from"),
                                          what: "an assignment of \(device) starting then") != nil
                }
                if let device, let badge, let from, toText.isEmpty || to != nil, ordered, unique {
                    assignments.append(AssignmentRow(line: row.line, device: device, badge: badge, kind: assignmentKind, from: from, to: to,
                                                     model: optionalField("model")))
                }
            case .hearings:
                let id = check.identifier("id", field("id"), unique: true)
                let caseNumber = check.identifier("case", field("case"))
                let courtroom = check.identifier("courtroom", field("courtroom"))
                let judge = check.text("judge", field("judge"))
                let start = check.instant("start", field("start"))
                let end = check.instant("end", field("end"))
                if let start, let end, end <= start { check.fail("end", field("end"), "ends at or before its start (\(field("start")))") }
                if let id, let caseNumber, let courtroom, let judge, let start, let end, start < end {
                    hearings.append(HearingRow(line: row.line, id: id, caseNumber: caseNumber, courtroom: courtroom, judge: judge,
                                               title: optionalField("title"), start: start, end: end, courtroomField: "courtroom"))
                }
            }
        }
        return errors + check.errors
    }

    // MARK: iCalendar

    private mutating func readCalendar(_ bytes: [UInt8]) -> [FieldError] {
        let (events, parseErrors) = ICalendarReader.events(bytes)
        var check = RowChecker()
        var unused = Set<String>()
        let used: Set<String> = ["UID", "SUMMARY", "LOCATION", "DTSTART", "DTEND", "DURATION", "ORGANIZER", "STATUS",
                                 Self.caseProperty, Self.judgeProperty]
        for event in events {
            check.row = event.line
            for p in event.properties where !used.contains(p.name) { unused.insert(p.name) }
            if event.first("STATUS")?.value.uppercased() == "CANCELLED" { continue }
            func value(_ name: String) -> (String, Int)? {
                event.first(name).map { (ICalendarReader.text($0.value), $0.line) }
            }
            func required(_ name: String, _ what: String) -> String? {
                guard let (v, line) = value(name) else {
                    check.errors.append(FieldError(line: event.line, field: name, value: nil, message: "the event has no \(name) (\(what))"))
                    return nil
                }
                check.row = line
                return check.identifier(name, v, unique: name == "UID")
            }
            if let rrule = event.first("RRULE") {
                check.errors.append(FieldError(line: rrule.line, field: "RRULE", value: nil,
                                                  message: "recurring events are not read; export each hearing as its own event"))
                continue
            }
            let id = required("UID", "the hearing's id")
            let caseNumber = required(Self.caseProperty, "the case number")
            let courtroom = required("LOCATION", "the courtroom")
            var judge: String?
            if let (j, line) = value(Self.judgeProperty) {
                check.row = line
                judge = check.text(Self.judgeProperty, j)
            } else if let organizer = event.first("ORGANIZER"), let cn = organizer.parameters["CN"], !cn.isEmpty {
                judge = cn
            } else {
                check.errors.append(FieldError(line: event.line, field: Self.judgeProperty, value: nil,
                                                  message: "the event names no judge (\(Self.judgeProperty), or ORGANIZER with CN=)"))
            }
            func time(_ name: String) -> Date? {
                guard let p = event.first(name) else { return nil }
                switch ICalendarReader.instant(p) {
                case .success(let d): return d
                case .failure(let e):
                    check.errors.append(FieldError(line: p.line, field: name, value: p.value, message: e.message))
                    return nil
                }
            }
            let start = time("DTSTART")
            if event.first("DTSTART") == nil {
                check.errors.append(FieldError(line: event.line, field: "DTSTART", value: nil, message: "the event has no DTSTART"))
            }
            var end = time("DTEND")
            if event.first("DTEND") == nil {
                if let d = event.first("DURATION") {
                    // Bounded before it is added: the end must stay a time the index can keep.
                    if let seconds = ICalendarReader.duration(d.value), seconds > 0, seconds <= Self.longestHearingSeconds {
                        end = start.map { $0 + seconds }
                        if let e = end, !RecordBounds.times.contains(e) {
                            check.errors.append(FieldError(line: d.line, field: "DURATION", value: d.value,
                                                              message: "ends outside the times Custody keeps (\(RecordBounds.timesText))"))
                            end = nil
                        }
                    } else {
                        check.errors.append(FieldError(line: d.line, field: "DURATION", value: d.value,
                                                          message: "not a positive duration of at most 366 days, such as PT2H"))
                    }
                } else {
                    check.errors.append(FieldError(line: event.line, field: "DTEND", value: nil, message: "the event has no DTEND (or DURATION)"))
                }
            }
            if let start, let end, end <= start, let p = event.first("DTEND") ?? event.first("DURATION") {
                check.errors.append(FieldError(line: p.line, field: p.name, value: p.value, message: "ends at or before its start"))
            }
            if let id, let caseNumber, let courtroom, let judge, let start, let end, start < end {
                hearings.append(HearingRow(line: event.line, id: id, caseNumber: caseNumber, courtroom: courtroom, judge: judge,
                                           title: value("SUMMARY").map(\.0).flatMap { $0.isEmpty ? nil : $0 }, start: start, end: end,
                                           courtroomField: "LOCATION"))
            }
        }
        ignoredColumns = unused.sorted()
        return parseErrors + check.errors
    }

    static func firstInvalidUTF8Line(_ bytes: [UInt8]) -> Int {
        var line = 1
        var start = 0
        for (i, b) in bytes.enumerated() where b == 0x0A {
            if String(validating: bytes[start..<i], as: UTF8.self) == nil { return line }
            line += 1
            start = i + 1
        }
        return line
    }
}

/// Checks the fields of one row after another, collecting every error.
struct RowChecker {
    var row = 0
    var errors: [FieldError] = []
    /// First line of each value that must be unique in the file, by key.
    private var firstSeen: [String: Int] = [:]

    mutating func fail(_ field: String, _ value: String?, _ message: String) {
        errors.append(FieldError(line: row, field: field, value: value, message: message))
    }

    /// An id: not empty, at most 100 characters, no control characters.
    mutating func identifier(_ field: String, _ value: String, unique: Bool = false) -> String? {
        guard !value.isEmpty else { fail(field, nil, "empty; it is required"); return nil }
        guard value.count <= 100 else { fail(field, String(value.prefix(40)) + "…", "longer than 100 characters"); return nil }
        guard !value.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) else {
            fail(field, value, "contains a control character"); return nil
        }
        if unique { return self.unique(field, value, value, what: "\(field) \(value)") }
        return value
    }

    /// Free text that must not be empty.
    mutating func text(_ field: String, _ value: String) -> String? {
        guard !value.isEmpty else { fail(field, nil, "empty; it is required"); return nil }
        return value
    }

    /// `key` must not repeat in the file: the second time is an error naming the first line.
    mutating func unique(_ field: String, _ key: String, _ value: String, what: String) -> String? {
        if let first = firstSeen[field + "\u{0}" + key] {
            fail(field, value, "duplicate: \(what) is already on line \(first)")
            return nil
        }
        firstSeen[field + "\u{0}" + key] = row
        return value
    }

    /// An RFC 3339 time with its offset (`2026-03-16T09:00:00+01:00`, `...Z`).
    mutating func instant(_ field: String, _ value: String) -> Date? {
        guard !value.isEmpty else { fail(field, nil, "empty; it is required"); return nil }
        guard let date = StrictRFC3339.parse(value) else {
            fail(field, value, "not an RFC 3339 time with an offset, such as 2026-03-16T09:00:00+01:00 or 2026-03-16T08:00:00Z")
            return nil
        }
        guard RecordBounds.times.contains(date) else {
            fail(field, value, "outside the times Custody keeps (\(RecordBounds.timesText))")
            return nil
        }
        return date
    }
}

/// RFC 3339 date-times as written in registry files: the offset is required.
public enum StrictRFC3339 {
    public static func parse(_ text: String) -> Date? {
        let s = Array(text.utf8)
        func digit(_ i: Int) -> Bool { i < s.count && (48...57).contains(s[i]) }
        func number(_ from: Int, _ count: Int) -> Int? {
            guard (from..<(from + count)).allSatisfy(digit) else { return nil }
            return Int(String(decoding: s[from..<(from + count)], as: UTF8.self))
        }
        guard s.count >= 20, let year = number(0, 4), s[4] == 0x2D, let month = number(5, 2), s[7] == 0x2D, let day = number(8, 2),
              [0x54, 0x74, 0x20].contains(s[10]), let hour = number(11, 2), s[13] == 0x3A, let minute = number(14, 2), s[16] == 0x3A,
              let second = number(17, 2) else { return nil }
        var i = 19
        var fraction = 0.0
        if i < s.count, s[i] == 0x2E {
            var j = i + 1
            while digit(j) { j += 1 }
            guard j > i + 1 else { return nil }
            fraction = Double("0" + String(decoding: s[i..<j], as: UTF8.self)) ?? 0
            i = j
        }
        var offset = 0
        guard i < s.count else { return nil }
        if s[i] == 0x5A || s[i] == 0x7A {
            guard i + 1 == s.count else { return nil }
        } else if s[i] == 0x2B || s[i] == 0x2D {
            guard i + 6 == s.count, let oh = number(i + 1, 2), s[i + 3] == 0x3A, let om = number(i + 4, 2), oh <= 23, om <= 59 else { return nil }
            offset = (oh * 3600 + om * 60) * (s[i] == 0x2B ? 1 : -1)
        } else {
            return nil
        }
        guard let utc = CivilClock.date(year: year, month: month, day: day, hour: hour, minute: minute, second: second, in: .gmt),
              (1...31).contains(day) else { return nil }
        return utc.addingTimeInterval(fraction - Double(offset))
    }
}

/// A malformed import request (an unknown kind or format): nothing could be read.
public struct ImportFailure: Error, Sendable, Equatable {
    public var summary: String
    public init(_ summary: String) { self.summary = summary }
}
