/// Which driver reads a job's source and where that driver finds it again (a directory
/// or a file, a disk image, a device node), stored with the job (`jobs.driver`,
/// `jobs.location`): the ingest engine hands it back to that driver whenever the job
/// runs. The job's `root` is how its record names the source; this is how it is opened.
public struct SourceAddress: Sendable, Equatable {
    /// The driver's name, e.g. `directory`, `massStorage`.
    public var driver: String
    /// What the driver opens.
    public var location: String

    public init(driver: String, location: String) { self.driver = driver; self.location = location }
}
