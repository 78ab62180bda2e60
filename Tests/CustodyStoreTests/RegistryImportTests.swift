import CustodyCore
import CustodyModel
import CustodyTagging
import Foundation
import Testing
@testable import CustodyStore

@Suite("Registry files")
struct RegistryImportTests {
    static func parse(_ kind: String, _ text: String, name: String = "f.csv", format: String? = nil) throws -> RegistryImport {
        try RegistryImport.parse(kind: kind, format: format, name: name, bytes: Array(text.utf8)).get()
    }

    @Test("officers: Cyrillic names, an optional rank, extra columns reported as not used")
    func officers() throws {
        let file = try Self.parse("officers", "badge,name,unit,rank,email\nB-1042,Ана Петровић,Patrol North,sergeant,a@p.example\nB-7,Bo,,,\n")
        #expect(file.errors.isEmpty)
        #expect(file.officers.map(\.name) == ["Ана Петровић", "Bo"])
        #expect(file.officers[0].rank == "sergeant" && file.officers[1].rank == nil && file.officers[1].unit == "")
        #expect(file.ignoredColumns == ["email"])
        #expect(file.sha256.count == 64)
    }

    @Test("assignments: RFC 3339 times with their offsets, an empty to for open-ended")
    func assignments() throws {
        let file = try Self.parse("assignments", """
            device_serial,badge,from,to,kind
            BWC-1,B-1,2026-03-14T07:00:00+01:00,2026-03-14T15:00:00.500+01:00,shift
            BWC-2,B-2,2026-03-14T06:00:00Z,,
            """)
        #expect(file.errors.isEmpty)
        #expect(file.assignments.map { RFC3339.format($0.from) } == ["2026-03-14T06:00:00.000Z", "2026-03-14T06:00:00.000Z"])
        #expect(file.assignments[0].to.map(RFC3339.format) == "2026-03-14T14:00:00.500Z" && file.assignments[1].to == nil)
        #expect(file.assignments.map(\.kind) == ["shift", "personal"])
    }

    @Test("every bad line and field is named: bad dates, duplicates, empty required fields, wrong order")
    func rowErrors() throws {
        let file = try Self.parse("hearings", """
            id,case,courtroom,judge,start,end
            H-1,K-1,CR1,Judge A,2026-03-16T09:00:00+01:00,2026-03-16T10:00:00+01:00
            H-1,K-1,CR1,Judge A,2026-03-16T11:00:00+01:00,2026-03-16T12:00:00+01:00
            H-2,K-2,CR1,,2026-03-16 09:00,2026-03-16T25:00:00Z
            H-3,,CR1,Judge C,2026-03-16T12:00:00Z,2026-03-16T11:00:00Z
            """)
        #expect(file.hearings.map(\.id) == ["H-1"])
        #expect(file.errors.map { "\($0.line):\($0.field ?? "")" } == ["3:id", "4:judge", "4:start", "4:end", "5:case", "5:end"])
        #expect(file.errors[0].message == "duplicate: id H-1 is already on line 2")
        #expect(file.errors[2].value == "2026-03-16 09:00")
        #expect(file.errors[5].message.contains("ends at or before its start"))
    }

    @Test("missing columns are one error on the header line")
    func missingColumns() throws {
        let file = try Self.parse("assignments", "device,badge,from\nBWC-1,B-1,2026-03-14T06:00:00Z\n")
        #expect(file.errors.count == 1 && file.errors[0].line == 1 && file.errors[0].field == "device_serial,to")
    }

    @Test("a file that is not UTF-8 is refused naming the line")
    func notUTF8() throws {
        let bytes = Array("badge,name,unit\nB-1,Ana,North\n".utf8) + [0x42, 0x2D, 0x32, 0x2C, 0xC8, 0x2C, 0x0A]
        let file = try RegistryImport.parse(kind: "officers", format: nil, name: "x.csv", bytes: bytes).get()
        #expect(file.errors == [FieldError(line: 3, field: nil, value: nil, message: "not valid UTF-8 (save the file as UTF-8)")])
    }

    @Test("an unknown kind or format is a malformed request")
    func malformed() {
        #expect(throws: ImportFailure.self) { try RegistryImport.parse(kind: "vehicles", format: nil, name: nil, bytes: []).get() }
        #expect(throws: ImportFailure.self) { try RegistryImport.parse(kind: "officers", format: "ics", name: nil, bytes: []).get() }
    }

