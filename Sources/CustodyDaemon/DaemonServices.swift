import CustodyDevices
import CustodyIngest
import CustodyServer
import Logging
import ServiceLifecycle

/// Runs ingest jobs; on graceful shutdown, stops them at a file boundary with
/// every verified file committed and the rest left pending for the next start.
struct IngestService: Service {
    let engine: IngestEngine

    func run() async throws {
        await withGracefulShutdownHandler {
            await engine.run()
        } onGracefulShutdown: {
            engine.shutdown()
        }
    }
}

/// Serves the control socket until shutdown.
struct ControlService: Service {
    let server: ControlServer
    let onListening: @Sendable () -> Void

    func run() async throws {
        do {
            try await cancelWhenGracefulShutdown {
                try await server.run(onListening: onListening)
            }
        } catch is CancellationError {
            // Graceful shutdown cancels the accept loop: a clean stop, not a failure.
        }
    }
}

/// Follows docking until shutdown.
struct DeviceService: Service {
    let manager: DeviceManager

    func run() async throws {
        await cancelWhenGracefulShutdown {
            await manager.run()
        }
    }
}
