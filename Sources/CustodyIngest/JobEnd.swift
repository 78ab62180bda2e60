import CustodyModel

/// A job reached a final state: completed, completed with errors, failed or
/// interrupted (``IngestEngine/jobEnds()``).
public struct JobEnd: Sendable, Equatable {
    public var jobID: Int64
    public var state: JobState
    /// Why it ended so (the job's message), when it did not simply complete.
    public var message: String?

    public init(jobID: Int64, state: JobState, message: String?) {
        self.jobID = jobID; self.state = state; self.message = message
    }
}
