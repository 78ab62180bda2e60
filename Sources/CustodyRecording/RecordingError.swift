/// A recording request that cannot be done, with a stable code.
public struct RecordingError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Code: String, Sendable {
        /// The request is malformed (a duration of zero, both kinds of duration…).
        case badRequest = "bad-request"
        /// No courtroom has that id.
        case notFound = "not-found"
        /// The courtroom is already recording.
        case alreadyRecording = "already-recording"
        /// The hearing named is not in the registry.
        case hearingNotFound = "hearing-not-found"
        /// The hearing named sits in another courtroom, or not now.
        case hearingNotHere = "hearing-not-in-session"
        /// The PCM cannot be opened or set up (named in the message).
        case pcmOpen = "pcm-open"
        /// The capture could not start for another reason (segment directory, configuration).
        case captureFailed = "capture-failed"
        /// The courtroom's audio interface is not docked, or recording is shutting down.
        case unavailable = "recording-unavailable"
    }

    public var code: Code
    public var message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { message }
}