    static let calendar = """
        BEGIN:VCALENDAR\r
        VERSION:2.0\r
        PRODID:-//Court//Scheduling//EN\r
        BEGIN:VTIMEZONE\r
        TZID:Europe/Belgrade\r
        END:VTIMEZONE\r
        BEGIN:VEVENT\r
        UID:H-2026-0142\r
        SUMMARY:Main hearing\\, day 2\r
        LOCATION:Courtroom 3\r
        DTSTART;TZID=Europe/Belgrade:20260329T090000\r
        DTEND;TZID=Europe/Belgrade:20260329T1130\r
         00\r
        X-CUSTODY-CASE:K-17/2026\r
        ORGANIZER;CN="Марија Илић":mailto:ilic@court.example\r
        END:VEVENT\r
        BEGIN:VEVENT\r
        UID:H-2026-0143\r
        LOCATION:CR3\r
        DTSTART:20260330T120000Z\r
        DURATION:PT45M\r
        X-CUSTODY-CASE:K-18/2026\r
        X-CUSTODY-JUDGE:Judge Bo\r
        END:VEVENT\r
        BEGIN:VEVENT\r
        UID:H-2026-0144\r
        STATUS:CANCELLED\r
        END:VEVENT\r
        END:VCALENDAR\r

        """

    @Test("hearings from a calendar: TZID on a daylight-saving day, folding, DURATION, judge from ORGANIZER, cancelled skipped")
    func calendarHearings() throws {
        let file = try Self.parse("hearings", Self.calendar, name: "court.ics")
        #expect(file.errors.isEmpty, "\(file.errors)")
        #expect(file.format == "ics")
        #expect(file.hearings.map(\.id) == ["H-2026-0142", "H-2026-0143"])
        let h = file.hearings[0]
        #expect(RFC3339.format(h.start) == "2026-03-29T07:00:00.000Z" && RFC3339.format(h.end) == "2026-03-29T09:30:00.000Z")
        #expect(h.title == "Main hearing, day 2" && h.courtroom == "Courtroom 3" && h.judge == "Марија Илић" && h.caseNumber == "K-17/2026")
        #expect(h.courtroomField == "LOCATION" && h.line == 7)
        #expect(RFC3339.format(file.hearings[1].end) == "2026-03-30T12:45:00.000Z" && file.hearings[1].judge == "Judge Bo")
        #expect(file.ignoredColumns.isEmpty)
    }

    @Test("calendar errors name the property's line: no case, floating time, recurring")
    func calendarErrors() throws {
        let file = try Self.parse("hearings", """
            BEGIN:VCALENDAR
            BEGIN:VEVENT
            UID:H-1
            LOCATION:CR1
            DTSTART:20260316T090000
            DTEND:20260316T100000Z
            X-CUSTODY-JUDGE:Judge A
            END:VEVENT
            BEGIN:VEVENT
            UID:H-2
            RRULE:FREQ=WEEKLY
            END:VEVENT
            BEGIN:VEVENT
            UID:H-1
            LOCATION:CR1
            DTSTART:20260316T110000Z
            DTEND:20260316T120000Z
            X-CUSTODY-CASE:K-1
            X-CUSTODY-JUDGE:Judge A
            END:VEVENT
            END:VCALENDAR
            """, name: "c.ics")
        #expect(file.hearings.isEmpty)
        #expect(file.errors.map { "\($0.line):\($0.field ?? "")" } == ["2:X-CUSTODY-CASE", "5:DTSTART", "11:RRULE", "14:UID"])
    }
}

@Suite("Recording coverage")
struct CoverageTests {
    static let t0 = Date(timeIntervalSince1970: 1_773_500_000)

    @Test("holes: stretches of a window no recording covers, longer than the minimum")
    func holes() {
        let w = TimeSpan(Self.t0, Self.t0 + 3600)
        func at(_ s: Double, _ e: Double) -> (Date, Date) { (Self.t0 + s, Self.t0 + e) }
        func seconds(_ holes: [(Date, Date)]) -> [[Double]] { holes.map { [$0.0.timeIntervalSince(Self.t0), $0.1.timeIntervalSince(Self.t0)] } }
        #expect(seconds(Coverage.holes(in: w, covered: [], minimum: 60)) == [[0, 3600]])
        #expect(seconds(Coverage.holes(in: w, covered: [at(0, 1200), at(1230, 2400), at(2300, 3000), at(-100, 10)], minimum: 60))
                == [[3000, 3600]], "30 s is not a hole; overlapping segments join")
        #expect(seconds(Coverage.holes(in: w, covered: [at(600, 1200), at(1200, 3700)], minimum: 60)) == [[0, 600]])
        #expect(Coverage.holes(in: w, covered: [at(-10, 4000)], minimum: 0).isEmpty)
    }
}
