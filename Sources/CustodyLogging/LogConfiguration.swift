/// `[log]` of `custodyd.toml`. Its key has its default here; `docs/configuration.md`
/// documents it.
public struct LogConfiguration: Sendable, Equatable {
    /// `level`: trace, debug, info, notice, warning, error, critical.
    public var level: String = "info"
    public init() {}
}
