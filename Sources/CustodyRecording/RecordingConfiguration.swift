/// `[recording]` of `custodyd.toml`: what all courtrooms share. Every key has its
/// default here; `docs/configuration.md` documents each one.
public struct RecordingConfiguration: Sendable, Equatable {
    /// `scheduleLeadSeconds`: an automatic session starts this long before a hearing's scheduled start.
    public var scheduleLeadSeconds: Int = 60
    /// `scheduleMarginSeconds`: and stops this long after its scheduled end.
    public var scheduleMarginSeconds: Int = 900
    /// `scheduleIntervalSeconds`: how often the hearing schedule is looked at.
    public var scheduleIntervalSeconds: Int = 10
    /// `keepFiledSegments`: keep each segment's working file in the recordings
    /// directory after it is filed (by default it is removed once verified in the store).
    public var keepFiledSegments: Bool = false
    public init() {}
}
