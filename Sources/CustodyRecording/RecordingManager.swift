import CustodyAudio
import CustodyCore
import CustodyIngest
import CustodyMetrics
import CustodyModel
import CustodyStore
import Foundation
import Logging
import Synchronization

/// Records courtrooms: starts and stops capture sessions (asked by a person or by
/// the hearing schedule), records what happens to them as custody events, and files
/// every closed segment through the ingest pipeline, tagged to its courtroom,
/// hearing and case.
///
/// Sessions run on their own capture threads; everything else (following their
/// events, filing segments, the schedule) happens only inside ``run()``, which the
/// daemon runs as a service. ``recover()`` repairs and queues what a crash left
/// behind; call it before ``run()``.
public final class RecordingManager: Sendable {
    public struct Options: Sendable {
        public var stateDirectory: String
        public var courtrooms: [CourtroomConfiguration]
        public var recording: RecordingConfiguration
        /// The PCM a session records from (tests give scripted ones; the daemon, ALSA's).
        public var source: @Sendable (CaptureConfiguration) -> sending any PCMSource
        /// How long a shutdown waits for closed segments to be filed.
        public var shutdownFilingSeconds: Double

        public init(stateDirectory: String, courtrooms: [CourtroomConfiguration], recording: RecordingConfiguration = .init(),
                    source: @escaping @Sendable (CaptureConfiguration) -> sending any PCMSource = { ALSACapturePCM(name: $0.pcmName) },
                    shutdownFilingSeconds: Double = 30) {
            self.stateDirectory = stateDirectory; self.courtrooms = courtrooms; self.recording = recording; self.source = source
            self.shutdownFilingSeconds = shutdownFilingSeconds
        }

        /// `<stateDirectory>/recordings`.
        public var recordingsDirectory: String { stateDirectory + "/recordings" }
    }

    let options: Options
    let store: any EvidenceStore & RecordingStore
    let engine: IngestEngine
    let docks: (any DockStore)?
    let schedule: (any HearingSchedule)?
    let clock: any WallClock
    /// `custody_audio_*`: sessions, dropped frames, alarms.
    let metrics: AudioMetrics?
    let logger: Logger
    /// Configured courtrooms, in configuration order.
    let rooms: [Room]
    let roomsByID: [String: Room]

    enum Work: Sendable {
        case follow(Room, ActiveSession)
    }
    let work: AsyncStream<Work>
    private let workInput: AsyncStream<Work>.Continuation
    /// False once shutdown began: no new session starts.
    private let accepting = Mutex(true)
    let running = Atomic<Bool>(false)
    /// After this instant a shutting-down filer stops waiting (its segment is filed at the next start).
    let filingDeadline = Mutex<Date?>(nil)
    /// Filers of courtrooms no longer configured, found by recovery.
    let orphanRooms = Mutex<[Room]>([])

