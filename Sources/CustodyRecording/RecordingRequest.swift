/// A request to record a courtroom: by a person, or by the hearing schedule.
public struct RecordingRequest: Sendable, Equatable {
    /// The courtroom's `id` in `[[courtroom]]`.
    public var courtroom: String
    /// The hearing in session; when nil, the hearing the schedule has in session there (if any).
    public var hearing: String?
    /// The case; when nil, the hearing's case from the schedule (if any).
    public var `case`: String?
    /// Stop after this much audio, counted in frames (never wall time). At most one of
    /// `durationFrames` and `durationSeconds`; neither: until stopped.
    public var durationFrames: Int64?
    /// Stop after this much audio, in seconds at the courtroom's rate (counted in frames).
    public var durationSeconds: Double?

    public init(courtroom: String, hearing: String? = nil, case: String? = nil, durationFrames: Int64? = nil, durationSeconds: Double? = nil) {
        self.courtroom = courtroom; self.hearing = hearing; self.case = `case`
        self.durationFrames = durationFrames; self.durationSeconds = durationSeconds
    }
}
