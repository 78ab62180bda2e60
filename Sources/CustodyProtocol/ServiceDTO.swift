/// Free space on the store's file system, in `GET /v1/status`.
public struct SpaceDTO: Sendable, Codable, Equatable {
    /// Bytes available to custodyd on the store's file system.
    public var freeBytes: Int64
    /// Size of that file system.
    public var totalBytes: Int64
    /// `[space] warnBelowBytes`, `pauseBelowBytes`, `resumeAboveBytes`.
    public var warnBelowBytes: Int64
    public var pauseBelowBytes: Int64
    public var resumeAboveBytes: Int64
    /// `ok`; `low` (below warnBelowBytes); `paused` (ingest waits for space).
    public var state: String

    public init(freeBytes: Int64, totalBytes: Int64, warnBelowBytes: Int64, pauseBelowBytes: Int64,
                resumeAboveBytes: Int64, state: String) {
        self.freeBytes = freeBytes; self.totalBytes = totalBytes; self.warnBelowBytes = warnBelowBytes
        self.pauseBelowBytes = pauseBelowBytes; self.resumeAboveBytes = resumeAboveBytes; self.state = state
    }
}

/// `GET` and `PUT /v1/log-level`: the daemon's log level.
public struct LogLevelDTO: Sendable, Codable, Equatable {
    /// trace, debug, info, notice, warning, error or critical.
    public var level: String
    public init(level: String) { self.level = level }

    public static let levels = ["trace", "debug", "info", "notice", "warning", "error", "critical"]
}