    public init(options: Options, store: any EvidenceStore & RecordingStore, engine: IngestEngine, docks: (any DockStore)? = nil,
                schedule: (any HearingSchedule)? = nil, clock: any WallClock = SystemWallClock(), metrics: AudioMetrics? = nil,
                logger: Logger) {
        self.options = options
        self.store = store
        self.engine = engine
        self.docks = docks
        self.schedule = schedule
        self.clock = clock
        self.metrics = metrics
        self.logger = logger
        rooms = options.courtrooms.map { Room(config: $0, recordingsDirectory: options.recordingsDirectory) }
        roomsByID = Dictionary(rooms.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        (work, workInput) = AsyncStream.makeStream(of: Work.self)
    }

    // MARK: Starting

    /// Starts recording a courtroom and returns once its PCM is open and capture
    /// has begun (or could not).
    /// - Throws: ``RecordingError``: no such courtroom (`notFound`), already recording,
    ///   a bad duration, an interface not docked, or a PCM that cannot be opened
    ///   (`pcmOpen`, naming the PCM; the courtroom's status then shows the fault).
    public func start(_ body: RecordingRequest, caller: Caller) async throws(RecordingError) -> CourtroomRecording {
        try await start(body, caller: caller, automatic: false)
    }

    func start(_ body: RecordingRequest, caller: Caller, automatic: Bool) async throws(RecordingError) -> CourtroomRecording {
        guard let room = roomsByID[body.courtroom] else {
            throw RecordingError(.notFound, "no courtroom \"\(body.courtroom)\"" + (rooms.isEmpty
                ? " (no [[courtroom]] is configured)" : " (configured: \(rooms.map(\.id).joined(separator: ", ")))"))
        }
        let duration = try Self.durationFrames(body, rate: room.config.rate)
        for (name, value) in [("hearing", body.hearing), ("case", body.case)] {
            if let value, value.isEmpty || value.count > 200 || value.contains(where: { $0.isNewline || $0.asciiValue.map { $0 < 32 } == true }) {
                throw RecordingError(.badRequest, "\(name) must be 1–200 characters on one line, not \"\(value.prefix(60))\"")
            }
        }
        // The hearing is checked against the registry's index: through the store's door.
        let tags = await BlockingDoor.store.run {
            Result { () throws(RecordingError) in try self.hearingTags(body, room: room, automatic: automatic) }
        }
        let (hearing, caseNumber) = try tags.get()
        let (pcm, interfaceSerial) = try resolvePCM(room)
        do {
            try FileManager.default.createDirectory(atPath: room.directory, withIntermediateDirectories: true,
                                                    attributes: [.posixPermissions: 0o750])
        } catch {
            throw RecordingError(.captureFailed, "cannot make the recordings directory \(room.directory): \(error.localizedDescription)")
        }
        let configuration = captureConfiguration(room, pcm: pcm, hearing: hearing, caseNumber: caseNumber, duration: duration)
        let request = SessionRequest(hearing: hearing, caseNumber: caseNumber, automatic: automatic, caller: caller,
                                     requestedAt: clock.now(), durationFrames: duration, pcm: pcm, interfaceSerial: interfaceSerial)
        let session = ActiveSession(request: request, capture: CaptureSession(configuration: configuration,
                                                                              source: options.source(configuration)))
        try accepting.withLock { (accepting: inout Bool) throws(RecordingError) in
            guard accepting, running.load(ordering: .acquiring) else {
                throw RecordingError(.unavailable, "recording is not running (custodyd is starting or shutting down); try again")
            }
            try room.state.withLock { (state: inout RoomState) throws(RecordingError) in
                if let current = state.current, current.finished.value == nil {
                    let who = current.request.automatic ? "the hearing schedule" : "\(current.request.caller.name) (uid \(current.request.caller.uid))"
                    throw RecordingError(.alreadyRecording, "courtroom \(room.id) is already recording (started by \(who) at \(RFC3339.format(current.request.requestedAt))\(current.request.hearing.map { ", hearing \($0)" } ?? "")); stop it first")
                }
                state.current = session
                // A person took charge of this hearing: the schedule leaves it alone.
                if !automatic, let hearing { state.overridden.insert(hearing) }
            }
            workInput.yield(.follow(room, session))
            session.capture.start()
        }
        switch await session.opened.wait() {
        case .started:
            logger.info("courtroom \(room.id): recording from \(pcm)\(hearing.map { " for hearing \($0)" } ?? "")\(automatic ? " (schedule)" : " (\(caller.name))")")
            return (try? status(room, segments: 0)) ?? liveStatus(room)
        case .failed(let code, let message):
            // The session has ended (its fault and end recorded) before the refusal is answered.
            _ = await session.finished.wait()
            throw RecordingError(code == .pcmOpen ? .pcmOpen : .captureFailed, message)
        }
    }

    /// Frames the session is bounded to, from the request.
    static func durationFrames(_ body: RecordingRequest, rate: Int) throws(RecordingError) -> UInt64? {
        switch (body.durationFrames, body.durationSeconds) {
        case (nil, nil):
            return nil
        case (.some, .some):
            throw RecordingError(.badRequest, "give durationFrames or durationSeconds, not both")
        case (.some(let frames), nil):
            guard frames >= 1 else { throw RecordingError(.badRequest, "durationFrames must be at least 1, not \(frames)") }
            return UInt64(frames)
        case (nil, .some(let seconds)):
            let frames = (seconds * Double(rate)).rounded()
            guard seconds.isFinite, frames >= 1, frames < 1e15 else {
                throw RecordingError(.badRequest, "durationSeconds must be at least one frame (1/\(rate) s), not \(seconds)")
            }
            return UInt64(frames)
        }
    }

    /// The PCM of a courtroom: configured, or that of its docked audio interface.
    func resolvePCM(_ room: Room) throws(RecordingError) -> (pcm: String, interface: String?) {
        if let pcm = room.config.pcm { return (pcm, nil) }
        guard let serial = room.config.interface else {
            throw RecordingError(.captureFailed, "courtroom \(room.id) names neither a pcm nor an interface")
        }
        guard let docks else {
            throw RecordingError(.unavailable, "courtroom \(room.id) records through interface \(serial), but docking is disabled ([devices] enabled = false)")
        }
        let present: [Dock]
        do { present = try docks.docks(presentOnly: true, limit: 10_000) } catch {
            throw RecordingError(.unavailable, "cannot list docked devices: \(error)")
        }
        guard let dock = present.first(where: { $0.serial == serial }) else {
            throw RecordingError(.unavailable, "the audio interface \(serial) of courtroom \(room.id) is not docked (custodyctl devices lists what is)")
        }
        guard let card = dock.alsaCard else {
            throw RecordingError(.unavailable, "the audio interface \(serial) of courtroom \(room.id) is docked (dock \(dock.id)) but has no ALSA card")
        }
        return ("hw:CARD=\(card),DEV=\(room.config.device)", serial)
    }

    func captureConfiguration(_ room: Room, pcm: String, hearing: String?, caseNumber: String?, duration: UInt64?) -> CaptureConfiguration {
        let c = room.config
        let rate = Double(c.rate)
        var configuration = CaptureConfiguration(
            courtroomID: c.id, pcmName: pcm, format: room.format, channelNames: c.effectiveChannelNames,
            segmentFrames: c.effectiveSegmentFrames, durationLimitFrames: duration, hearingID: hearing ?? "",
            caseReference: caseNumber ?? "", outputDirectory: room.directory, originator: "Custody")
        configuration.periodFrames = c.periodFrames
        configuration.bufferFrames = c.bufferFrames
        configuration.checkpointFrames = max(1, UInt64((c.checkpointSeconds * rate).rounded()))
        configuration.noDataAlarmMilliseconds = max(1, Int((c.noDataSeconds * 1000).rounded()))
        configuration.readTimeoutMilliseconds = max(1, min(200, configuration.noDataAlarmMilliseconds / 2))
        configuration.silenceThresholdDBFS = c.silenceThresholdDBFS
        configuration.silenceAlarmFrames = max(1, UInt64((c.silenceSeconds * rate).rounded()))
        return configuration
    }

    // MARK: Stopping

    /// Stops the courtroom's session (finishing its segment) and returns once its end
    /// is recorded. A courtroom not recording is left as it is.
    /// - Throws: ``RecordingError/Code/notFound``.
    public func stop(courtroom id: String, caller: Caller) async throws(RecordingError) -> CourtroomRecording {
        guard let room = roomsByID[id] else {
            throw RecordingError(.notFound, "no courtroom \"\(id)\"" + (rooms.isEmpty ? " (no [[courtroom]] is configured)"
                                                                        : " (configured: \(rooms.map(\.id).joined(separator: ", ")))"))
        }
        await stop(room, by: caller, reason: "stopRequested")
        return (try? status(room, segments: 0)) ?? liveStatus(room)
    }

    /// Stops a room's session, if one is running, and waits for its end to be recorded.
    func stop(_ room: Room, by caller: Caller, reason: String) async {
        let session = room.state.withLock { state -> ActiveSession? in
            guard let current = state.current, current.finished.value == nil else { return nil }
            // A person stopped this hearing's recording: the schedule does not start it again.
            if reason == "stopRequested", let hearing = current.request.hearing { state.overridden.insert(hearing) }
            return current
        }
        guard let session else { return }
        session.requestStop(by: caller, reason: reason)
        _ = await session.finished.wait()
    }

    /// Stops every session and ends ``run()`` once their ends are recorded and their
    /// segments filed (or the filing time is up: they are filed at the next start).
    public func shutdown() {
        let sessions = accepting.withLock { accepting -> [ActiveSession] in
            guard accepting else { return [] }
            accepting = false
            filingDeadline.withLock { $0 = clock.now().addingTimeInterval(options.shutdownFilingSeconds) }
            let sessions = rooms.compactMap(\.active)
            for session in sessions { session.requestStop(by: .daemon, reason: "shutdown") }
            workInput.finish()
            return sessions
        }
        // Filers waiting for a job's end look again, now with the filing deadline.
        store.changes.announce(.recordings)
        if !sessions.isEmpty { logger.notice("recording: stopping \(sessions.count) sessions for shutdown") }
    }

    var isShuttingDown: Bool { accepting.withLock { !$0 } }
}
