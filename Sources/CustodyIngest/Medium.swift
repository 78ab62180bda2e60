/// A removable medium as a driver identifies it (a card, a camera's storage).
public struct Medium: Sendable, Equatable, Hashable {
    /// What stays the same wherever the medium is inserted (for mass storage: its
    /// volumes' types, serials and labels); stored with its job.
    public var identity: String
    /// How operators see it, e.g. `FAT32 "BODYCAM01" 1234-ABCD`.
    public var summary: String

    public init(identity: String, summary: String) { self.identity = identity; self.summary = summary }
}
