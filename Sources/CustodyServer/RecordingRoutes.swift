import CustodyCore
import CustodyModel
import CustodyProtocol
import CustodyRecording
import CustodyStore
import Foundation

/// `/v1/recordings`: courtroom recording sessions and their segments.
extension ControlRoutes {
    func requireRecordings() throws -> RecordingManager {
        guard let recordings else {
            throw ProblemDTO(status: 503, code: "recording-unavailable", title: "Recording unavailable",
                             detail: "this daemon does not record courtrooms")
        }
        return recordings
    }

    /// `GET /v1/recordings`: every courtroom's recording, and segments (the latest, or
    /// those of a hearing, courtroom or session) in recording order.
    func listRecordings(_ request: ControlRequest) throws -> ControlResponse {
        let manager = try requireRecordings()
        var query = SegmentQuery()
        query.hearing = request.query["hearing"]
        query.courtroom = request.query["courtroom"]
        query.session = request.query["session"]
        query.limit = try intParameter(request, "limit", default: 100, range: 1...10_000)
        return .json(RecordingListDTO(courtrooms: try manager.courtrooms().map(CourtroomRecordingDTO.init),
                                      segments: try manager.segments(query).map(RecordingSegmentDTO.init)))
    }

    /// `POST /v1/recordings`: starts a courtroom's session.
    func startRecording(_ request: ControlRequest) async throws -> ControlResponse {
        let body = try decodeBody(RecordingStartDTO.self, request, example: #"{"courtroom": "3", "hearing": "H-2026-0142"}"#)
        let manager = try requireRecordings()
        do {
            let start = RecordingRequest(courtroom: body.courtroom, hearing: body.hearing, case: body.case,
                                         durationFrames: body.durationFrames, durationSeconds: body.durationSeconds)
            return .json(CourtroomRecordingDTO(try await manager.start(start, caller: request.caller)), status: .created)
        } catch {
            throw Self.problem(error, title: "Cannot start recording")
        }
    }

    /// `GET /v1/recordings/{courtroom}`: one courtroom's recording and its latest segments.
    func courtroomRecording(_ request: ControlRequest, courtroom: String) throws -> ControlResponse {
        let manager = try requireRecordings()
        let limit = try intParameter(request, "segments", default: 20, range: 0...10_000)
        guard let found = try manager.courtroom(courtroom, segments: limit) else {
            throw ProblemDTO.notFound("no courtroom \"\(courtroom)\"")
        }
        return .json(CourtroomRecordingDTO(found))
    }

    /// `POST /v1/recordings/{courtroom}`: stops its session.
    func actOnRecording(_ request: ControlRequest, courtroom: String) async throws -> ControlResponse {
        let manager = try requireRecordings()
        let body = try decodeBody(RecordingActionDTO.self, request, example: #"{"action": "stop"}"#)
        do {
            switch body.action {
            case .stop: return .json(CourtroomRecordingDTO(try await manager.stop(courtroom: courtroom, caller: request.caller)))
            }
        } catch {
            throw Self.problem(error, title: "Cannot stop recording")
        }
    }

    static func problem(_ error: RecordingError, title: String) -> ProblemDTO {
        let status = switch error.code {
        case .badRequest: 400
        case .notFound, .hearingNotFound: 404
        case .alreadyRecording, .hearingNotHere: 409
        case .pcmOpen, .captureFailed, .unavailable: 503
        }
        return ProblemDTO(status: status, code: error.code.rawValue, title: title, detail: error.message)
    }
}
