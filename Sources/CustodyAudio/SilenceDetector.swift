import Foundation

/// Finds channels that stay below a level for too long.
///
/// A sample whose magnitude reaches the threshold is *signal*; a channel is
/// silent from the frame after its last signal sample (or from the start). When
/// a channel has been silent for ``silenceFrames`` frames its alarm is raised,
/// starting at the first silent frame; the next signal sample clears it, ending
/// there. Runs are found sample-exactly, even when they start and end within one
/// measured block.
struct SilenceDetector {
    /// A change of one channel's silence alarm.
    enum Transition: Equatable {
        case raised(channel: Int, startFrame: UInt64)
        case cleared(channel: Int, startFrame: UInt64, endFrame: UInt64)
    }

    /// Magnitude at which a sample counts as signal.
    let threshold: Int64
    let silenceFrames: UInt64
    /// Per channel: the first frame of the current silent run.
    var silentSince: [UInt64]
    /// Per channel: the start of the raised alarm, if one is raised.
    var raisedAt: [UInt64?]
    /// Silent runs long enough to alarm that a signal sample ended in this block
    /// (the level meter appends them: it tracks ``silentSince`` in its inner loop).
    var endedRuns: [(channel: Int, start: UInt64, end: UInt64)] = []

    /// - Parameters:
    ///   - thresholdDBFS: the level below which a channel counts as silent.
    ///   - firstFrame: the session's first frame (silence is counted from there).
    init(channels: Int, format: PCMSampleFormat, thresholdDBFS: Double, silenceFrames: UInt64, firstFrame: UInt64 = 0) {
        let magnitude = (format.fullScale * pow(10, thresholdDBFS / 20)).rounded(.up)
        threshold = Int64(max(1, min(magnitude, format.fullScale)))
        self.silenceFrames = max(1, silenceFrames)
        silentSince = Array(repeating: firstFrame, count: channels)
        raisedAt = Array(repeating: nil, count: channels)
    }

    /// Puts the ended runs in time order (the level meter finds them channel by channel).
    mutating func sortEndedRuns() {
        if endedRuns.count > 1 { endedRuns.sort { ($0.end, $0.channel) < ($1.end, $1.channel) } }
    }

    /// Ends a measured block at `endFrame` (exclusive) and returns the alarm changes in it.
    mutating func finishBlock(endFrame: UInt64) -> [Transition] {
        var transitions: [Transition] = []
        for run in endedRuns {
            if raisedAt[run.channel] != run.start {
                transitions.append(.raised(channel: run.channel, startFrame: run.start))
            }
            transitions.append(.cleared(channel: run.channel, startFrame: run.start, endFrame: run.end))
            raisedAt[run.channel] = nil
        }
        endedRuns.removeAll(keepingCapacity: true)
        for channel in silentSince.indices where raisedAt[channel] == nil {
            if endFrame - silentSince[channel] >= silenceFrames {
                raisedAt[channel] = silentSince[channel]
                transitions.append(.raised(channel: channel, startFrame: silentSince[channel]))
            }
        }
        return transitions
    }
}
