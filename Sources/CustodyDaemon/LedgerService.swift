import CustodyCore
import CustodyLedger
import CustodyStore
import Logging
import ServiceLifecycle

/// Signs a checkpoint at start and then at an interval, whenever the ledger grew.
struct LedgerService: Service {
    let signer: CheckpointSigner
    let interval: Duration
    let logger: Logger

    func run() async throws {
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                do {
                    if let made = try signer.checkpointIfGrown() { logger.info("ledger checkpoint: \(made.treeSize) entries") }
                } catch {
                    logger.error("cannot sign a ledger checkpoint: \(error)")
                }
                try? await Task.sleep(for: interval)
            }
        }
    }
}
