import CustodyCore

/// Which driver reads a job's source, and what that driver needs to open it again. It
/// is stored with the job (its driver and location beside the job's root, root identity
/// and medium); the engine hands it back to the same driver to run or resume the job,
/// after a restart or with the medium back at another node, and never looks inside it.
public struct SourceDescriptor: Sendable, Equatable {
    /// The driver that reads the source (``SourceDriver/name``).
    public var driver: SourceDriverName
    /// What the driver opens: a directory or a file, a disk image, a device node.
    public var location: String
    /// How the job's record names the source: its `root`, in the job and in its
    /// `job.create` and `item.store` custody events (``SourceDriver/root(naming:)``).
    public var root: String
    /// Which file `location` was when the job was checked: the job reads that file or
    /// nothing. Nil for a docked device's node, which is held to its medium instead.
    public var rootIdentity: FileIdentity?
    /// The identity of the docked medium the job reads (``Medium/identity``): the job
    /// waits for that medium, wherever it is docked again, and never reads another.
    public var medium: String?

    public init(driver: SourceDriverName, location: String, root: String, rootIdentity: FileIdentity? = nil, medium: String? = nil) {
        self.driver = driver; self.location = location; self.root = root; self.rootIdentity = rootIdentity; self.medium = medium
    }
}

/// A driver's name as jobs record it (`jobs.driver`). Each driver declares its own; the
/// two an operator's request reaches are named here (`ingest PATH`, `ingest --image PATH`).
public struct SourceDriverName: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    public var rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }
    public init(_ rawValue: String) { self.rawValue = rawValue }
    public var description: String { rawValue }

    /// Directories and single files: card readers' mounted cards, drop boxes, courtroom segments.
    public static let directory = SourceDriverName("directory")
    /// FAT and exFAT media read in user space: docked devices' block devices, disk images.
    public static let massStorage = SourceDriverName("massStorage")
}
