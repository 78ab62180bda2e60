#if canImport(Glibc)
import Glibc
#endif
import CustodyLedger
import CustodyTestSupport
import Foundation
import Testing

/// The station's private key file is the daemon's alone: one that others could read is
/// repaired to 0600 with a warning saying so; one that is not a plain file is refused.
@Suite("Station key file")
struct StationKeyFileTests {
    static func mode(_ path: String) -> mode_t {
        var s = stat()
        guard lstat(path, &s) == 0 else { return 0o7777 }
        return s.st_mode & 0o7777
    }

    @Test("a new key is 0600; a world-readable one is repaired to 0600 with a warning naming the old mode")
    func repairsMode() throws {
        let dir = try TemporaryDirectory("station-key")
        defer { dir.remove() }
        let path = dir.path + "/ledger/station.key"
        var warnings: [String] = []
        let made = try StationKey.loadOrCreate(path: path, name: "custody.test/station") { warnings.append($0) }
        #expect(Self.mode(path) == 0o600 && warnings.isEmpty)
        for loose: mode_t in [0o644, 0o640, 0o604, 0o666] {
            #expect(chmod(path, loose) == 0)
            warnings = []
            let loaded = try StationKey.loadOrCreate(path: path, name: "custody.test/station") { warnings.append($0) }
            #expect(loaded.rawPublicKey == made.rawPublicKey, "the same key, not a new one")
            #expect(Self.mode(path) == 0o600, "mode \(String(loose, radix: 8)) repaired")
            #expect(warnings.count == 1 && warnings[0].contains("0" + String(loose, radix: 8)) && warnings[0].contains("0600"), "\(warnings)")
        }
        warnings = []
        _ = try StationKey.loadOrCreate(path: path, name: "custody.test/station") { warnings.append($0) }
        #expect(warnings.isEmpty, "a key already 0600 loads without a word")
    }

    @Test("a station key that is a symbolic link or not a regular file is refused, naming the path")
    func refusesLinks() throws {
        let dir = try TemporaryDirectory("station-key")
        defer { dir.remove() }
        let real = dir.path + "/elsewhere.key"
        _ = try StationKey.loadOrCreate(path: real, name: "custody.test/station")
        try FileManager.default.createDirectory(atPath: dir.path + "/ledger", withIntermediateDirectories: true)
        let path = dir.path + "/ledger/station.key"
        #expect(symlink(real, path) == 0)
        #expect(throws: CheckpointError.self) { try StationKey.loadOrCreate(path: path, name: "custody.test/station") }
        let fifo = dir.path + "/ledger/fifo.key"
        #expect(mkfifo(fifo, 0o600) == 0)
        #expect(throws: CheckpointError.self) { try StationKey.loadOrCreate(path: fifo, name: "custody.test/station") }
    }
}
