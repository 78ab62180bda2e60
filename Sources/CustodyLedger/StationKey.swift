#if canImport(Glibc)
import Glibc
#endif
import Crypto
import Foundation

/// The station's Ed25519 key: made on first start, the private part readable by the
/// daemon only (mode 0600), the public part printable for anyone who checks proofs.
public struct StationKey: Sendable {
    /// The key's name in signed notes (the checkpoint origin).
    public let name: String
    /// The 32 raw bytes of the private key (the key type itself is not Sendable).
    private let rawPrivateKey: Data
    /// The 32 raw bytes of the public key.
    public let rawPublicKey: Data

    public init(name: String, privateKey: Curve25519.Signing.PrivateKey) {
        self.name = name
        self.rawPrivateKey = privateKey.rawRepresentation
        self.rawPublicKey = privateKey.publicKey.rawRepresentation
    }

    public var publicKey: Curve25519.Signing.PublicKey {
        // Made from a valid private key's public half: 32 bytes, always accepted.
        (try? Curve25519.Signing.PublicKey(rawRepresentation: rawPublicKey))!
    }

    /// Signs `message` with the station's private key.
    public func sign(_ message: Data) throws -> Data {
        try Curve25519.Signing.PrivateKey(rawRepresentation: rawPrivateKey).signature(for: message)
    }

    /// First four bytes of SHA-256(name ‖ "\n" ‖ 0x01 ‖ public key).
    public var keyHash: [UInt8] { Self.keyHash(name: name, publicKey: publicKey) }

    public static func keyHash(name: String, publicKey: Curve25519.Signing.PublicKey) -> [UInt8] {
        var h = SHA256()
        h.update(data: Array(name.utf8) + [0x0A, 0x01])
        h.update(data: publicKey.rawRepresentation)
        return Array(h.finalize().prefix(4))
    }

    /// The C2SP verifier key: `name+hex(key hash)+base64(0x01 ‖ public key)`.
    public var verifierKey: String {
        "\(name)+\(keyHash.map { String(format: "%02x", $0) }.joined())+\(Data([0x01] + publicKey.rawRepresentation).base64EncodedString())"
    }

    /// Loads the key at `path`, or makes one (private file 0600, `<path>.pub` 0644).
    /// A key file others could read or write is repaired to 0600, and `warn` says so (the
    /// daemon logs it to the journal); one that is a symbolic link or not a regular file,
    /// or whose mode cannot be repaired, is refused.
    public static func loadOrCreate(path: String, name: String, warn: (String) -> Void = { _ in }) throws -> StationKey {
        // Never through a link, never blocking on a FIFO swapped in for the key.
        let existing = open(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC)
        if existing >= 0 {
            defer { close(existing) }
            return try load(fd: existing, path: path, name: name, warn: warn)
        }
        guard errno == ENOENT else {
            throw CheckpointError("cannot open the station key \(path): \(String(cString: strerror(errno)))"
                                  + (errno == ELOOP ? " (it is a symbolic link; the key must be a plain file)" : ""))
        }
        let key = StationKey(name: name, privateKey: Curve25519.Signing.PrivateKey())
        let dir = (path as NSString).deletingLastPathComponent
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        // Created 0600 from the start: the private key is never readable by others, even briefly.
        let fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw CheckpointError("cannot create \(path): \(String(cString: strerror(errno)))") }
        let text = Array((key.rawPrivateKey.base64EncodedString() + "\n").utf8)
        let written = text.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
        let synced = fsync(fd)
        close(fd)
        guard written == text.count, synced == 0 else { throw CheckpointError("cannot write \(path)") }
        try Data((key.verifierKey + "\n").utf8).write(to: URL(fileURLWithPath: path + ".pub"))
        return key
    }

    /// Reads an opened key file: a regular file, 0600 (repaired when looser), base64 of 32 bytes.
    private static func load(fd: Int32, path: String, name: String, warn: (String) -> Void) throws -> StationKey {
        var info = stat()
        guard fstat(fd, &info) == 0, info.st_mode & S_IFMT == S_IFREG else {
            throw CheckpointError("the station key \(path) is not a regular file; refusing to read it")
        }
        let mode = info.st_mode & 0o7777
        if mode & 0o077 != 0 {
            // A private key others could read is no longer private: tighten it at once and say so.
            guard fchmod(fd, 0o600) == 0 else {
                throw CheckpointError("the station key \(path) has mode 0\(String(mode, radix: 8)) (others may read it) and cannot be made 0600: "
                                      + "\(String(cString: strerror(errno))); fix its mode or owner")
            }
            warn("the station key \(path) had mode 0\(String(mode, radix: 8)), readable or writable by others; it is now 0600. "
                 + "Anyone who could read it may have copied the private key: consider replacing the station key")
        }
        var data = Data()
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let n = read(fd, &buffer, buffer.count)
            if n < 0 && errno == EINTR { continue }
            guard n >= 0 else { throw CheckpointError("cannot read the station key \(path): \(String(cString: strerror(errno)))") }
            if n == 0 { break }
            data.append(contentsOf: buffer[0..<n])
            guard data.count <= 65_536 else { throw CheckpointError("\(path) is too large to be a station key") }
        }
        guard let raw = Data(base64Encoded: String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)) else {
            throw CheckpointError("\(path) does not hold a base64 Ed25519 private key")
        }
        return StationKey(name: name, privateKey: try Curve25519.Signing.PrivateKey(rawRepresentation: raw))
    }
}
