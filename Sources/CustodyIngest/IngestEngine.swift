#if canImport(Glibc)
import Glibc
#endif
import CustodyCore
import CustodyModel
import CustodyStore
import Foundation
import Logging
import Synchronization

/// Accepts ingest requests and runs their jobs. Requests are checked and their
/// manifests recorded at once; the copying happens only inside ``run()``, which
/// the daemon runs as a service. Every source is read through the driver that opened
/// it (``SourceDrivers``, ``EvidenceSource``), which the job records by name.
public final class IngestEngine: Sendable {
    let store: any EvidenceStore
    let config: IngestConfiguration
    let logger: Logger
    /// Free space on the store: files wait here while it is nearly full (nil: never wait).
    let space: FreeSpaceGate?
    let metrics: IngestMetrics?
    /// custodyd's state directory (store, ledger key): never a source, whatever
    /// `ingest.allowedPaths` says. Nil in tests that do not need the refusal.
    let stateDirectory: String?
    /// How paths beneath a job's root are opened (openat2, or the per-component walk).
    let resolver: PathResolver
    /// The drivers that open jobs' sources, by name (the daemon registers them; no
    /// default, so that an engine without the drivers its jobs need is not built by mistake).
    let drivers: SourceDrivers
    private let queue: AsyncStream<Int64>
    private let queueInput: AsyncStream<Int64>.Continuation
    /// Jobs being run (their cancellation flags) and jobs queued but not yet picked up.
    private let jobs = Mutex(Jobs())
    private let shuttingDown = Atomic<Bool>(false)
    /// Why a job was interrupted (a device removed), by job id.
    private let interruptions = Mutex<[Int64: String]>([:])
    /// Every job that ends, for whoever follows them (the device manager).
    private let ends = StreamFanOut<JobEnd>()
    /// Whether ``holdUnfinishedMediumJobs()`` has run.
    private let mediumJobsHeld = Mutex(false)

    private struct Jobs {
        var running: [Int64: CancellationFlag] = [:]
        var queued: Set<Int64> = []
    }

    public init(store: any EvidenceStore, config: IngestConfiguration, logger: Logger,
                space: FreeSpaceGate? = nil, metrics: IngestMetrics? = nil, stateDirectory: String? = nil,
                resolver: PathResolver = .preferred, drivers: SourceDrivers) {
        self.store = store
        self.config = config
        self.logger = logger
        self.space = space
        self.metrics = metrics
        self.stateDirectory = stateDirectory
        self.resolver = resolver
        self.drivers = drivers
        (queue, queueInput) = AsyncStream.makeStream(of: Int64.self)
    }

    /// Jobs being copied right now.
    public var runningJobs: Int { jobs.withLock { $0.running.count } }

    /// Each job's end (completed, with errors, failed or interrupted) from the moment of
    /// the call; the stream finishes at ``shutdown()``.
    public func jobEnds() -> AsyncStream<JobEnd> { ends.subscribe() }

    // MARK: Requests

    /// Checks an operator's request, lists the files and records the job; the
    /// job starts as soon as ``run()`` picks it up.
    public func submit(_ request: IngestRequest, caller: Caller) async throws(IngestError) -> JobContext {
        let resolved = try resolveAllowed(request.path)
        // A disk image or a block device is read by the mass-storage driver; a directory or a file by the directory driver.
        let driver = try drivers.driver(request.image == true ? .massStorage : .directory)
        let job = try await record(deviceSerial: request.device, caller: caller) { context throws(IngestError) in
            try driver.open(path: resolved, context: context)
        }
        guard !shuttingDown.load(ordering: .relaxed) else {
            throw IngestError(.storeFailure, "custodyd is shutting down; job \(job.jobID) will start at the next start")
        }
        return job
    }

