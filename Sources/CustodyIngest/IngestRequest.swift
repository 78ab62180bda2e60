/// An operator's request to ingest a directory tree, a file, a disk image or a block device.
public struct IngestRequest: Sendable, Equatable {
    /// Absolute path of a directory tree or a single file.
    public var path: String
    /// Serial of the registered device the files came from, when known.
    public var device: String?
    /// `path` is a block device or a disk image whose FAT/exFAT file systems are read
    /// in user space (never mounted), rather than a directory or a file.
    public var image: Bool?
    public init(path: String, device: String? = nil, image: Bool? = nil) { self.path = path; self.device = device; self.image = image }
}
