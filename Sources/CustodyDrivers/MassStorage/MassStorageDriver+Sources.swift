import CustodyIngest
import CustodyVolumes

/// The mass-storage driver as the ingest engine sees it: an operator's disk image or
/// block device (`custodyctl ingest --image PATH`), and a job's medium opened again.
extension MassStorageDriver: SourceDriver {
    public var name: SourceDriverName { .massStorage }

    /// A medium taken out is waited for: its job's files stay pending until it is back.
    public var readsRemovableMedia: Bool { true }

    public func root(naming location: String) -> String { Self.root(location) }

    /// How jobs' records name a device or an image read by this driver: `volume:` and its
    /// path (`volume:/dev/sdb`), as they always have.
    static func root(_ location: String) -> String { "volume:" + location }

    /// An operator's image or block device, opened beneath no link; the job keeps which file it is.
    public func open(path: String, context: SourceContext) throws(IngestError) -> any EvidenceSource {
        try VolumeSource(devicePath: path, access: .named(expected: nil, resolver: context.resolver))
    }

    /// An operator's image is reopened as checked (no link, the same file); a docked
    /// device by its node (the engine then checks that it holds the job's medium).
    public func reopen(_ descriptor: SourceDescriptor, context: SourceContext) throws(IngestError) -> any EvidenceSource {
        let access: VolumeSource.Access = descriptor.rootIdentity.map { .named(expected: $0, resolver: context.resolver) } ?? .dockedNode
        let source = try VolumeSource(devicePath: descriptor.location, access: access)
        // A job held to a medium never reads a medium that cannot say which one it is
        // (the engine compares the identities of those that can).
        if descriptor.medium != nil, source.identity == nil {
            throw IngestError(.pathNotFound, "\(descriptor.location) holds a medium without volumes, not the medium its job reads")
        }
        return source
    }
}

extension Medium {
    /// A medium identified by its volumes.
    init(_ identity: MediumIdentity) { self.init(identity: identity.key, summary: identity.summary) }
}
