import CustodyCore
import CustodyModel
import Foundation
import Testing
@testable import CustodyStore

/// Times and durations in registry files are held to their documented ranges: a
/// field error naming the line and field, never a trap or a time the store cannot write.
@Suite("Registry file bounds")
struct RegistryBoundsTests {
    static func parse(_ kind: String, _ text: String, format: String? = nil) throws -> RegistryImport {
        try RegistryImport.parse(kind: kind, format: format, name: "\(kind).\(format ?? "csv")", bytes: Array(text.utf8)).get()
    }

    static func calendar(_ event: [String]) -> String {
        (["BEGIN:VCALENDAR", "BEGIN:VEVENT", "UID:H-1", "X-CUSTODY-CASE:K-1", "LOCATION:3", "X-CUSTODY-JUDGE:Ilić"]
            + event + ["END:VEVENT", "END:VCALENDAR"]).joined(separator: "\r\n") + "\r\n"
    }

    @Test("a DURATION of absurd size is refused, not summed into infinity", arguments: [
        "DURATION:P" + String(repeating: "9", count: 400) + "D", "DURATION:PT9999999999H", "DURATION:P367D", "DURATION:P53W",
    ])
    func hugeDurations(duration: String) throws {
        let file = try Self.parse("hearings", Self.calendar(["DTSTART:20260316T090000Z", duration]), format: "ics")
        #expect(file.hearings.isEmpty)
        #expect(file.errors.map(\.field) == ["DURATION"])
        #expect(file.errors.first?.message.contains("at most 366 days") == true)
    }

    @Test("a DURATION within a year is read")
    func durationWithinAYear() throws {
        #expect(ICalendarReader.duration("P366D") == 31_622_400)
        #expect(ICalendarReader.duration("PT2H30M") == 9000)
        let file = try Self.parse("hearings", Self.calendar(["DTSTART:20260316T090000Z", "DURATION:PT2H"]), format: "ics")
        #expect(file.errors.isEmpty && file.hearings.count == 1)
    }

    @Test("a DURATION that ends past year 9999 is refused")
    func durationPastTheEnd() throws {
        let file = try Self.parse("hearings", Self.calendar(["DTSTART:99991231T000000Z", "DURATION:P2D"]), format: "ics")
        #expect(file.hearings.isEmpty && file.errors.map(\.field) == ["DURATION"])
        #expect(file.errors.first?.message.contains(RecordBounds.timesText) == true)
    }

    @Test("year 0000 is refused in calendars and CSV, naming the field")
    func yearZero() throws {
        let ics = try Self.parse("hearings", Self.calendar(["DTSTART:00000101T090000Z", "DTEND:00000101T100000Z"]), format: "ics")
        #expect(ics.hearings.isEmpty && Set(ics.errors.compactMap(\.field)) == ["DTSTART", "DTEND"])
        #expect(ics.errors.allSatisfy { $0.message.contains(RecordBounds.timesText) })
        let csv = try Self.parse("assignments", "device_serial,badge,from,to\nBWC-1,B-1,0000-03-16T09:00:00Z,\n")
        #expect(csv.assignments.isEmpty && csv.errors.map(\.field) == ["from"] && csv.errors.map(\.line) == [2])
        #expect(csv.errors.first?.message.contains("outside the times Custody keeps") == true)
    }

    @Test("a registry time is the instant its text names, before 1582 too (proleptic Gregorian, as Custody writes times)")
    func prolepticGregorian() throws {
        let csv = try Self.parse("hearings", """
            id,case,courtroom,judge,start,end
            H-1,K-1,3,Ilić,0001-01-01T00:00:00Z,0001-01-01T02:00:00+01:00
            H-2,K-1,3,Ilić,1582-10-04T09:00:00Z,1582-10-04T10:00:00Z
            """)
        #expect(csv.errors.isEmpty && csv.hearings.count == 2, "\(csv.errors)")
        #expect(csv.hearings.map { RFC3339.format($0.start) } == ["0001-01-01T00:00:00.000Z", "1582-10-04T09:00:00.000Z"])
        #expect(csv.hearings.map { RFC3339.format($0.end) } == ["0001-01-01T01:00:00.000Z", "1582-10-04T10:00:00.000Z"])
        let ics = try Self.parse("hearings", Self.calendar(["DTSTART:10000301T090000Z", "DTEND;TZID=Europe/Belgrade:10000301T120000"]),
                                 format: "ics")
        #expect(ics.errors.isEmpty && ics.hearings.count == 1, "\(ics.errors)")
        let start = try #require(ics.hearings.first?.start), end = try #require(ics.hearings.first?.end)
        #expect(RFC3339.format(start) == "1000-03-01T09:00:00.000Z")
        // Noon in Belgrade, less Belgrade's offset from UTC then (as the time-zone database gives it).
        #expect(end.timeIntervalSince(start) == 3 * 3600 - Double(TimeZone(identifier: "Europe/Belgrade")!.secondsFromGMT(for: end)))
        // The API reads the same text as the same instant.
        #expect(RFC3339.parse("1000-03-01T09:00:00Z") == start)
    }

    @Test("the first and last instants of the range are accepted")
    func edges() throws {
        let csv = try Self.parse("hearings", """
            id,case,courtroom,judge,start,end
            H-1,K-1,3,Ilić,0001-01-01T00:00:00Z,0001-01-01T01:00:00Z
            H-2,K-1,3,Ilić,9999-12-31T22:00:00Z,9999-12-31T23:59:59.999Z
            """)
        #expect(csv.errors.isEmpty && csv.hearings.count == 2)
    }
}
