import CustodyTestSupport
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

@Suite("RFC 3339: one instant, one text")
struct RFC3339RoundingTests {
    static let t0 = 1_790_000_000.0  // 2026-09-21T14:13:20Z

    @Test("the millisecond an instant falls in: x.4675 s is .467, whatever the binary fraction")
    func truncatesToItsMillisecond() {
        #expect(RFC3339.format(Date(timeIntervalSince1970: Self.t0 + 0.4675)) == "2026-09-21T14:13:20.467Z")
        #expect(RFC3339.format(Date(timeIntervalSince1970: Self.t0 + 0.467875)) == "2026-09-21T14:13:20.467Z")
        #expect(RFC3339.format(Date(timeIntervalSince1970: Self.t0 + 0.46849)) == "2026-09-21T14:13:20.468Z")
    }

    @Test("a binary fraction just below a millisecond is that millisecond, however it was computed")
    func binaryFractionsBelowAMillisecond() {
        // The instant of sample 8 at 8 kHz past t0, computed three ways: each Double lands
        // a hair on either side of .001; all three are the same millisecond.
        let ways = [Date(timeIntervalSince1970: Self.t0 + 8.0 / 8000),
                    Date(timeIntervalSince1970: Self.t0).addingTimeInterval(0.001),
                    Date(timeIntervalSince1970: Double(Int64(Self.t0) / 86_400 * 86_400) + Double(Int64(Self.t0) % 86_400) + 0.001)]
        #expect(ways.contains { $0.timeIntervalSince1970 - Self.t0 < 0.001 }, "the case this pins: a Double below .001")
        for date in ways { #expect(RFC3339.format(date) == "2026-09-21T14:13:20.001Z", "\(date.timeIntervalSince1970)") }
        for ms in 0..<1000 {
            let below = Date(timeIntervalSince1970: (Self.t0 + Double(ms) / 1000).nextDown)
            #expect(RFC3339.format(below) == RFC3339.format(Date(timeIntervalSince1970: Self.t0 + Double(ms) / 1000)))
        }
    }

    @Test("every text written parses back to an instant written the same (seeded, 50,000 instants from year 0 to 9999)")
    func roundTrips() {
        var generator = SplitMix64(seed: 0x5EED_2026)
        var differing: [String] = []
        for _ in 0..<50_000 {
            let seconds = Double(Int64.random(in: RFC3339.earliestSeconds...253_402_300_799, using: &generator))
                + Double.random(in: 0..<1, using: &generator)
            let text = RFC3339.format(Date(timeIntervalSince1970: seconds))
            if RFC3339.parse(text).map(RFC3339.format) != text { differing.append(text) }
        }
        #expect(differing.isEmpty, "\(differing.prefix(5))")
    }

    @Test("proleptic Gregorian years 0000 to 9999; instants beyond are bounded, never a trap", arguments: [
        (-62_135_596_800.0, "0001-01-01T00:00:00.000Z"), (-62_135_596_800.0 - 14 * 3600, "0000-12-31T10:00:00.000Z"),
        (-62_167_219_200.0, "0000-01-01T00:00:00.000Z"), (-1e15, "0000-01-01T00:00:00.000Z"), (-.infinity, "0000-01-01T00:00:00.000Z"),
        (253_402_300_799.9996, "9999-12-31T23:59:59.999Z"), (1e300, "9999-12-31T23:59:59.999Z"), (.nan, "0000-01-01T00:00:00.000Z"),
        (-0.4675, "1969-12-31T23:59:59.532Z"), (951_782_400, "2000-02-29T00:00:00.000Z"),
    ])
    func years(seconds: Double, text: String) throws {
        #expect(RFC3339.format(Date(timeIntervalSince1970: seconds)) == text)
        #expect(RFC3339.format(try #require(RFC3339.parse(text))) == text)
    }

    @Test("dates that do not exist and trailing text are refused", arguments: [
        "2026-02-30T00:00:00Z", "2026-03-14T24:00:00Z", "2026-03-14T09:26:53+01:00junk", "2026-03-14T09:26:53.Z",
        "2026-03-14 09:26:53Z", "2026-03-14T09:26:53+0100", "-0001-11-30T00:00:00.000Z", "2026-13-01T00:00:00Z",
    ])
    func refusesImpossible(text: String) {
        #expect(RFC3339.parse(text) == nil)
    }
}

