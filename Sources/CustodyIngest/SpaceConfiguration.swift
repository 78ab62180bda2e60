/// `[space]` of `custodyd.toml`: free space on the store's file system, as the
/// free-space gate keeps it. Every key has its default here; `docs/configuration.md`
/// documents each one.
public struct SpaceConfiguration: Sendable, Equatable {
    /// `warnBelowBytes`: below this much free space, status warns and a `store.space.low` event is recorded.
    public var warnBelowBytes: Int64 = 10 << 30
    /// `pauseBelowBytes`: ingest pauses rather than leave less than this free.
    public var pauseBelowBytes: Int64 = 1 << 30
    /// `resumeAboveBytes`: a paused ingest resumes once this much is free again.
    public var resumeAboveBytes: Int64 = 2 << 30
    /// `checkIntervalSeconds`: how often free space is measured.
    public var checkIntervalSeconds: Int = 10
    public init() {}
}
