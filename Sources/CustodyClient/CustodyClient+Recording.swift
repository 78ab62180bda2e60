import CustodyProtocol
import Foundation

/// Courtroom recording: `/v1/recordings`.
extension CustodyClient {
    /// Every courtroom's recording, and segments (`hearing`, `courtroom`, `session`, `limit`).
    public func recordings(_ query: [(String, String)] = []) throws(ClientError) -> RecordingListDTO {
        try get(API.recordings + Self.queryString(query))
    }

    /// One courtroom's recording with its latest `segments` segments.
    public func recording(_ courtroom: String, segments: Int = 20) throws(ClientError) -> CourtroomRecordingDTO {
        try get(API.recording(courtroom) + "?segments=\(segments)")
    }

    /// Starts recording a courtroom; returns once capture has begun.
    public func startRecording(_ request: RecordingStartDTO) throws(ClientError) -> CourtroomRecordingDTO {
        try call("POST", API.recordings, body: try encode(request))
    }

    /// Stops a courtroom's session; returns once its end is recorded.
    public func stopRecording(_ courtroom: String) throws(ClientError) -> CourtroomRecordingDTO {
        try call("POST", API.recording(courtroom), body: try encode(RecordingActionDTO(action: .stop)))
    }
}
