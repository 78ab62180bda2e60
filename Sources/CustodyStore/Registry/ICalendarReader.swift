import CustodyCore
import CustodyModel
import Foundation

/// One property of an iCalendar component (RFC 5545 3.1): `NAME;PARAM=V:VALUE`.
public struct ICalProperty: Sendable, Equatable {
    /// Upper-cased.
    public var name: String
    /// Parameters by upper-cased name, values unquoted.
    public var parameters: [String: String]
    /// The raw value (text escapes not yet undone).
    public var value: String
    /// 1-based physical line where the (folded) property starts.
    public var line: Int
}

/// A VEVENT: its first line and its properties, in order.
public struct ICalEvent: Sendable, Equatable {
    public var line: Int
    public var properties: [ICalProperty]

    public func first(_ name: String) -> ICalProperty? { properties.first { $0.name == name } }
}

/// Reads the VEVENTs of an iCalendar file: lines are unfolded at the byte level
/// (CRLF or LF followed by a space or tab continues the line, even inside a UTF-8
/// sequence), then decoded as UTF-8.
public enum ICalendarReader {
    public static func events(_ bytes: [UInt8]) -> (events: [ICalEvent], errors: [FieldError]) {
        var errors: [FieldError] = []
        var events: [ICalEvent] = []
        var current: ICalEvent?
        // An event with a line the index cannot keep is reported and not imported.
        var currentRefused = false
        var depth: [String] = []
        var sawCalendar = false
        for (line, bytes) in unfold(bytes) {
            guard let text = String(validating: bytes, as: UTF8.self) else {
                errors.append(FieldError(line: line, field: nil, value: nil, message: "not valid UTF-8"))
                continue
            }
            if text.trimmingSpaces.isEmpty { continue }
            if text.utf8.contains(0) {
                let name = parse(text, line: line)?.name
                errors.append(FieldError(line: line, field: name, value: nil,
                                            message: "holds U+0000 (NUL), which cannot be kept; the event is not imported"))
                if current != nil { currentRefused = true }
                continue
            }
            guard let property = parse(text, line: line) else {
                errors.append(FieldError(line: line, field: nil, value: text.count > 60 ? String(text.prefix(60)) + "…" : text,
                                            message: "not an iCalendar content line (NAME:VALUE)"))
                continue
            }
            switch property.name {
            case "BEGIN":
                let component = property.value.uppercased()
                if component == "VCALENDAR" { sawCalendar = true }
                if component == "VEVENT" {
                    if current != nil {
                        errors.append(FieldError(line: line, field: "BEGIN", value: nil, message: "a VEVENT inside a VEVENT"))
                    }
                    current = ICalEvent(line: line, properties: [])
                    currentRefused = false
                }
                depth.append(component)
            case "END":
                let component = property.value.uppercased()
                guard depth.last == component else {
                    errors.append(FieldError(line: line, field: "END", value: property.value,
                                                message: "END:\(property.value) does not close \(depth.last.map { "BEGIN:" + $0 } ?? "anything")"))
                    continue
                }
                depth.removeLast()
                if component == "VEVENT", let event = current {
                    if !currentRefused { events.append(event) }
                    current = nil
                }
            default:
                // Properties of the event itself; those of its alarms are not its own.
                if current != nil, depth.last == "VEVENT" { current!.properties.append(property) }
            }
        }
        if !sawCalendar {
            errors.append(FieldError(line: 1, field: nil, value: nil, message: "no BEGIN:VCALENDAR: not an iCalendar file"))
        } else if let open = depth.last {
            errors.append(FieldError(line: current?.line ?? 1, field: nil, value: nil, message: "BEGIN:\(open) is never closed"))
        }
        return (events, errors)
    }

    /// Logical lines with the physical line each starts on.
    static func unfold(_ bytes: [UInt8]) -> [(Int, [UInt8])] {
        var out: [(Int, [UInt8])] = []
        var current: [UInt8] = []
        var start = 1, line = 1
        var i = bytes.starts(with: [0xEF, 0xBB, 0xBF]) ? 3 : 0
        var hasCurrent = false
        while i < bytes.count {
            let b = bytes[i]
            if b == 0x0D || b == 0x0A {
                var next = i + 1
                if b == 0x0D, next < bytes.count, bytes[next] == 0x0A { next += 1 }
                line += 1
                if next < bytes.count, bytes[next] == 0x20 || bytes[next] == 0x09 {
                    i = next + 1 // folded: drop the line break and one space or tab
                    continue
                }
                out.append((start, current))
                current = []
                hasCurrent = false
                start = line
                i = next
                continue
            }
            current.append(b)
            hasCurrent = true
            i += 1
        }
        if hasCurrent { out.append((start, current)) }
        return out
    }

