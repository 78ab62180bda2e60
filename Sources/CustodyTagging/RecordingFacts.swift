import Foundation

/// What tagging needs to know of one recording.
public struct RecordingFacts: Sendable, Equatable {
    /// The serial of the device that made it; nil for a file of no known device.
    public var device: String?
    /// When it was made: the recording's own time (never the ingest time), corrected by
    /// the device's clock offset, as the index holds it.
    public var time: Date
    public init(device: String?, time: Date) { self.device = device; self.time = time }
}
