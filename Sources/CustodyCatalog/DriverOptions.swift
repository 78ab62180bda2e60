import CustodyCore

/// The `[device.options]` of a catalog entry, typed. Which options a driver accepts
/// is listed in ``DriverOptions/names(for:)``; an option given for a driver that does
/// not read it is a catalog error, so every field here that a driver does not use
/// keeps its default.
public struct DriverOptions: Sendable, Equatable {
    /// Every driver: start an ingest job (or, for `alsaCapture`, a capture) as soon
    /// as the device docks. nil: the daemon's per-kind default decides.
    public var autoIngest: Bool?

    /// `massStorage`, `ptp`, `mtp`: which files to ingest, as glob patterns over
    /// paths relative to the root of each storage (see ``CatalogGlob``).
    /// Default `["**"]`: every file.
    public var paths: [String]
    /// `massStorage`, `ptp`, `mtp`: files to leave out even if `paths` selects them.
    /// Default: none.
    public var exclude: [String]

    /// `alsaCapture`: frames per second; nil lets the driver choose.
    public var sampleRate: Int?
    /// `alsaCapture`: channels to capture; nil lets the driver choose.
    public var channels: Int?
    /// `alsaCapture`: sample format; nil lets the driver choose.
    public var sampleFormat: AudioSampleFormat?
    /// `alsaCapture`: length of one Broadcast Wave segment in seconds; nil lets the driver choose.
    public var segmentSeconds: Int?
    /// `massStorage`: about how many seconds after docking the model presents its
    /// storage (boot time, `usb-storage`'s delay). Only shapes what the waiting state
    /// says; Custody never gives up waiting. nil: not known.
    public var storageDelaySeconds: Int?

    public init(autoIngest: Bool? = nil, paths: [String] = ["**"], exclude: [String] = [],
                sampleRate: Int? = nil, channels: Int? = nil, sampleFormat: AudioSampleFormat? = nil, segmentSeconds: Int? = nil,
                storageDelaySeconds: Int? = nil) {
        self.autoIngest = autoIngest
        self.paths = paths
        self.exclude = exclude
        self.sampleRate = sampleRate
        self.channels = channels
        self.sampleFormat = sampleFormat
        self.segmentSeconds = segmentSeconds
        self.storageDelaySeconds = storageDelaySeconds
    }

    /// Whether a file at `path` (relative to its storage's root, `/`-separated) is
    /// to be ingested: some `paths` pattern matches it and no `exclude` pattern does.
    /// Patterns were validated when the catalog was read; an invalid one matches nothing.
    public func selects(_ path: String) -> Bool {
        func any(_ patterns: [String]) -> Bool {
            patterns.contains { CatalogGlob(validating: $0)?.matches(path) == true }
        }
        return any(paths) && !any(exclude)
    }

    /// The option keys `driver` accepts, sorted.
    public static func names(for driver: DriverKind) -> [String] {
        switch driver {
        case .massStorage: return ["autoIngest", "exclude", "paths", "storageDelaySeconds"]
        case .ptp, .mtp: return ["autoIngest", "exclude", "paths"]
        case .alsaCapture: return ["autoIngest", "channels", "sampleFormat", "sampleRate", "segmentSeconds"]
        }
    }

    /// Allowed ranges of the integer options.
    public static let sampleRateRange = 8_000...768_000
    public static let channelsRange = 1...64
    public static let segmentSecondsRange = 10...86_400
    public static let storageDelaySecondsRange = 1...3_600
}

/// ALSA sample formats a courtroom interface may deliver, named as ALSA names them.
public enum AudioSampleFormat: String, Sendable, CaseIterable {
    case s16LE = "S16_LE"
    case s24LE = "S24_LE"
    case s24_3LE = "S24_3LE"
    case s32LE = "S32_LE"
}
