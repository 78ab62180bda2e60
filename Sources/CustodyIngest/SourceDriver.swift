import CustodyCore

/// A driver as the ingest engine sees it: it opens the sources it reads, for a new job
/// and again whenever that job runs (after a restart, with its medium back at another
/// node). Each driver is a module under `Sources/CustodyDrivers/`; the daemon registers
/// them with the engine (``SourceDrivers``), and a driver of docked devices implements
/// the device manager's `EvidenceDriver` as well.
public protocol SourceDriver: Sendable {
    /// Its name, stored with every job it reads.
    var name: SourceDriverName { get }
    /// Whether its sources are removable media: one it cannot open again was taken out
    /// (the job is interrupted, its files stay pending until the medium is back), not a
    /// source that failed.
    var readsRemovableMedia: Bool { get }
    /// How a job's record names a source of this driver at `location` (the job's root).
    func root(naming location: String) -> String
    /// Opens `path` for a new job: an absolute, canonical path an operator named (within
    /// `ingest.allowedPaths`) or a service gave. Nothing on the way is followed if it is
    /// a link, and the source's descriptor keeps which file it was, so that the job reads
    /// that file or nothing.
    /// - Throws: ``IngestError`` naming the path and what is wrong with it.
    func open(path: String, context: SourceContext) throws(IngestError) -> any EvidenceSource
    /// Opens a job's source again, as its descriptor says, to read its pending files.
    /// - Throws: ``IngestError`` `source-replaced` when the source is not the one the
    ///   job checked (it would read something else); another code when it cannot be opened.
    func reopen(_ descriptor: SourceDescriptor, context: SourceContext) throws(IngestError) -> any EvidenceSource
}

extension SourceDriver {
    public var readsRemovableMedia: Bool { false }
    public func root(naming location: String) -> String { location }
    /// A driver of devices alone reads no path.
    public func open(path: String, context: SourceContext) throws(IngestError) -> any EvidenceSource {
        throw IngestError(.badRequest, "the \(name) driver reads docked devices, not paths: \(path) is not read")
    }
}

/// What a driver is given to open a source with.
public struct SourceContext: Sendable {
    /// How paths beneath a source's root are opened (openat2, or the per-component walk).
    public var resolver: PathResolver
    /// custodyd's state directory (store, ledger key): never listed, whatever the source holds.
    public var protected: FileIdentity?

    public init(resolver: PathResolver = .preferred, protected: FileIdentity? = nil) {
        self.resolver = resolver; self.protected = protected
    }
}

/// The drivers this build has, by name, as the daemon registers them with the engine.
public struct SourceDrivers: Sendable {
    private let byName: [SourceDriverName: any SourceDriver]

    public init(_ drivers: [any SourceDriver] = []) {
        var byName: [SourceDriverName: any SourceDriver] = [:]
        for driver in drivers { byName[driver.name] = driver }
        self.byName = byName
    }

    /// The driver of that name.
    /// - Throws: ``IngestError`` `bad-request` when this build has none.
    public func driver(_ name: SourceDriverName) throws(IngestError) -> any SourceDriver {
        guard let driver = byName[name] else {
            throw IngestError(.badRequest, "this build of custodyd has no \(name) driver; nothing is read")
        }
        return driver
    }
}
