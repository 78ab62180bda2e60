import CustodyCore
import CustodyLedger
import CustodyStore
import Logging
import ServiceLifecycle

/// Signs a checkpoint at start and then at an interval, whenever the ledger grew;
/// verifies the ledger at its own interval (the result is a custody event).
struct LedgerService: Service {
    let signer: CheckpointSigner
    let interval: Duration
    /// Nil: no scheduled verification.
    let verifyInterval: Duration?
    let verifyFull: Bool
    let logger: Logger

    func run() async throws {
        await cancelWhenGracefulShutdown {
            var nextVerification = verifyInterval.map { ContinuousClock.now + $0 }
            while !Task.isCancelled {
                do {
                    // Signing reads and writes the index: through the store's door.
                    let signer = self.signer
                    if let made = try await BlockingDoor.store.run({ try signer.checkpointIfGrown() }) {
                        logger.info("ledger checkpoint: \(made.treeSize) entries")
                    }
                } catch {
                    logger.error("cannot sign a ledger checkpoint: \(error)")
                }
                if let due = nextVerification, ContinuousClock.now >= due, let verifyInterval {
                    await BlockingDoor.store.run { verify() }
                    nextVerification = ContinuousClock.now + verifyInterval
                }
                let wake = [interval, nextVerification.map { max(.zero, $0 - ContinuousClock.now) }].compactMap { $0 }.min() ?? interval
                try? await Task.sleep(for: wake)
            }
        }
    }

    /// One scheduled verification, recorded as a ledger.verify event by the daemon.
    func verify() {
        do {
            let report = try signer.verifyAndRecord(full: verifyFull, actor: .daemon)
            if report.ok {
                logger.info("ledger verified: \(report.treeSize) entries, \(report.checkpointsChecked) checkpoints, \(report.blobsChecked) files")
            } else {
                for p in report.problems {
                    // An item's problem carries its id as a journal field (ITEM_ID=).
                    var fields: Logger.Metadata = ["problem_kind": "\(p.kind)"]
                    if p.subject.hasPrefix("item:") { fields["item_id"] = "\(p.subject.dropFirst(5))" }
                    logger.error("ledger verification: \(p.subject): \(p.message)", metadata: fields)
                }
            }
        } catch {
            logger.error("cannot verify the ledger: \(error)")
        }
    }
}
