import CustodyCore
import CustodyModel
import Foundation
import Testing
@testable import CustodyStore

@Suite("iCalendar reader")
struct ICalendarReaderTests {
    static func calendar(_ lines: [String]) -> [UInt8] { Array((lines.joined(separator: "\r\n") + "\r\n").utf8) }

    @Test("folded lines are unfolded, even inside a UTF-8 sequence, keeping the first line's number")
    func unfolding() {
        // "Илић" folded in the middle of the two bytes of "л".
        var bytes = Array("BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nX-CUSTODY-JUDGE:Judge И".utf8)
        let el = Array("л".utf8)
        bytes += [el[0], 0x0D, 0x0A, 0x20, el[1]] + Array("ић\r\nUID:H-1\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n".utf8)
        let (events, errors) = ICalendarReader.events(bytes)
        #expect(errors.isEmpty)
        #expect(events.count == 1)
        #expect(events[0].first("X-CUSTODY-JUDGE")?.value == "Judge Илић")
        #expect(events[0].first("X-CUSTODY-JUDGE")?.line == 3)
        #expect(events[0].first("UID")?.line == 5)
    }

    @Test("parameters, quoted parameter values, and the properties of alarms left out")
    func parameters() {
        let (events, errors) = ICalendarReader.events(Self.calendar([
            "BEGIN:VCALENDAR", "BEGIN:VEVENT", "UID:H-1",
            "ORGANIZER;CN=\"Илић, Марија\";ROLE=CHAIR:mailto:ilic@court.example",
            "DTSTART;TZID=Europe/Belgrade:20260316T090000",
            "BEGIN:VALARM", "DESCRIPTION:reminder", "TRIGGER:-PT15M", "END:VALARM",
            "END:VEVENT", "END:VCALENDAR",
        ]))
        #expect(errors.isEmpty)
        let organizer = events[0].first("ORGANIZER")
        #expect(organizer?.parameters == ["CN": "Илић, Марија", "ROLE": "CHAIR"])
        #expect(organizer?.value == "mailto:ilic@court.example")
        #expect(events[0].first("DTSTART")?.parameters["TZID"] == "Europe/Belgrade")
        #expect(events[0].first("DESCRIPTION") == nil && events[0].first("TRIGGER") == nil)
    }

    @Test("malformed lines and unbalanced components are reported with their lines")
    func malformed() {
        let (_, errors) = ICalendarReader.events(Self.calendar(["BEGIN:VCALENDAR", "BEGIN:VEVENT", "no colon here", "END:VTODO", "END:VEVENT"]))
        #expect(errors.map(\.line) == [3, 4, 1])
        #expect(ICalendarReader.events(Array("UID:x\r\n".utf8)).errors.first?.message == "no BEGIN:VCALENDAR: not an iCalendar file")
    }

    @Test("instants: UTC, a TZID on both sides of a daylight-saving change, floating and all-day refused")
    func instants() throws {
        func p(_ value: String, _ params: [String: String] = [:]) -> ICalProperty {
            ICalProperty(name: "DTSTART", parameters: params, value: value, line: 1)
        }
        func utc(_ p: ICalProperty) throws -> String { RFC3339.format(try ICalendarReader.instant(p).get()) }
        #expect(try utc(p("20260316T090000Z")) == "2026-03-16T09:00:00.000Z")
        // Europe/Belgrade: UTC+1 until 2026-03-29 02:00, UTC+2 after.
        #expect(try utc(p("20260328T090000", ["TZID": "Europe/Belgrade"])) == "2026-03-28T08:00:00.000Z")
        #expect(try utc(p("20260329T090000", ["TZID": "Europe/Belgrade"])) == "2026-03-29T07:00:00.000Z")
        #expect(try utc(p("20261025T090000", ["TZID": "America/New_York"])) == "2026-10-25T13:00:00.000Z")
        #expect(try utc(p("20260316T090000", ["TZID": "/mozilla.org/20070129_1/Europe/Belgrade"])) == "2026-03-16T08:00:00.000Z")
        func failure(_ p: ICalProperty) -> String? {
            if case .failure(let e) = ICalendarReader.instant(p) { return e.message }
            return nil
        }
        #expect(failure(p("20260316T090000"))?.contains("floating") == true)
        #expect(failure(p("20260316", ["VALUE": "DATE"]))?.contains("all-day") == true)
        #expect(failure(p("20260316T090000", ["TZID": "Mars/Olympus"]))?.contains("unknown time zone") == true)
        #expect(failure(p("20260231T090000Z"))?.contains("no such date") == true)
        #expect(failure(p("2026-03-16T09:00:00Z"))?.contains("DATE-TIME") == true)
    }

    @Test("durations and text escapes")
    func durationsAndText() {
        #expect(ICalendarReader.duration("PT1H30M") == 5400)
        #expect(ICalendarReader.duration("P1DT2H") == 93_600)
        #expect(ICalendarReader.duration("P1W") == 604_800)
        #expect(ICalendarReader.duration("PT") == nil && ICalendarReader.duration("1H") == nil && ICalendarReader.duration("P1H") == nil)
        #expect(ICalendarReader.text(#"K-17/2026\, appeal\; room 3\nsecond line"#) == "K-17/2026, appeal; room 3\nsecond line")
    }
}

