import CustodyAudio
import CustodyCore
import Foundation
import Synchronization

/// A configured courtroom: its settings, its sessions and the queue of its
/// segments waiting to be filed.
final class Room: Sendable {
    let config: CourtroomConfiguration
    let format: PCMStreamFormat
    /// `<stateDirectory>/recordings/<id>`: where its segments are written.
    let directory: String
    let state = Mutex(RoomState())
    /// Working files of closed segments, in order, for the room's filer.
    let filing: AsyncStream<String>
    let filingInput: AsyncStream<String>.Continuation

    init(config: CourtroomConfiguration, recordingsDirectory: String) {
        self.config = config
        format = PCMStreamFormat(sampleFormat: PCMSampleFormat(alsaName: config.format) ?? .s16LE, channels: config.channels,
                                 rate: config.rate)
        directory = recordingsDirectory + "/" + config.id
        (filing, filingInput) = AsyncStream.makeStream(of: String.self)
    }

    var id: String { config.id }

    /// The session recording now (opening or recording), if any.
    var active: ActiveSession? {
        state.withLock { $0.current }.flatMap { $0.finished.value == nil ? $0 : nil }
    }
}

struct RoomState {
    /// The latest session: the one recording now, or the last one.
    var current: ActiveSession?
    /// Hearings a person took charge of (started or stopped by hand): the schedule leaves them alone.
    var overridden: Set<String> = []
    /// When the schedule last tried to start each hearing.
    var automaticAttempts: [String: Date] = [:]
}

/// What a session was asked to be.
struct SessionRequest: Sendable {
    var hearing: String?
    var caseNumber: String?
    var automatic: Bool
    var caller: Caller
    var requestedAt: Date
    var durationFrames: UInt64?
    var pcm: String
    var interfaceSerial: String?
}

/// How opening a session's PCM went.
enum OpenOutcome: Sendable {
    case started(reference: String)
    case failed(code: CaptureFault.Code, message: String)
}

/// How a session ended, once its end is recorded.
struct SessionEnd: Sendable {
    /// `durationReached`, `stopRequested`, `schedule`, `shutdown` or `fault`.
    var reason: String
    var stop: CaptureStop?
}

/// One capture session, from the request to its recorded end.
final class ActiveSession: Sendable {
    let request: SessionRequest
    let capture: CaptureSession
    /// Set when the PCM is open and capture started, or when it could not be.
    let opened = OneShot<OpenOutcome>()
    /// Set once the session has ended and its end is recorded.
    let finished = OneShot<SessionEnd>()
    let reference = Mutex<String?>(nil)
    /// The first frame's sample since the epoch (set when capture starts): every time
    /// the session records (its start, its hearing's actual times) is computed from it.
    let firstSample = Mutex<Int64?>(nil)
    /// Who asked it to stop, and why (`stopRequested`, `schedule`, `shutdown`); the first asking wins.
    let stopRequest = Mutex<(caller: Caller, reason: String)?>(nil)
    let stoppedAt = Mutex<Date?>(nil)
    /// When the capture reported its fault.
    let faultAt = Mutex<Date?>(nil)
    let segmentsFiled = Atomic<Int>(0)

    init(request: SessionRequest, capture: CaptureSession) {
        self.request = request
        self.capture = capture
    }

    /// Asks the capture to stop; the first request's caller and reason are kept.
    func requestStop(by caller: Caller, reason: String) {
        stopRequest.withLock { if $0 == nil { $0 = (caller, reason) } }
        capture.stop()
    }
}
