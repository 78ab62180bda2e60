import Crypto
import Foundation

/// A tree head in the C2SP `tlog-checkpoint` form, signed as a C2SP signed note:
///
///     custody.example/station-7          ← origin
///     1234                               ← tree size
///     q2x…base64 root hash…=             ← root hash
///                                        ← blank line
///     — custody.example/station-7 AbCd…base64(key hash ‖ Ed25519 signature)…
///
/// The signature covers the three body lines (with their newlines). The key hash is
/// the first four bytes of SHA-256(name ‖ "\n" ‖ 0x01 ‖ public key), 0x01 marking Ed25519.
public struct Checkpoint: Sendable, Equatable {
    public var origin: String
    public var treeSize: Int
    public var rootHash: Hash

    public init(origin: String, treeSize: Int, rootHash: Hash) {
        self.origin = origin; self.treeSize = treeSize; self.rootHash = rootHash
    }

    /// The note body that is signed.
    public var body: String { "\(origin)\n\(treeSize)\n\(Data(rootHash).base64EncodedString())\n" }

    /// The signed note: body, blank line, one signature line.
    public func signed(by key: StationKey) throws -> String {
        let signature = try key.sign(Data(body.utf8))
        let blob = key.keyHash + Array(signature)
        return body + "\n\u{2014} \(key.name) \(Data(blob).base64EncodedString())\n"
    }

    /// Parses and verifies a signed note against the station's public key.
    /// - Throws: ``CheckpointError`` naming what is wrong.
    public static func verify(note: String, name: String, publicKey: Curve25519.Signing.PublicKey) throws(CheckpointError) -> Checkpoint {
        guard let split = note.range(of: "\n\n") else { throw CheckpointError("no blank line between the checkpoint and its signatures") }
        let body = String(note[..<split.lowerBound]) + "\n"
        let lines = body.split(separator: "\n", omittingEmptySubsequences: false).dropLast()
        guard lines.count >= 3, let size = Int(lines[1]), size >= 0, let root = Data(base64Encoded: String(lines[2])), root.count == 32 else {
            throw CheckpointError("the checkpoint body is not origin, tree size, base64 root hash")
        }
        let expectedHash = StationKey.keyHash(name: name, publicKey: publicKey)
        let prefix = "\u{2014} \(name) "
        for line in note[split.upperBound...].split(separator: "\n") where line.hasPrefix(prefix) {
            guard let blob = Data(base64Encoded: String(line.dropFirst(prefix.count))), blob.count == 68,
                  Array(blob.prefix(4)) == expectedHash else { continue }
            if publicKey.isValidSignature(blob.dropFirst(4), for: Data(body.utf8)) {
                return Checkpoint(origin: String(lines[0]), treeSize: size, rootHash: Array(root))
            }
            throw CheckpointError("the signature of \(name) does not verify: the checkpoint was altered or signed by another key")
        }
        throw CheckpointError("no signature by \(name) with key hash \(Data(expectedHash).base64EncodedString())")
    }
}

public struct CheckpointError: Error, Sendable, Equatable, CustomStringConvertible {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}
