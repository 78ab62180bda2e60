import CustodyTagging
import Foundation
import Testing

@Suite("Time spans")
struct TimeSpanTests {
    static let t0 = Date(timeIntervalSince1970: 1_773_500_000)

    @Test("spans are half-open: the start belongs, the end does not")
    func boundaries() {
        let span = TimeSpan(Self.t0, Self.t0 + 3600)
        #expect(span.contains(Self.t0) && span.contains(Self.t0 + 3599.999))
        #expect(!span.contains(Self.t0 + 3600) && !span.contains(Self.t0 - 0.001))
        #expect(TimeSpan(Self.t0, nil).contains(Self.t0 + 1e9))
    }

    @Test("overlaps: touching spans do not overlap; open spans overlap everything after them")
    func overlaps() {
        let a = TimeSpan(Self.t0, Self.t0 + 100)
        #expect(!a.overlaps(TimeSpan(Self.t0 + 100, Self.t0 + 200)))
        #expect(a.overlaps(TimeSpan(Self.t0 + 99, Self.t0 + 200)))
        #expect(a.overlaps(TimeSpan(Self.t0 - 50, nil)) && TimeSpan(Self.t0 - 50, nil).overlaps(a))
        #expect(!TimeSpan(Self.t0 + 100, nil).overlaps(a))
        #expect(TimeSpan(Self.t0, nil).overlaps(TimeSpan(Self.t0 + 1e6, nil)))
    }
}