    /// Starts a job reading `path` with the driver named (a service's or a device
    /// driver's request, not an operator's: `ingest.allowedPaths` does not apply): a
    /// courtroom segment, a directory a device exposes. `medium`, the identity of the
    /// medium the files are on (the job is resumed when it is seen again); `origin`,
    /// where it was found (kept in the `job.create` event).
    public func submit(path: String, driver name: SourceDriverName, deviceSerial: String?, caller: Caller,
                       include: @escaping @Sendable (String) -> Bool = { _ in true },
                       medium: String? = nil, origin: [String: JSONValue] = [:]) async throws(IngestError) -> JobContext {
        // The path made canonical once: the driver then opens it without following links.
        var canonical = path
        if let real = realpath(path, nil) { canonical = String(cString: real); free(real) }
        let (driver, resolved) = (try drivers.driver(name), canonical)
        return try await record(deviceSerial: deviceSerial, caller: caller, include: include, medium: medium, origin: origin) {
            context throws(IngestError) in try driver.open(path: resolved, context: context)
        }
    }

    /// Starts a job reading a source a driver opened (a docked device's medium): its
    /// descriptor says how the job opens it again, and which medium it is held to
    /// (taken out and put back, at any node, it is the same job). `origin` says where it
    /// was found (the device's slot), kept in the `job.create` event.
    public func submit(_ source: any EvidenceSource, deviceSerial: String?, caller: Caller,
                       include: @escaping @Sendable (String) -> Bool = { _ in true },
                       origin: [String: JSONValue] = [:]) async throws(IngestError) -> JobContext {
        try await record(deviceSerial: deviceSerial, caller: caller, include: include, origin: origin) { _ in source }
    }

    /// Opens the source (off the cooperative threads), lists its files, records the job
    /// with its manifest and the source's descriptor, and queues it. `medium`, when
    /// given, is the medium the job is held to instead of the one the source names.
    private func record(deviceSerial: String?, caller: Caller, include: @escaping @Sendable (String) -> Bool = { _ in true },
                        medium: String? = nil, origin: [String: JSONValue] = [:],
                        open: @escaping @Sendable (SourceContext) throws(IngestError) -> any EvidenceSource) async throws(IngestError) -> JobContext {
        var plan: JobPlan
        let context = SourceContext(resolver: resolver, protected: protectedIdentity())
        do {
            plan = try await BlockingDoor.media.run { () throws(IngestError) -> JobPlan in
                let source = try open(context)
                let descriptor = source.descriptor
                return JobPlan(root: descriptor.root, deviceSerial: deviceSerial, files: source.files(include: include),
                               sourceKey: source.sourceKey.map { (deviceSerial.map { "device:\($0):" } ?? "") + $0 }, notes: source.notes,
                               medium: medium ?? descriptor.medium, rootIdentity: descriptor.rootIdentity,
                               address: SourceAddress(driver: descriptor.driver.rawValue, location: descriptor.location))
            }
        } catch let error as IngestError {
            throw error
        } catch {
            throw IngestError(.storeFailure, "\(error)")
        }
        plan.notes.merge(origin) { _, theirs in theirs }
        let job: JobContext
        let (store, recorded) = (self.store, plan)
        do {
            job = try await BlockingDoor.store.run { try store.createJob(recorded, caller: caller) }
        } catch {
            throw IngestError(.storeFailure, "the index could not record the job: \(error)")
        }
        enqueue(job.jobID)
        return job
    }

    private func enqueue(_ id: Int64) {
        jobs.withLock { _ = $0.queued.insert(id) }
        queueInput.yield(id)
    }

    /// Stops a job at its next chunk (its device or medium was removed): what was
    /// verified is committed, the rest stays pending, and the job ends `interrupted`
    /// with `reason`. A job queued but not yet started ends `interrupted` without
    /// reading anything. Returns false when the job was neither running nor queued.
    @discardableResult
    public func interrupt(_ id: Int64, reason: String) -> Bool {
        jobs.withLock { jobs in
            // Under the same lock as the claim in runJob, so the reason is never lost between the two.
            guard let flag = jobs.running[id] else {
                guard jobs.queued.contains(id) else { return false }
                interruptions.withLock { $0[id] = reason }
                return true
            }
            interruptions.withLock { $0[id] = reason }
            flag.cancel()
            return true
        }
    }

