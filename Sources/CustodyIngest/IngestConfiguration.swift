import Foundation

/// `[ingest]` of `custodyd.toml`: how jobs copy, verify and commit. Every key has
/// its default here; `docs/configuration.md` documents each one.
public struct IngestConfiguration: Sendable, Equatable {
    /// `concurrency`: files processed at once; 0 means one per CPU core.
    public var concurrency: Int = 0
    /// `allowedPaths`: the only trees an operator may ask to ingest from.
    public var allowedPaths: [String] = ["/media", "/mnt", "/run/media", "/srv/custody/import"]
    /// `resumeOnStart`: resume jobs that a crash or shutdown interrupted.
    public var resumeOnStart: Bool = true
    /// `commitBatchFiles`: most files committed to the index in one transaction.
    public var commitBatchFiles: Int = 256
    /// `commitBatchBytes`: most bytes awaiting one commit.
    public var commitBatchBytes: Int64 = 256 << 20
    /// `commitIntervalMilliseconds`: longest a verified file waits for its commit.
    public var commitIntervalMilliseconds: Int = 1000
    /// `chunkBytes`: size of each read from the source.
    public var chunkBytes: Int = 4 << 20
    /// `syncLargeFilesBytes`: files at least this large are fsynced on their own,
    /// in parallel; smaller ones are flushed together with one `syncfs` per batch.
    public var syncLargeFilesBytes: Int64 = 8 << 20
    public init() {}

    /// The concurrency to use on this machine.
    public var effectiveConcurrency: Int {
        concurrency > 0 ? concurrency : max(1, ProcessInfo.processInfo.activeProcessorCount)
    }
}
