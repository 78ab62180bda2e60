import CustodyCore
import CustodyIngest

/// The driver of directories and single files: a card reader's card mounted read-only,
/// a drop box under `ingest.allowedPaths`, an operator's `custodyctl ingest PATH`, a
/// courtroom segment on its way into the store. Its sources are opened beneath their
/// root without following any link (``SourceScanner``), and a job reads the root it
/// checked or nothing.
public struct DirectoryDriver: SourceDriver {
    public var name: SourceDriverName { .directory }

    public init() {}

    public func open(path: String, context: SourceContext) throws(IngestError) -> any EvidenceSource {
        try SourceScanner.open(root: path, protected: context.protected, resolver: context.resolver)
    }

    public func reopen(_ descriptor: SourceDescriptor, context: SourceContext) throws(IngestError) -> any EvidenceSource {
        try SourceScanner.reopen(root: descriptor.location, expected: descriptor.rootIdentity, resolver: context.resolver)
    }
}
