import CustodyModel
import CustodyTestSupport
import Crypto
import Foundation
import Testing
@testable import CustodyLedger

@Suite("Canonical entries and signed checkpoints")
struct CheckpointTests {
    static let event = CustodyEvent(seq: 42, time: "2026-11-22T13:05:09.250Z", actor: Author(uid: 1001, name: "ana"),
                                    action: "item.store", subject: "item:12", outcome: "ok",
                                detail: ["sha256": .string("ab"), "size": .number(3000000), "path": .string("AUDIO/саслушање \"1\".wav\n"),
                                         "verified": .bool(true), "device": .null, "z": .array([.number(1), .string("/")])])

    @Test("the canonical bytes equal Python's sorted, compact JSON of the same event")
    func canonicalMatchesPython() throws {
        let ours = String(decoding: CanonicalEntry.bytes(of: Self.event), as: UTF8.self)
        // The event as a plain JSON object, written by Foundation's encoder for Python to read.
        let e = Self.event
        let object = JSONValue.object([
            "seq": .number(Double(e.seq)), "time": .string(e.time), "action": .string(e.action), "subject": .string(e.subject),
            "outcome": .string(e.outcome), "actor": .object(["uid": .number(Double(e.actor.uid)), "name": .string(e.actor.name)]),
            "detail": .object(e.detail),
        ])
        let json = String(decoding: try JSONEncoder().encode(object), as: UTF8.self)
        let script = "import json,sys; e=json.load(sys.stdin); sys.stdout.write(json.dumps(e, sort_keys=True, separators=(',',':'), ensure_ascii=False))"
        let theirs = String(decoding: try ExternalTool.python3.runBlocking(["-c", script], input: Data(json.utf8)), as: UTF8.self)
        #expect(ours == theirs)
        #expect(ours.hasPrefix(#"{"action":"item.store","actor":{"name":"ana","uid":1001},"detail":{"#))
    }

    @Test("a signed checkpoint verifies; an altered one, or another key, does not")
    func signAndVerify() throws {
        let key = StationKey(name: "custody.test/station-1", privateKey: Curve25519.Signing.PrivateKey())
        let checkpoint = Checkpoint(origin: key.name, treeSize: 1234, rootHash: MerkleTree.leafHash([1]))
        let note = try checkpoint.signed(by: key)
        let lines = note.split(separator: "\n", omittingEmptySubsequences: false)
        #expect(lines[0] == "custody.test/station-1" && lines[1] == "1234" && lines[3] == "" && lines[4].hasPrefix("\u{2014} custody.test/station-1 "))
        #expect(try Checkpoint.verify(note: note, name: key.name, publicKey: key.publicKey) == checkpoint)
        let altered = note.replacingOccurrences(of: "\n1234\n", with: "\n1235\n")
        #expect(throws: CheckpointError.self) { try Checkpoint.verify(note: altered, name: key.name, publicKey: key.publicKey) }
        let other = StationKey(name: key.name, privateKey: Curve25519.Signing.PrivateKey())
        #expect(throws: CheckpointError.self) { try Checkpoint.verify(note: note, name: key.name, publicKey: other.publicKey) }
        let parts = key.verifierKey.split(separator: "+", maxSplits: 2)
        #expect(parts.count == 3 && parts[0] == "custody.test/station-1")
        #expect(parts[1] == key.keyHash.map { String(format: "%02x", $0) }.joined())
        #expect(Data(base64Encoded: String(parts[2])) == Data([0x01]) + key.rawPublicKey)
    }

    @Test("the station key is made once, private part 0600, and loads again as the same key")
    func stationKeyFile() throws {
        let dir = try TemporaryDirectory("custody-key")
        defer { dir.remove() }
        let path = dir.path + "/ledger/station.key"
        let made = try StationKey.loadOrCreate(path: path, name: "s")
        let mode = try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int
        #expect(mode == 0o600)
        let again = try StationKey.loadOrCreate(path: path, name: "s")
        #expect(again.rawPublicKey == made.rawPublicKey)
        #expect(try String(contentsOfFile: path + ".pub", encoding: .utf8) == made.verifierKey + "\n")
    }
}
