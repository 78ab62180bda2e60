import CustodyIngest
import CustodyMetrics
import CustodyRecording
import CustodyStore
import Logging
import ServiceLifecycle

extension Daemon {
    /// Courtroom recording, with what a crash left behind repaired and queued for filing.
    func makeRecordingManager(store: LocalStore, engine: IngestEngine, metrics: AudioMetrics, logger: Logger) -> RecordingManager {
        let manager = RecordingManager(
            options: .init(stateDirectory: config.stateDirectory, courtrooms: config.courtrooms, recording: config.recording),
            store: store, engine: engine, docks: store, schedule: RegistryHearingSchedule(store: store), metrics: metrics, logger: logger)
        if !config.courtrooms.isEmpty {
            logger.info("recording: courtrooms \(config.courtrooms.map(\.id).joined(separator: ", "))")
        }
        _ = manager.recover()
        return manager
    }
}

/// Records courtrooms until shutdown; then ends every session, files what it
/// recorded (for a while) and returns.
struct RecordingService: Service {
    let manager: RecordingManager

    func run() async throws {
        await withGracefulShutdownHandler {
            await manager.run()
        } onGracefulShutdown: {
            manager.shutdown()
        }
    }
}