    /// Queues an interrupted job again (after a full disk was cleared, or when its medium
    /// is back); its pending files are read, the ones already stored are not. `location`:
    /// what its driver opens now, when the source moved (a card back in another slot).
    public func resume(_ id: Int64, caller: Caller, at location: String? = nil) throws(IngestError) {
        let job: Job?
        do { job = try store.job(id, withFiles: false) } catch { throw IngestError(.storeFailure, "\(error)") }
        guard let job else { throw IngestError(.pathNotFound, "no job \(id)") }
        guard job.state == .interrupted else {
            throw IngestError(.badRequest, "job \(id) is \(job.state.rawValue); only an interrupted job can be resumed")
        }
        // Moved: the job's record names its source where it is now, as its driver names it.
        let root = try location.map { location throws(IngestError) in
            let context: JobContext?
            do { context = try store.jobContext(id) } catch { throw IngestError(.storeFailure, "\(error)") }
            guard let context else { throw IngestError(.pathNotFound, "no job \(id)") }
            return try drivers.driver(SourceDescriptor(job: context).driver).root(naming: location)
        }
        do {
            if let root { try store.relocateJob(id, root: root, location: location, actor: caller) }
            try store.setJobState(id, .queued, message: "resume requested by \(caller.name)", actor: caller)
        } catch {
            throw IngestError(.storeFailure, "\(error)")
        }
        enqueue(id)
    }

    /// The state directory's identity, for the listing to never enter it.
    private func protectedIdentity() -> FileIdentity? {
        guard let stateDirectory else { return nil }
        var status = stat()
        return stat(stateDirectory, &status) == 0 ? FileIdentity(status) : nil
    }

    /// The real path of `path`, if it lies inside one of `ingest.allowedPaths` and not
    /// inside custodyd's state directory.
    func resolveAllowed(_ path: String) throws(IngestError) -> String {
        guard path.hasPrefix("/") else { throw IngestError(.badRequest, "path must be absolute: \(path)") }
        let refusal = IngestError(.pathNotAllowed, "\(path) is outside the paths this station may ingest from (ingest.allowedPaths: \(config.allowedPaths.joined(separator: ", ")))")
        // Checked on the path as written first, so that nobody can probe which paths
        // exist elsewhere on this machine (404 against 403)…
        let lexical = URL(fileURLWithPath: path).standardizedFileURL.path
        guard config.allowedPaths.contains(where: { Self.isInside(lexical, $0) }) else { throw refusal }
        guard let real = realpath(path, nil) else {
            throw IngestError(.pathNotFound, "no such file or directory: \(path)")
        }
        let resolved = String(cString: real)
        free(real)
        // The store, the index and the ledger's signing key are never evidence, whatever
        // allowedPaths says (an allowed tree may hold the state directory).
        if let stateDirectory {
            var state = stateDirectory
            if let r = realpath(stateDirectory, nil) { state = String(cString: r); free(r) }
            if Self.isInside(resolved, state) {
                throw IngestError(.pathNotAllowed, "\(path) is inside custodyd's state directory (\(state)), which is never ingested, whatever ingest.allowedPaths says")
            }
        }
        // …and on the real path, so that a symbolic link cannot lead outside.
        for allowed in config.allowedPaths {
            let base: String
            if let r = realpath(allowed, nil) { base = String(cString: r); free(r) } else { base = allowed }
            if Self.isInside(resolved, base) { return resolved }
        }
        throw refusal
    }

    static func isInside(_ path: String, _ base: String) -> Bool {
        path == base || path.hasPrefix(base.hasSuffix("/") ? base : base + "/")
    }

    // MARK: The service

    /// Resumes jobs a crash or shutdown left unfinished, then runs jobs as they are
    /// submitted, until ``shutdown()``.
    public func run() async {
        await BlockingDoor.store.run { self.holdUnfinishedMediumJobs() }
        let resume = await BlockingDoor.store.run { self.unfinishedJobs() }
        await withDiscardingTaskGroup { group in
            for id in resume {
                group.addTask { await self.runJob(id, resumed: true) }
            }
            for await id in queue {
                group.addTask { await self.runJob(id, resumed: false) }
            }
        }
    }

