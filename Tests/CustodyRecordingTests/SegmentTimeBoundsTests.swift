// The first-sample time a recovered segment's own header states (SampleTime.read),
// with its integers at the edges of their fields: a TimeReference past any day, a
// rate no courtroom records at, dates outside the calendar. The reader answers nil
// (the recovery then uses the session's own record), never traps.
@testable import CustodyRecording
import CustodyTestSupport
import Foundation
import Testing

@Suite("Segment first-sample time: header integers bounded")
struct SegmentTimeBoundsTests {
    /// A minimal RIFF/WAVE with `fmt ` (the given rate) and `bext` (date and TimeReference).
    static func wave(rate: UInt32, date: String, timeReference: UInt64) -> [UInt8] {
        func le32(_ v: UInt32) -> [UInt8] { (0..<4).map { UInt8(truncatingIfNeeded: v >> (8 * UInt32($0))) } }
        func le64(_ v: UInt64) -> [UInt8] { (0..<8).map { UInt8(truncatingIfNeeded: v >> (8 * UInt64($0))) } }
        var fmt: [UInt8] = [1, 0, 2, 0] + le32(rate) + le32(rate &* 4) + [4, 0, 16, 0]
        fmt = Array("fmt ".utf8) + le32(UInt32(fmt.count)) + fmt
        var bext = [UInt8](repeating: 0, count: 602)
        bext.replaceSubrange(320..<330, with: Array(date.utf8.prefix(10)) + [UInt8](repeating: 0, count: max(0, 10 - date.utf8.count)))
        bext.replaceSubrange(330..<338, with: Array("09:30:00".utf8))
        bext.replaceSubrange(338..<346, with: le64(timeReference))
        bext = Array("bext".utf8) + le32(UInt32(bext.count)) + bext
        let data = Array("data".utf8) + le32(0)
        let body = Array("WAVE".utf8) + fmt + bext + data
        return Array("RIFF".utf8) + le32(UInt32(body.count)) + body
    }

    func firstSample(_ bytes: [UInt8]) throws -> (samples: Int64, rate: Int)? {
        let directory = try TemporaryDirectory("custody-sample-time")
        defer { directory.remove() }
        let path = directory.path + "/segment.wav"
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        return SampleTime.read(path: path)
    }

    @Test("a well-formed header gives its first sample")
    func wellFormed() throws {
        let stated = try #require(try firstSample(Self.wave(rate: 48000, date: "2026-03-14", timeReference: 34_200 * 48000)))
        #expect(stated.rate == 48000)
        #expect(stated.samples == (1_773_446_400 + 34_200) * 48000)
    }

    @Test("integers past their range are not trusted", arguments: [
        (UInt32(48000), "2026-03-14", UInt64.max),                   // TimeReference past Int64
        (UInt32(48000), "2026-03-14", UInt64(86_400 * 48000)),       // past the end of its day
        (UInt32.max, "9999-12-31", UInt64(0)),                       // a rate no courtroom records at
        (UInt32(0), "2026-03-14", UInt64(0)),                        // no rate
        (UInt32(48000), "1-1-999999", UInt64(0)),                    // a day the calendar would roll over
        (UInt32(48000), "0000-01-01", UInt64(0)),                    // before year 1
    ])
    func outOfRange(rate: UInt32, date: String, timeReference: UInt64) throws {
        #expect(try firstSample(Self.wave(rate: rate, date: date, timeReference: timeReference)) == nil)
    }

    @Test("a file time far past any rate's range gives a bounded sample count, not a trap")
    func farFileTime() {
        _ = SampleTime.samples(Date(timeIntervalSince1970: 1e15), rate: 768_000)
        _ = SampleTime.samples(Date(timeIntervalSince1970: -1e15), rate: 768_000)
    }
}