    /// `NAME *(;PARAM=VALUE[,VALUE]) : VALUE`, with quoted parameter values.
    static func parse(_ text: String, line: Int) -> ICalProperty? {
        let scalars = Array(text.unicodeScalars)
        var i = 0
        func readName() -> String {
            var s = String.UnicodeScalarView()
            while i < scalars.count, scalars[i] != ";", scalars[i] != ":" { s.append(scalars[i]); i += 1 }
            return String(s)
        }
        let name = readName().trimmingSpaces.uppercased()
        guard !name.isEmpty, name.unicodeScalars.allSatisfy({ $0 == "-" || ("A"..."Z").contains($0) || ("0"..."9").contains($0) }) else {
            return nil
        }
        var parameters: [String: String] = [:]
        while i < scalars.count, scalars[i] == ";" {
            i += 1
            var key = String.UnicodeScalarView()
            while i < scalars.count, scalars[i] != "=", scalars[i] != ":", scalars[i] != ";" { key.append(scalars[i]); i += 1 }
            guard i < scalars.count, scalars[i] == "=" else { return nil }
            i += 1
            var value = String.UnicodeScalarView()
            var inQuotes = false
            while i < scalars.count {
                let c = scalars[i]
                if c == "\"" { inQuotes.toggle(); i += 1; continue }
                if !inQuotes, c == ";" || c == ":" { break }
                value.append(c)
                i += 1
            }
            parameters[String(key).uppercased()] = String(value)
        }
        guard i < scalars.count, scalars[i] == ":" else { return nil }
        var value = String.UnicodeScalarView()
        value.append(contentsOf: scalars[(i + 1)...])
        return ICalProperty(name: name, parameters: parameters, value: String(value), line: line)
    }

    /// TEXT value escapes undone (RFC 5545 3.3.11): `\\`, `\;`, `\,`, `\n`.
    public static func text(_ value: String) -> String {
        var out = ""
        var escape = false
        for c in value {
            if escape {
                out.append(c == "n" || c == "N" ? "\n" : c)
                escape = false
            } else if c == "\\" {
                escape = true
            } else {
                out.append(c)
            }
        }
        return out.trimmingSpaces
    }

    /// A DATE-TIME property's instant: UTC (`...Z`), or local time in its `TZID`
    /// (a time-zone database name, resolved by Foundation's TimeZone). Floating times
    /// (neither) and dates without a time are refused: a hearing needs an instant.
    public static func instant(_ p: ICalProperty) -> Result<Date, ICalTimeError> {
        if p.parameters["VALUE"]?.uppercased() == "DATE" || p.value.count == 8 {
            return .failure(ICalTimeError("a date without a time (all-day); a hearing needs a start and end time"))
        }
        var text = p.value.trimmingSpaces
        let utc = text.hasSuffix("Z") || text.hasSuffix("z")
        if utc { text.removeLast() }
        let digits = Array(text.utf8)
        guard digits.count == 15, digits[8] == UInt8(ascii: "T"),
              digits.enumerated().allSatisfy({ $0.offset == 8 || (48...57).contains($0.element) }) else {
            return .failure(ICalTimeError("not an iCalendar DATE-TIME such as 20260316T090000Z"))
        }
        func number(_ from: Int, _ count: Int) -> Int { Int(String(decoding: digits[from..<(from + count)], as: UTF8.self))! }
        let (year, month, day) = (number(0, 4), number(4, 2), number(6, 2))
        let (hour, minute, second) = (number(9, 2), number(11, 2), number(13, 2))
        let zone: TimeZone
        if utc {
            zone = .gmt
        } else if var tzid = p.parameters["TZID"] {
            // "/mozilla.org/20070129_1/Europe/Berlin"-style prefixes name the same zone.
            if tzid.hasPrefix("/") { tzid = tzid.split(separator: "/").suffix(2).joined(separator: "/") }
            guard let z = TimeZone(identifier: tzid) else {
                return .failure(ICalTimeError("unknown time zone TZID=\(tzid) (use a time-zone database name such as Europe/Belgrade)"))
            }
            zone = z
        } else {
            return .failure(ICalTimeError("a floating local time (no TZID parameter and no Z): its time zone is unknown"))
        }
        guard let date = CivilClock.date(year: year, month: month, day: day, hour: hour, minute: minute, second: second, in: zone) else {
            return .failure(ICalTimeError("no such date and time: \(p.value)"))
        }
        guard RecordBounds.times.contains(date) else {
            return .failure(ICalTimeError("outside the times Custody keeps (\(RecordBounds.timesText))"))
        }
        return .success(date)
    }