    /// The jobs a crash or shutdown left unfinished that ``run()`` resumes (blocking: the index).
    private func unfinishedJobs() -> [Int64] {
        var resume: [Int64] = []
        do {
            resume = try store.jobIDs(in: config.resumeOnStart ? [.queued, .running, .interrupted] : [.queued])
            if !config.resumeOnStart {
                // Left running by a crash and not resumed: say so, with the files not stored.
                for id in try store.jobIDs(in: [.running]) {
                    let pending = try store.pendingFiles(job: id).count
                    try store.setJobState(id, .interrupted, message: "interrupted by a restart; \(pending) files not stored", actor: .daemon)
                }
            }
            // Jobs submitted by this run already (a device docked as custodyd started) run from the queue.
            let submittedNow = jobs.withLock { $0.queued }
            // A docked medium's job waits for its medium: the device manager resumes it
            // when it sees that medium, at whatever node it is then.
            resume = try resume.filter { id in try !submittedNow.contains(id) && store.jobContext(id)?.medium == nil }
        } catch {
            logger.error("cannot list unfinished jobs: \(error)")
        }
        return resume
    }

    /// Marks the docked media's jobs that a previous run left queued or running as
    /// interrupted, so that the device manager finds them by their medium when it sees it
    /// again (at whatever node) and they never read whatever is at their old node. Done
    /// once, by whichever of ``run()`` and the device manager comes first; the other
    /// waits until it is done.
    public func holdUnfinishedMediumJobs() {
        mediumJobsHeld.withLock { held in
            guard !held else { return }
            held = true
            do {
                let ours = jobs.withLock { $0.queued.union($0.running.keys) }
                for id in try store.jobIDs(in: [.queued, .running]) where !ours.contains(id) {
                    guard try store.jobContext(id)?.medium != nil else { continue }
                    let pending = try store.pendingFiles(job: id).count
                    try store.setJobState(id, .interrupted,
                                          message: "custodyd stopped; \(pending) files not stored yet, resumed when its medium is docked again",
                                          actor: .daemon)
                }
            } catch {
                logger.error("cannot hold the unfinished jobs of docked media: \(error)")
            }
        }
    }

    /// Asks running jobs to stop at their next chunk and ends ``run()`` once they
    /// have committed what they verified.
    public func shutdown() {
        shuttingDown.store(true, ordering: .relaxed)
        queueInput.finish()
        jobs.withLock { for flag in $0.running.values { flag.cancel() } }
        ends.finish()
    }

    // MARK: Jobs

    /// States from which a job may (still) be run.
    static let runnable: Set<JobState> = [.queued, .running, .interrupted]

    func runJob(_ id: Int64, resumed: Bool) async {
        let cancel = CancellationFlag()
        guard !shuttingDown.load(ordering: .relaxed) else { return }
        // One runner per job: a job both queued and found by the resume scan runs once.
        let claimed = jobs.withLock { jobs -> Bool in
            guard jobs.running[id] == nil else { return false }
            jobs.running[id] = cancel
            jobs.queued.remove(id)
            return true
        }
        guard claimed else { return }
        defer { jobs.withLock { _ = $0.running.removeValue(forKey: id) } }
        var logger = self.logger
        logger[metadataKey: "job_id"] = "\(id)"
        do {
            guard let (job, pending) = try await BlockingDoor.store.run({ try self.start(id, resumed: resumed) }) else { return }
            if let serial = job.deviceSerial { logger[metadataKey: "device_serial"] = "\(serial)" }
            logger.info("job \(id): \(pending.count) files to read from \(job.root)\(resumed ? " (resumed)" : "")")
            let stop = await copyAll(pending, job: job, cancel: cancel)
            try await BlockingDoor.store.run { try self.finish(job, stop: stop) }
        } catch {
            logger.error("job \(id) failed: \(error)")
            let failure = "\(error)"
            await BlockingDoor.store.run { try? self.setEnd(id, .failed, message: failure) }
        }
    }

    /// Marks a job running and returns its files to read; nil when it is not to be run
    /// (finished by another runner, or interrupted while queued). Blocking: the index.
    private func start(_ id: Int64, resumed: Bool) throws -> (JobContext, [PlannedFile])? {
        // …and a job another runner already finished is not run again.
        guard let state = try store.job(id, withFiles: false)?.state, Self.runnable.contains(state),
              let job = try store.jobContext(id) else { return nil }
        // Interrupted while still queued (its medium taken out before it started): nothing is read.
        if let reason = interruptions.withLock({ $0.removeValue(forKey: id) }) {
            let pending = try store.pendingFiles(job: id).count
            try setEnd(id, .interrupted, message: "\(reason); \(pending) files not stored")
            return nil
        }
        try store.setJobState(id, .running, message: resumed ? "resumed" : nil, actor: .daemon)
        return (job, try store.pendingFiles(job: id))
    }

