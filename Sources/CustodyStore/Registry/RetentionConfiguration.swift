/// `[retention]` of `custodyd.toml`: how long each category of recording is kept.
/// Its defaults are here; `docs/configuration.md` documents each category.
public struct RetentionConfiguration: Sendable, Equatable {
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
