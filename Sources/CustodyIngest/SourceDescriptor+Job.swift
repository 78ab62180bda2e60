import CustodyStore

extension SourceDescriptor {
    /// The descriptor a job recorded: its driver and location (``SourceAddress``), with
    /// its root, root identity and medium.
    /// - Throws: ``IngestError`` `store-failure` when the job records no driver.
    init(job: JobContext) throws(IngestError) {
        guard let address = job.address else {
            throw IngestError(.storeFailure, "job \(job.jobID) records no driver to read its source (\(job.root)) with")
        }
        self.init(driver: SourceDriverName(address.driver), location: address.location, root: job.root,
                  rootIdentity: job.rootIdentity, medium: job.medium)
    }
}
