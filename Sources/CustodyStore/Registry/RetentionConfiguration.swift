extension DaemonConfig {
    /// `[retention]`: how long each category of recording is kept.
    public struct Retention: Sendable, Equatable {
        /// The category every recording starts in, and the one that never expires early.
        public static let unclassified = "unclassified"

        /// `[retention.categories]`: days a recording of each category is kept after it
        /// was recorded, before `retention apply` may delete its stored file; 0 keeps it
        /// for ever. `unclassified` is always there and is 0 or at least the longest
        /// period of any other category.
        public var categories: [String: Int] = [
            unclassified: 0,
            "non-evidential": 31,
            "traffic": 395,
            "evidential": 2557,
            "hearing": 3653,
        ]
        public init() {}
    }

    /// `[gaps]`: what `custodyctl gaps` counts as missing.
    public struct Gaps: Sendable, Equatable {
        /// `undockedHours`: a device assigned but neither docked nor ingested for longer is a gap.
        public var undockedHours: Int = 24
        /// `clockToleranceSeconds`: a device clock off by more than this at a check is a gap.
        public var clockToleranceSeconds: Int = 120
        /// `holeSeconds`: a stretch of a hearing with no recording longer than this is a gap.
        public var holeSeconds: Int = 60
        public init() {}
    }
}
