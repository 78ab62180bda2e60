// Registry files the fuzzer (scripts/fuzz.sh registry) found breaking an import, kept
// after the fix; their bytes are also in fuzz/regressions/registry/.
import CustodyCore
import Foundation
import Testing
@testable import CustodyStore

@Suite("Registry fuzz regressions")
struct RegistryFuzzRegressionTests {
    @Test("a DURATION of 99,999,999 weeks is refused on its line, not kept as a hearing ending in year 506713")
    func durationPastAnyCalendar() throws {
        let calendar = "BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nUID:H-2\r\nLOCATION:3\r\nX-CUSTODY-CASE:K-2\r\nX-CUSTODY-JUDGE:Roe\r\n"
            + "DTSTART:20260316T090000Z\r\nDURATION:P99999999W\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
        let file = try RegistryImport.parse(kind: "hearings", format: "ics", name: "court.ics", bytes: Array(calendar.utf8)).get()
        #expect(file.hearings.isEmpty)
        let error = try #require(file.errors.first { $0.field == "DURATION" })
        #expect(error.line == 8 && error.value == "P99999999W")
        #expect(error.message.contains("at most 366 days"))
    }

    @Test("a DURATION of up to 366 days is a hearing whose end survives the index's RFC 3339 text")
    func longestDuration() throws {
        let calendar = "BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nUID:H-3\r\nLOCATION:3\r\nX-CUSTODY-CASE:K-3\r\nX-CUSTODY-JUDGE:Roe\r\n"
            + "DTSTART:99981201T090000Z\r\nDURATION:P366D\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
        let file = try RegistryImport.parse(kind: "hearings", format: "ics", name: "court.ics", bytes: Array(calendar.utf8)).get()
        let hearing = try #require(file.hearings.first)
        #expect(RFC3339.parse(RFC3339.format(hearing.end)) == hearing.end)
        // From the last day of 9998, the same duration would end past the years Custody keeps: refused on its line.
        let late = calendar.replacingOccurrences(of: "DTSTART:99981201", with: "DTSTART:99981231")
        let refused = try RegistryImport.parse(kind: "hearings", format: "ics", name: "court.ics", bytes: Array(late.utf8)).get()
        #expect(refused.hearings.isEmpty && !refused.errors.isEmpty, "\(refused.errors)")
    }
}
