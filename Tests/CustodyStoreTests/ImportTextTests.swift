import CustodyCore
import CustodyModel
import Foundation
import Testing
@testable import CustodyStore

/// A registry file whose text the index cannot keep (a NUL) is refused line by line,
/// naming the line and the field, and nothing of it is imported.
@Suite("Registry files holding text the record cannot keep")
struct ImportTextTests {
    static func parse(_ kind: String, _ bytes: [UInt8], name: String) throws -> RegistryImport {
        try RegistryImport.parse(kind: kind, format: nil, name: name, bytes: bytes).get()
    }

    @Test("CSV: a NUL in a field is an error naming its line and column; the row is not imported")
    func csvNUL() throws {
        let text = "badge,name,unit\nB-1,Ana,North\nB-2,Bo\0b,South\nB-3,Cy,\0\n"
        let file = try Self.parse("officers", Array(text.utf8), name: "officers.csv")
        #expect(file.officers.map(\.badge) == ["B-1"])
        let errors = file.errors.filter { $0.message.contains("U+0000") }
        #expect(errors.map(\.line) == [3, 4], "\(file.errors)")
        #expect(errors.map(\.field) == ["name", "unit"])
    }

    @Test("CSV: a NUL in the header names the header line")
    func csvHeaderNUL() throws {
        let file = try Self.parse("officers", Array("badge,na\0me,unit\nB-1,Ana,North\n".utf8), name: "officers.csv")
        #expect(file.errors.contains { $0.line == 1 && $0.message.contains("U+0000") }, "\(file.errors)")
        #expect(file.officers.isEmpty)
    }

    @Test("iCalendar: a NUL in a property is an error naming its line and property; the event is not imported")
    func icsNUL() throws {
        let ics = """
            BEGIN:VCALENDAR\r
            BEGIN:VEVENT\r
            UID:H-1\r
            SUMMARY:Hearing\0 one\r
            DTSTART:20260316T090000Z\r
            DTEND:20260316T100000Z\r
            LOCATION:CR1\r
            X-CUSTODY-CASE:K-1\r
            X-CUSTODY-JUDGE:Judge A\r
            END:VEVENT\r
            END:VCALENDAR\r

            """
        let file = try Self.parse("hearings", Array(ics.utf8), name: "hearings.ics")
        let nul = file.errors.filter { $0.message.contains("U+0000") }
        #expect(nul.map(\.line) == [4] && nul.map(\.field) == ["SUMMARY"], "\(file.errors)")
        #expect(file.hearings.isEmpty)
    }
}
