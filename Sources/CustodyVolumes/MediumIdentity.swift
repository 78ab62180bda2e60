/// What identifies a removable medium whatever device node it is at, and whichever
/// reader or slot holds it: each volume's file system, serial number, label and place
/// on the device, in device order. Two cards formatted alike by the same camera still
/// differ by their volume serials; the same card is the same medium at `/dev/sdb`
/// today and `/dev/sdd` tomorrow.
public struct MediumIdentity: Sendable, Equatable, Hashable, CustomStringConvertible {
    /// The identity as stored with a job (`FAT32 1234-ABCD "BODYCAM01" @0; …`).
    public let key: String
    /// The medium as shown to operators (`FAT32 "BODYCAM01" 1234-ABCD`).
    public let summary: String

    /// The identity of a medium holding these volumes; nil when it holds none (nothing
    /// on it can be told apart from another blank card).
    public init?(volumes: [VolumeInfo]) {
        guard !volumes.isEmpty else { return nil }
        func quoted(_ label: String?) -> String {
            guard let label else { return "-" }
            // Escaped, so that a label holding `"` or `;` cannot pass for another medium's key.
            return "\"" + label.replacingAll("\\", with: "\\\\").replacingAll("\"", with: "\\\"") + "\""
        }
        key = volumes.map { "\($0.fileSystem.rawValue) \($0.serial ?? "-") \(quoted($0.label)) @\($0.byteOffset)" }
            .joined(separator: "; ")
        summary = volumes.map { v in
            [v.fileSystem.rawValue, v.label.map { "\"\($0)\"" }, v.serial].compactMap { $0 }.joined(separator: " ")
        }.joined(separator: ", ")
    }

    public var description: String { summary }
}

extension String {
    /// Every occurrence of `target` replaced (this module does without Foundation).
    fileprivate func replacingAll(_ target: Character, with replacement: String) -> String {
        var out = ""
        for c in self { if c == target { out += replacement } else { out.append(c) } }
        return out
    }
}