    /// Why a job stopped before its last file.
    enum Stop: Sendable {
        case shutdown
        case storeFailure(String)
        /// Its medium is gone or is another one: the files not read stay pending.
        case sourceGone(String)
        /// Its root is not the one checked (replaced, or now a link): the job fails, nothing is read.
        case refused(String)
    }

    private func finish(_ job: JobContext, stop: Stop?) throws {
        let pending = try store.pendingFiles(job: job.jobID).count
        let interruption = interruptions.withLock { $0.removeValue(forKey: job.jobID) }
        switch stop {
        case .shutdown where interruption != nil:
            try setEnd(job.jobID, .interrupted, message: "\(interruption!); \(pending) files not stored")
        case .shutdown:
            let next = job.medium == nil ? "resumed at next start" : "resumed when its medium is docked again"
            try setEnd(job.jobID, .interrupted, message: "custodyd stopped; \(pending) files not stored yet, \(next)")
        case .storeFailure(let why):
            try setEnd(job.jobID, .interrupted, message: "\(why); \(pending) files not stored")
        case .sourceGone(let why):
            // The device manager's reason (the medium taken out) where it came first; the reader's otherwise.
            try setEnd(job.jobID, .interrupted, message: "\(interruption ?? why); \(pending) files not stored")
        case .refused(let why):
            try setEnd(job.jobID, .failed, message: "\(why); \(pending) files not read")
        case nil:
            let failed = try store.job(job.jobID, withFiles: false)?.failed ?? 0
            try setEnd(job.jobID, failed > 0 ? .completedWithErrors : .completed, message: nil)
        }
    }

    /// A job's final state, recorded, then announced to ``jobEnds()``.
    private func setEnd(_ id: Int64, _ state: JobState, message: String?) throws {
        try store.setJobState(id, state, message: message, actor: .daemon)
        ends.yield(JobEnd(jobID: id, state: state, message: message))
    }

    /// Copies `files` with up to `concurrency` in flight, committing verified files
    /// in groups (one `syncfs` and one transaction per group). A group commits while
    /// the next files are being copied: workers never wait for the index.
    private func copyAll(_ files: [PlannedFile], job: JobContext, cancel: CancellationFlag) async -> Stop? {
        let descriptor: SourceDescriptor, driver: any SourceDriver
        do {
            descriptor = try SourceDescriptor(job: job)
            driver = try drivers.driver(descriptor.driver)
        } catch {
            return .storeFailure("cannot read the source: \(error)")
        }
        let source: any EvidenceSource
        let context = SourceContext(resolver: resolver)
        do {
            source = try await BlockingDoor.media.run { () throws(IngestError) -> any EvidenceSource in
                let source = try driver.reopen(descriptor, context: context)
                // Another card at the job's node is never read into this job.
                if let expected = job.medium, let found = source.medium, found.identity != expected {
                    throw IngestError(.pathNotFound, "\(descriptor.location) holds \(found.summary), not the medium job \(job.jobID) reads")
                }
                return source
            }
        } catch let error as IngestError where error.code == .sourceReplaced {
            logger.warning("job \(job.jobID): \(error.message)", metadata: ["job_id": "\(job.jobID)"])
            return .refused(error.message)
        } catch {
            // The medium or the directory is gone, unreadable or another one: nothing is lost, the files stay pending.
            if driver.readsRemovableMedia { return .sourceGone("cannot read the medium: \(error)") }
            return .storeFailure("cannot read the source: \(error)")
        }
        let store = self.store
        let known = (try? await BlockingDoor.store.run { try store.knownFiles(sourceID: job.sourceID) }) ?? [:]
        let ingester = FileIngester(store: store, chunkBytes: config.chunkBytes, syncLargeFilesBytes: config.syncLargeFilesBytes,
                                    known: known, metrics: metrics)
        var batch = CommitBatch(limits: config)
        var stop: Stop?

        await withTaskGroup(of: CopyEvent.self) { group in
            var next = files.makeIterator()
            var committing = false
            func add(_ file: PlannedFile) {
                group.addTask { await self.attempt(file, ingester: ingester, source: source, job: job, cancel: cancel) }
            }
            func addNext() -> Bool {
                guard let file = next.next() else { return false }
                add(file)
                return true
            }
            func startCommit() {
                guard !committing, !batch.isEmpty else { return }
                committing = true
                let taken = batch.take()
                group.addTask { .committed(failure: await self.commit(taken, job: job)) }
            }
            for _ in 0..<config.effectiveConcurrency where !addNext() { break }
            while let event = await group.next() {
                switch event {
                case .file(.done(let outcome, let staged)):
                    batch.add(outcome, staged: staged)
                case .file(.cancelled):
                    if stop == nil { stop = .shutdown }
                case .file(.storeFailure(let why)), .file(.noSpace(let why)):
                    if stop == nil { stop = .storeFailure(why) }
                    cancel.cancel()
                case .file(.sourceGone(let why)):
                    if stop == nil { stop = .sourceGone(why) }
                    cancel.cancel()
                case .committed(let failure):
                    committing = false
                    if let failure, stop == nil { stop = .storeFailure(failure); cancel.cancel() }
                case .retry(let file):
                    // No room on the store: commit what is verified, and try the file again later.
                    startCommit()
                    if stop == nil && !cancel.isCancelled { add(file) } else if stop == nil { stop = .shutdown }
                }
                if case .file = event {
                    if stop == nil && !cancel.isCancelled { _ = addNext() } else if stop == nil { stop = .shutdown }
                }
                if batch.isFull || stop != nil { startCommit() }
            }
        }
        if !batch.isEmpty, let failure = await commit(batch.take(), job: job), stop == nil { stop = .storeFailure(failure) }
        return stop
    }

