import CustodyStore
import Foundation
import Logging

extension Daemon {
    /// The environment variable of the one test seam: see ``installTestSeams(_:environment:logger:)``.
    static let blobRemovalGateVariable = "CUSTODY_TEST_BLOB_REMOVAL_GATE"

    /// A test seam, off unless custodyd's environment names it (only whoever starts
    /// custodyd sets that): with `CUSTODY_TEST_BLOB_REMOVAL_GATE=DIR`, retention, once it
    /// has committed a deletion to the index, writes `DIR/waiting` and waits (at most ten
    /// minutes) for `DIR/go` before it removes the blobs. The adversarial suite ingests
    /// the same bytes at exactly that moment (system-tests/adversarial/test_f12_*).
    static func installTestSeams(_ store: LocalStore, environment: [String: String], logger: Logger) {
        guard let dir = environment[blobRemovalGateVariable], !dir.isEmpty else { return }
        logger.warning("test seam: retention waits for \(dir)/go before removing blobs (\(blobRemovalGateVariable))")
        store.setBeforeBlobRemoval { shas in
            _ = FileManager.default.createFile(atPath: dir + "/waiting", contents: Data(shas.joined(separator: "\n").utf8))
            let deadline = Date().addingTimeInterval(600)
            while !FileManager.default.fileExists(atPath: dir + "/go"), Date() < deadline { usleep(20_000) }
        }
    }
}
