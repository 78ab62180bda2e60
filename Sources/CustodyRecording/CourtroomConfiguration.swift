/// `[[courtroom]]` of `custodyd.toml`: one courtroom recorded from an ALSA capture
/// PCM. Other tools write this table, so its first keys (`id`, `pcm`, `channels`,
/// `rate`, `format`, `channelNames`, `segmentMinutes`) keep their names. Every key but
/// `id` and `pcm`/`interface` has its default here; `docs/configuration.md` documents each one.
public struct CourtroomConfiguration: Sendable, Equatable {
    /// `id`: the courtroom's identifier, as the hearing schedule names it ("3", "CR3").
    public var id: String
    /// `pcm`: the ALSA capture PCM ("hw:CARD=Courtroom3,DEV=0", or a PCM of the ALSA
    /// configuration). Exactly one of `pcm` and `interface` is given.
    public var pcm: String?
    /// `interface`: the USB serial of the courtroom's audio interface; its PCM is
    /// `hw:CARD=<card>,DEV=<device>` of the ALSA card the docked interface has.
    public var interface: String?
    /// `device`: the ALSA device number on the interface's card (with `interface`).
    public var device: Int = 0
    /// `channels`: channels the PCM must deliver.
    public var channels: Int = 2
    /// `rate`: frames per second the PCM must deliver (never resampled).
    public var rate: Int = 48_000
    /// `format`: "S16_LE", "S24_3LE" or "S32_LE".
    public var format: String = "S16_LE"
    /// `channelNames`: one name per channel ("judge", "witness"); empty: "Channel 1" ….
    public var channelNames: [String] = []
    /// `segmentMinutes`: length of each Broadcast Wave segment.
    public var segmentMinutes: Int = 30
    /// `segmentFrames`: segment length in frames; overrides `segmentMinutes` (tests, odd rates).
    public var segmentFrames: Int64?
    /// `checkpointSeconds`: audio between checkpoints (data synced, header sizes
    /// written): at most this much is lost to a power cut.
    public var checkpointSeconds: Double = 2
    /// `silenceThresholdDBFS`: a channel below this level counts as silent.
    public var silenceThresholdDBFS: Double = -60
    /// `silenceSeconds`: a channel silent this long raises the silence alarm.
    public var silenceSeconds: Double = 60
    /// `noDataSeconds`: a PCM delivering nothing this long raises the no-data alarm.
    public var noDataSeconds: Double = 2
    /// `periodFrames`, `bufferFrames`: preferred ALSA period and buffer sizes.
    public var periodFrames: Int = 1024
    public var bufferFrames: Int = 8192
    /// `automatic`: start and stop recording with the hearing schedule.
    public var automatic: Bool = true

    public init(id: String, pcm: String? = nil, interface: String? = nil) {
        self.id = id
        self.pcm = pcm
        self.interface = interface
    }

    /// Frames per segment: `segmentFrames`, or `segmentMinutes` at `rate`.
    public var effectiveSegmentFrames: UInt64 {
        segmentFrames.map { UInt64($0) } ?? UInt64(segmentMinutes) * 60 * UInt64(rate)
    }

    /// The channel names to use: the configured ones, or "Channel 1" ….
    public var effectiveChannelNames: [String] {
        channelNames.isEmpty ? (1...max(1, channels)).map { "Channel \($0)" } : channelNames
    }

    /// The sample format names a courtroom's `format` may take.
    public static let formats = ["S16_LE", "S24_3LE", "S32_LE"]
}