    /// The longest DURATION read: a hearing of more than a year is a mistake.
    public static let maxDurationSeconds: TimeInterval = 366 * 86_400

    /// A DURATION value (RFC 5545 3.3.6) in seconds: `PT1H30M`, `P1D`, `P1W`; nil for
    /// anything else, and for more than ``maxDurationSeconds`` either way.
    public static func duration(_ text: String) -> TimeInterval? {
        var s = Substring(text.trimmingSpaces.uppercased())
        var sign = 1.0
        if s.first == "+" { s.removeFirst() } else if s.first == "-" { sign = -1; s.removeFirst() }
        guard s.first == "P" else { return nil }
        s.removeFirst()
        var total = 0.0, number = "", inTime = false, any = false
        for c in s {
            if c.isNumber { number.append(c); continue }
            if c == "T" { inTime = true; continue }
            // At most nine digits a number: no overflow, whatever the file says.
            guard number.count <= 9, let whole = Int(number) else { return nil }
            let n = Double(whole)
            number = ""
            any = true
            switch (c, inTime) {
            case ("W", false): total += n * 604_800
            case ("D", false): total += n * 86_400
            case ("H", true): total += n * 3600
            case ("M", true): total += n * 60
            case ("S", true): total += n
            default: return nil
            }
        }
        guard any, number.isEmpty, total <= maxDurationSeconds else { return nil }
        return sign * total
    }
}

public struct ICalTimeError: Error, Sendable, Equatable {
    public var message: String
    init(_ message: String) { self.message = message }
}

/// Civil (wall-clock) times in a time zone, in the proleptic Gregorian calendar of RFC
/// 3339 and iCalendar: the same text is the same instant here, in a request and in
/// what Custody writes (`RFC3339`).
enum CivilClock {
    /// Foundation's Gregorian calendar counts days the Julian way before 15 October
    /// 1582; from this year on it agrees with the proleptic calendar.
    static let firstYearFoundationCounts = 1583

    /// The instant of a wall-clock time in `zone`; nil for impossible dates. A time
    /// that a daylight-saving change skips is taken as the instant it is moved to.
    static func date(year: Int, month: Int, day: Int, hour: Int, minute: Int, second: Int, in zone: TimeZone) -> Date? {
        guard (1...12).contains(month), (0...23).contains(hour), (0...59).contains(minute), (0...60).contains(second) else { return nil }
        if zone == .gmt || year < firstYearFoundationCounts {
            // Counted here: UTC, and days before the Gregorian reform (no daylight saving
            // then: the zone's one offset at that time).
            guard day >= 1, day <= CivilDays.daysIn(month: Int64(month), year: Int64(year)) else { return nil }
            let local = CivilDays.days(year: Int64(year), month: Int64(month), day: Int64(day)) * 86_400
                + Int64(hour * 3600 + minute * 60 + min(second, 59))
            let offset = zone == .gmt ? 0 : zone.secondsFromGMT(for: Date(timeIntervalSince1970: Double(local)))
            return Date(timeIntervalSince1970: Double(local - Int64(offset)))
        }
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        // Foundation would roll 31 April into 1 May; that is not a date.
        guard let firstOfMonth = calendar.date(from: DateComponents(year: year, month: month, day: 1)),
              let days = calendar.range(of: .day, in: .month, for: firstOfMonth), days.contains(day) else { return nil }
        return calendar.date(from: DateComponents(year: year, month: month, day: day, hour: hour, minute: minute, second: min(second, 59)))
    }
}
