import CustodyCore
import CustodyProtocol
import CustodyRecording
import CustodyStore
import Foundation

/// `/v1/recordings`: courtroom recording sessions and their segments.
extension ControlRoutes {
    /// Who may start and stop recording.
    static let recorders: Set<Role> = [.operator_, .supervisor, .admin]

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
        return .json(RecordingListDTO(courtrooms: try manager.courtrooms(), segments: try manager.segments(query)))
    }

    /// `POST /v1/recordings`: starts a courtroom's session.
    func startRecording(_ request: ControlRequest) async throws -> ControlResponse {
        let manager = try requireRecordings()
        let body: RecordingStartDTO
        do {
            body = try RequestBody.decode(RecordingStartDTO.self, from: request.body)
        } catch {
            throw ProblemDTO.badRequest("the body must be JSON like {\"courtroom\": \"3\", \"hearing\": \"H-2026-0142\"}: \(Self.describe(error))")
        }
        do {
            return .json(try await manager.start(body, caller: request.caller), status: .created)
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
        return .json(found)
    }

    /// `POST /v1/recordings/{courtroom}`: stops its session.
    func actOnRecording(_ request: ControlRequest, courtroom: String) async throws -> ControlResponse {
        let manager = try requireRecordings()
        let body: RecordingActionDTO
        do {
            body = try RequestBody.decode(RecordingActionDTO.self, from: request.body)
        } catch {
            throw ProblemDTO.badRequest("the body must be JSON like {\"action\": \"stop\"}: \(Self.describe(error))")
        }
        do {
            switch body.action {
            case .stop: return .json(try await manager.stop(courtroom: courtroom, caller: request.caller))
            }
        } catch {
            throw Self.problem(error, title: "Cannot stop recording")
        }
    }

    static func problem(_ error: RecordingError, title: String) -> ProblemDTO {
        let status = switch error.code {
        case .badRequest: 400
        case .notFound: 404
        case .alreadyRecording: 409
        case .pcmOpen, .captureFailed, .unavailable: 503
        }
        return ProblemDTO(status: status, code: error.code.rawValue, title: title, detail: error.message)
    }
}
