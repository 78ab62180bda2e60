/// A recording request that cannot be done, with a stable code the control API returns.
public struct RecordingError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Code: String, Sendable {
        /// 400: the request is malformed (a duration of zero, both kinds of duration…).
        case badRequest = "bad-request"
        /// 404: no courtroom has that id.
        case notFound = "not-found"
        /// 409: the courtroom is already recording.
        case alreadyRecording = "already-recording"
        /// 404: the hearing named is not in the registry.
        case hearingNotFound = "hearing-not-found"
        /// 409: the hearing named sits in another courtroom, or not now.
        case hearingNotHere = "hearing-not-in-session"
        /// 503: the PCM cannot be opened or set up (named in the message).
        case pcmOpen = "pcm-open"
        /// 503: the capture could not start for another reason (segment directory, configuration).
        case captureFailed = "capture-failed"
        /// 503: the courtroom's audio interface is not docked, or recording is shutting down.
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