    /// What a copy task reports to the job's loop.
    enum CopyEvent: Sendable {
        case file(FileIngester.Result)
        case committed(failure: String?)
        /// Not copied for want of space; the file stays pending and is tried again.
        case retry(PlannedFile)
    }

    /// Copies one file once the free-space gate admits it. A file the gate holds
    /// back, or one the disk filled up under, comes back as `.retry` after a pause.
    private func attempt(_ file: PlannedFile, ingester: FileIngester, source: any EvidenceSource, job: JobContext,
                         cancel: CancellationFlag) async -> CopyEvent {
        if let space {
            // A store whose free space cannot be measured is not held back: ENOSPC still pauses it.
            let admitted = (try? space.admit(bytes: file.size)) ?? true
            guard admitted else {
                try? await Task.sleep(for: .milliseconds(500))
                return .retry(file)
            }
        }
        let result = await BlockingDoor.media.run { ingester.ingest(file, from: source, job: job, cancel: cancel) }
        space?.release(bytes: file.size)
        if case .noSpace(let why) = result {
            guard let space else { return .file(.storeFailure(why)) }
            logger.warning("job \(job.jobID): \(why); ingest pauses until space returns", metadata: ["job_id": "\(job.jobID)"])
            space.reportFull()
            try? await Task.sleep(for: .milliseconds(500))
            return .retry(file)
        }
        return .file(result)
    }

    /// Verifies a group's small files from the device, installs its blobs and commits
    /// its outcomes; returns a failure message if the store could not take them, or gave
    /// back other bytes than were written (their files then stay pending).
    private func commit(_ taken: CommitBatch.Taken, job: JobContext) async -> String? {
        let store = self.store
        do {
            // The device is read again on the media's threads, the commit waits for the index on the store's.
            try await BlockingDoor.media.run { try DeviceVerification.verifyGroup(taken.unverified, sizes: taken.unverifiedSizes) }
            try await BlockingDoor.store.run { try store.installAndCommit(taken.staged, taken.outcomes, job: job) }
            return nil
        } catch {
            if error is DeviceVerification.Mismatch { metrics?.verificationFailed() }
            for (blob, _) in taken.staged { blob.discard() }
            logger.error("job \(job.jobID): commit failed: \(error)", metadata: ["job_id": "\(job.jobID)"])
            return "the store could not commit \(taken.outcomes.count) files: \(error)"
        }
    }
}
