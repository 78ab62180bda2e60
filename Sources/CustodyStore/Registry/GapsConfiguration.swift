/// `[gaps]` of `custodyd.toml`: what `custodyctl gaps` counts as missing. Every key
/// has its default here; `docs/configuration.md` documents each one.
public struct GapsConfiguration: Sendable, Equatable {
    /// `undockedHours`: a device assigned but neither docked nor ingested for longer is a gap.
    public var undockedHours: Int = 24
    /// `clockToleranceSeconds`: a device clock off by more than this at a check is a gap.
    public var clockToleranceSeconds: Int = 120
    /// `holeSeconds`: a stretch of a hearing with no recording longer than this is a gap.
    public var holeSeconds: Int = 60
    public init() {}
}
