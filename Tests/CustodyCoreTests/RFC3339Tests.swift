import Foundation
import Testing
@testable import CustodyCore

@Suite("RFC 3339 times")
struct RFC3339Tests {
    @Test("formats in UTC with milliseconds and Z")
    func formats() {
        #expect(RFC3339.format(Date(timeIntervalSince1970: 1_773_480_413.25)) == "2026-03-14T09:26:53.250Z")
    }

    @Test("parses offsets into the same instant", arguments: [
        "2026-03-14T10:26:53+01:00", "2026-03-14T09:26:53Z", "2026-03-14T09:26:53.000Z", "2026-03-14T04:26:53-05:00",
    ])
    func parsesOffsets(text: String) throws {
        #expect(try #require(RFC3339.parse(text)) == Date(timeIntervalSince1970: 1_773_480_413))
    }

    @Test("refuses what is not RFC 3339", arguments: ["yesterday", "2026-03-14", "14.03.2026 09:26", ""])
    func refuses(text: String) {
        #expect(RFC3339.parse(text) == nil)
    }
}
