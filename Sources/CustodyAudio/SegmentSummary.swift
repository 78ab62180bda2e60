/// What happened during one segment: gaps, dropped frames, alarms, and the
/// level of every channel over the whole segment.
public struct SegmentSummary: Sendable, Hashable, Codable {
    public var frameCount: UInt64
    /// Gaps that fall inside the segment or right before its first frame.
    public var gaps: [CaptureGap]
    /// Frames known to be lost in those gaps.
    public var droppedFrames: UInt64
    /// Those gaps whose length is unknown.
    public var gapsOfUnknownLength: Int
    /// Alarms that were active at some frame of the segment (as they stood when it closed).
    public var alarms: [CaptureAlarm]
    /// Peak, RMS and clipped samples per channel over the segment.
    public var channels: [ChannelLevel]

    public init(frameCount: UInt64, gaps: [CaptureGap], alarms: [CaptureAlarm], channels: [ChannelLevel]) {
        self.frameCount = frameCount
        self.gaps = gaps
        droppedFrames = gaps.reduce(0) { $0 + ($1.lostFrames ?? 0) }
        gapsOfUnknownLength = gaps.filter { $0.lostFrames == nil }.count
        self.alarms = alarms
        self.channels = channels
    }
}
