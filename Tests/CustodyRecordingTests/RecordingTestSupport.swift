import CustodyAudio
import CustodyCore
import CustodyDirectory
import CustodyIngest
import CustodyModel
@testable import CustodyRecording
import CustodyStore
import CustodyTestSupport
import Foundation
import Logging
import Synchronization
import Testing

/// A store, an ingest engine and a recording manager in a scratch directory, with
/// their services running; sessions record from scripted PCMs.
final class RecordingHarness: Sendable {
    let directory: TemporaryDirectory
    let store: LocalStore
    let engine: IngestEngine
    let manager: RecordingManager
    let book = ScriptBook()
    private let tasks = Mutex<[Task<Void, Never>]>([])

    static let stereo = PCMStreamFormat(sampleFormat: .s16LE, channels: 2, rate: 8000)

    /// A courtroom recording stereo S16_LE at 8 kHz, in segments of `segmentFrames`.
    static func courtroom(_ id: String, segmentFrames: Int64 = 1000, pcm: String? = nil) -> CourtroomConfiguration {
        var room = CourtroomConfiguration(id: id, pcm: pcm ?? "scripted-\(id)")
        room.rate = 8000
        room.channels = 2
        room.channelNames = ["judge", "witness"]
        room.segmentFrames = segmentFrames
        room.silenceSeconds = 0.25
        room.noDataSeconds = 0.5
        return room
    }

    init(courtrooms: [CourtroomConfiguration], recording: RecordingConfiguration = .init(), schedule: (any HearingSchedule)? = nil,
         clock: any WallClock = SystemWallClock(), directory existing: TemporaryDirectory? = nil, start: Bool = true) throws {
        directory = try existing ?? TemporaryDirectory("custody-recording")
        store = try LocalStore(stateDirectory: directory.path)
        var ingest = IngestConfiguration()
        ingest.concurrency = 2
        var logger = Logger(label: "test")
        logger.logLevel = ProcessInfo.processInfo.environment["CUSTODY_TEST_LOG"] != nil ? .trace : .critical
        engine = IngestEngine(store: store, config: ingest, logger: logger, drivers: SourceDrivers([DirectoryDriver()]))
        let book = self.book
        manager = RecordingManager(
            options: .init(stateDirectory: directory.path, courtrooms: courtrooms, recording: recording, source: { configuration in
                let name = configuration.pcmName
                let steps = book.scripts.withLock { $0[name] ?? [] }
                return ScriptedPCMSource(name: name, steps: steps, startTime: book.startTime.withLock { $0 },
                                         framesPerRead: 256, openError: book.openErrors.withLock { $0[name] }, waitsOnTimeout: true)
            }),
            store: store, engine: engine, docks: store, schedule: schedule, clock: clock, logger: logger)
        if start { self.start() }
    }

    /// Recovers, then runs the ingest engine and the manager as the daemon's services do.
    func start() {
        _ = manager.recover()
        let engine = self.engine, manager = self.manager
        tasks.withLock {
            $0.append(Task { await engine.run() })
            $0.append(Task { await manager.run() })
        }
    }

    /// Stops as the daemon does: recording first (its last segments filed), then ingest.
    func stop() async {
        manager.shutdown()
        let running = tasks.withLock { $0 }
        await running[1].value
        engine.shutdown()
        await running[0].value
    }

    func waitUntilRunning() async {
        while !manager.running.load(ordering: .acquiring) { try? await Task.sleep(for: .milliseconds(5)) }
    }

    /// Polls until `condition` holds, for up to five minutes (CPU-bound tests beside these
    /// can keep every cooperative thread busy for minutes on a loaded machine), looking once
    /// more after the deadline.
    func eventually(_ what: String, _ condition: () throws -> Bool) async throws {
        let deadline = Date().addingTimeInterval(300)
        while Date() < deadline {
            if try condition() { return }
            try await Task.sleep(for: .milliseconds(10))
        }
        if try condition() { return }
        Issue.record("timed out waiting for \(what)")
        throw CancellationError()
    }

    func events(_ action: String) throws -> [CustodyEvent] {
        var query = EventQuery()
        query.limit = 10_000
        return try store.events(query).filter { $0.action == action }
    }

    static let operatorCaller = Caller(uid: 1042, gid: 1042, name: "clerk", roles: [.operator_])
}

/// What each scripted PCM delivers, and which ones cannot be opened, by PCM name.
final class ScriptBook: Sendable {
    let scripts = Mutex<[String: [ScriptedPCMSource.Step]]>([:])
    let openErrors = Mutex<[String: ALSAError]>([:])
    /// The wall-clock time every scripted PCM reports for its first frame.
    let startTime = Mutex(Date(timeIntervalSince1970: 1_790_000_000.5))
}

/// Interleaved S16_LE stereo frames: channel 1 a ramp, channel 2 its negative, distinct per frame.
func stereoFrames(_ count: Int, from start: Int = 0) -> [UInt8] {
    var bytes: [UInt8] = []
    bytes.reserveCapacity(count * 4)
    for i in start..<(start + count) {
        let left = Int16(truncatingIfNeeded: (i % 20_000) - 10_000)
        let right = Int16(truncatingIfNeeded: -(Int(left)))
        for v in [left, right] { bytes += [UInt8(truncatingIfNeeded: v), UInt8(truncatingIfNeeded: v >> 8)] }
    }
    return bytes
}

/// The audio payload of a WAV/BWF file (the `data` chunk's bytes).
func payload(of path: String) throws -> [UInt8] {
    let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
    var offset = 12
    while offset + 8 <= bytes.count {
        let id = String(decoding: bytes[offset..<offset + 4], as: UTF8.self)
        let size = Int(bytes[offset + 4]) | Int(bytes[offset + 5]) << 8 | Int(bytes[offset + 6]) << 16 | Int(bytes[offset + 7]) << 24
        if id == "data" { return Array(bytes[(offset + 8)..<min(bytes.count, offset + 8 + size)]) }
        offset += 8 + size + (size & 1)
    }
    return []
}

/// A schedule set by the test.
final class FakeSchedule: HearingSchedule {
    let entries: Mutex<[ScheduledHearing]>
    let actuals = Mutex<[(String, Date?, Date?)]>([])

    init(_ entries: [ScheduledHearing] = []) { self.entries = Mutex(entries) }

    func hearings(courtroom: String, from: Date, to: Date) throws -> [ScheduledHearing] {
        entries.withLock { $0 }.filter { $0.courtroom == courtroom && $0.start < to && $0.end > from }.sorted { $0.start < $1.start }
    }

    func hearing(_ id: String) throws -> ScheduledHearing? { entries.withLock { $0 }.first { $0.id == id } }

    func recordActual(hearing: String, start: Date?, end: Date?, actor: Caller) throws {
        actuals.withLock { $0.append((hearing, start, end)) }
    }
}
