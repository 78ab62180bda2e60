import CustodyCore
import CustodyIngest
import CustodyModel
import CustodyStore
import Foundation

extension RecordingManager {
    /// Files a room's segments one after the other, in the order they were closed
    /// (so that their items are in recording order), until its queue ends.
    func fileSegments(of room: Room) async {
        for await path in room.filing {
            await file(path, room: room)
        }
    }

    /// A job as the index has it, read off the cooperative threads.
    func readJob(_ id: Int64, files: Bool) async -> Job? {
        let store = self.store
        return await Offload.run { try? store.job(id, withFiles: files) }
    }

    /// Files one segment through the ingest pipeline (hashed while copied, verified,
    /// an `item.store` event), then records its item and summary and tags it. A
    /// segment that cannot be filed now keeps its working file and its state, and is
    /// filed at the next start.
    func file(_ path: String, room: Room) async {
        let store = self.store
        let pending: PendingSegment
        switch await Offload.run({ Result { try store.recordingSegment(path: path) } }) {
        case .success(let found?):
            pending = found
        case .success(nil):
            logger.error("courtroom \(room.id): segment \(path) is not in the index; it is filed at the next start")
            return
        case .failure(let error):
            logger.error("courtroom \(room.id): cannot read segment \(path) from the index: \(error)")
            return
        }
        if pending.state == .filed {
            await Offload.run { self.removeWorkingFile(path, courtroom: room.id) }
            return
        }
        var jobID = pending.jobID
        if let id = jobID {
            // A job from before a restart: resume it if it was cut off, read its outcome if it ended.
            switch await readJob(id, files: false)?.state {
            case .interrupted?:
                guard !isShuttingDown else { return }
                let engine = self.engine
                if case .failure = await Offload.run({ Result { try engine.resume(id, caller: .daemon) } }) { jobID = nil }
            case .failed?, nil:
                jobID = nil
            default:
                break
            }
        }
        if jobID == nil {
            guard FileManager.default.fileExists(atPath: path) else {
                await Offload.run { self.fail(path, room: room, "its working file \(path) is missing") }
                return
            }
            guard !isShuttingDown || filingTimeLeft else { return }
            do {
                let job = try await engine.submit(path: path, driver: .directory, deviceSerial: pending.segment.deviceSerial,
                                                  caller: pending.segment.requester)
                jobID = job.jobID
                try await Offload.run { Result { try store.recordSegmentFiling(path: path, jobID: job.jobID) } }.get()
            } catch {
                if let jobID {
                    logger.error("courtroom \(room.id): segment \(path) is being filed by job \(jobID), not recorded: \(error)")
                } else {
                    let why = "its ingest job could not start: \(error)"
                    await Offload.run { self.fail(path, room: room, why) }
                    return
                }
            }
        }
        guard let jobID, let job = await finishedJob(jobID) else { return }
        guard let file = job.files?.first(where: { $0.state == .stored || $0.state == .duplicate }), let item = file.itemId else {
            let why = job.files?.first?.message ?? job.message ?? "its ingest job \(jobID) ended \(job.state.rawValue)"
            await Offload.run { self.fail(path, room: room, why) }
            return
        }
        let detail: [String: JSONValue] = ["sha256": file.sha256.map { .string($0) } ?? .null, "size": .number(Double(file.size))]
        do {
            try await Offload.run { Result { try store.recordSegmentFiled(path: path, itemID: item, actor: .daemon, detail: detail) } }.get()
        } catch {
            logger.error("courtroom \(room.id): segment \(path) is stored as item \(item) but not recorded as filed: \(error)")
            return
        }
        room.state.withLock { $0.current }.map { session in
            if session.reference.withLock({ $0 }) == pending.segment.session { session.segmentsFiled.add(1, ordering: .relaxed) }
        }
        await Offload.run { self.removeWorkingFile(path, courtroom: room.id) }
    }

    /// True while a shutting-down filer may still start a job.
    var filingTimeLeft: Bool {
        filingDeadline.withLock { $0 }.map { clock.now() < $0 } ?? true
    }

    /// The job once it has ended; nil when shutdown leaves it to the next start. It
    /// waits for the store to publish a change to jobs (or, shutting down, for the filing
    /// deadline), never looking at the job's row on a timer.
    func finishedJob(_ id: Int64) async -> Job? {
        // Subscribed before the first look: a job that ends after it wakes this at once.
        var changes = store.changes.subscribe()
        defer { changes.close() }
        while true {
            guard let job = await readJob(id, files: false) else { return nil }
            switch job.state {
            case .queued, .running:
                if isShuttingDown && !filingTimeLeft { return nil }
                guard await waitForJobChange(id, &changes) else { return nil }
            case .interrupted:
                // custodyd is stopping (or the store could not take it): resumed at the next start.
                return nil
            case .completed, .completedWithErrors, .failed:
                return await readJob(id, files: true)
            }
        }
    }

    /// Waits until the store publishes a change to jobs, to job `id`, or to recording (a
    /// shutdown beginning), or until the filing deadline passes; false when cancelled.
    private func waitForJobChange(_ id: Int64, _ changes: inout ChangeSubscription) async -> Bool {
        let subject = "job:\(id)"
        let waiting = changes
        let now = clock.now()
        let deadline = filingDeadline.withLock { $0 }.map { max(0, $0.timeIntervalSince(now)) }
        let timer = deadline.map { seconds in
            Task {
                try? await Task.sleep(for: .seconds(seconds))
                waiting.wake()
            }
        }
        defer { timer?.cancel() }
        while true {
            switch await changes.next() {
            case .change(.state(.jobs)), .change(.state(.recordings)), .wake:
                return true
            case .change(.event(let event)) where event.subject == subject:
                return true
            case .change:
                continue
            case .fellBehind:
                // Cut for falling behind: subscribe again and look at the job again.
                changes = store.changes.subscribe()
                return true
            case .closed:
                return false
            }
        }
    }

    func fail(_ path: String, room: Room, _ why: String) {
        logger.error("courtroom \(room.id): segment \(path) not filed: \(why); it is retried at the next start")
        do { try store.recordSegmentFailed(path: path, message: why) } catch {
            logger.error("courtroom \(room.id): cannot record that segment \(path) failed: \(error)")
        }
    }

    /// Removes a filed segment's working file (its copy is verified in the store),
    /// unless `keepFiledSegments`.
    func removeWorkingFile(_ path: String, courtroom: String) {
        guard !options.recording.keepFiledSegments else { return }
        do { try FileManager.default.removeItem(atPath: path) } catch {
            if FileManager.default.fileExists(atPath: path) {
                logger.warning("courtroom \(courtroom): cannot remove the filed segment's working file \(path): \(error)")
            }
        }
    }
}
