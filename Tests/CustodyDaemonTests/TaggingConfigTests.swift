import CustodyStore
import Testing
@testable import CustodyDaemon

@Suite("Retention and gap configuration")
struct TaggingConfigTests {
    @Test("the defaults: unclassified kept for ever, four more categories, gap thresholds")
    func defaults() {
        let c = DaemonConfig()
        #expect(c.retention.categories == ["unclassified": 0, "non-evidential": 31, "traffic": 395, "evidential": 2557, "hearing": 3653])
        #expect(c.gaps == GapsConfiguration())
        #expect(c.gaps.undockedHours == 24 && c.gaps.clockToleranceSeconds == 120 && c.gaps.holeSeconds == 60)
    }

    @Test("listed categories replace the defaults; unclassified is always there")
    func categoriesReplaceDefaults() throws {
        let c = try DaemonConfig.parse("""
            [retention.categories]
            minor-incident = 90
            evidential = 2557
            [gaps]
            undockedHours = 12
            clockToleranceSeconds = 30
            holeSeconds = 5
            """, file: "t.toml")
        #expect(c.retention.categories == ["minor-incident": 90, "evidential": 2557, "unclassified": 0])
        #expect(c.gaps.undockedHours == 12 && c.gaps.clockToleranceSeconds == 30 && c.gaps.holeSeconds == 5)
    }

    @Test("an empty [retention.categories] table keeps the defaults")
    func emptyTableKeepsDefaults() throws {
        #expect(try DaemonConfig.parse("[retention]\n[retention.categories]\n", file: "t.toml") == DaemonConfig())
    }

    @Test("unclassified may not expire before any other category", arguments: [
        ("[retention.categories]\nunclassified = 30\nevidential = 2557\n", 2, "retention.categories.unclassified"),
        ("[retention.categories]\nunclassified = 3000\nevidential = 0\n", 2, "retention.categories.unclassified"),
    ])
    func unclassifiedNeverExpiresEarly(text: String, line: Int, key: String) {
        do {
            _ = try DaemonConfig.parse(text, file: "t.toml")
            Issue.record("accepted \(text)")
        } catch {
            #expect(error.line == line && error.key == key)
            #expect(error.message.contains("never deleted early"))
        }
    }

    @Test("unclassified may be longer than every other period")
    func unclassifiedLonger() throws {
        let c = try DaemonConfig.parse("[retention.categories]\nunclassified = 4000\nevidential = 2557\n", file: "t.toml")
        #expect(c.retention.categories["unclassified"] == 4000)
    }

    @Test("bad category names, periods and keys name their line and key", arguments: [
        ("[retention.categories]\nEvidential = 10\n", 2, "retention.categories.Evidential"),
        ("[retention.categories]\n\"with space\" = 10\n", 2, "retention.categories.\"with space\""),
        ("[retention.categories]\nevidential = -1\n", 2, "retention.categories.evidential"),
        ("[retention.categories]\nevidential = \"ten\"\n", 2, "retention.categories.evidential"),
        ("[retention]\nperiod = 3\n", 2, "retention.period"),
        ("[gaps]\nundockedHours = 0\n", 2, "gaps.undockedHours"),
        ("[gaps]\nholeSeconds = 1.5\n", 2, "gaps.holeSeconds"),
        ("[gaps]\nholes = 1\n", 2, "gaps.holes"),
    ])
    func errors(text: String, line: Int, key: String) {
        do {
            _ = try DaemonConfig.parse(text, file: "t.toml")
            Issue.record("accepted \(text)")
        } catch {
            #expect(error.line == line && error.key == key, "\(error)")
        }
    }
}
