import CustodyCore
import CustodyModel
import Foundation

/// What the hearing schedule asks of a courtroom now.
enum ScheduleAction: Equatable {
    case none
    /// Start an automatic session for this hearing.
    case start(ScheduledHearing)
    /// Stop the automatic session of this hearing (its time, with the margin, is over,
    /// or the next hearing has begun).
    case stop(hearing: String)

    /// The rules, as a pure function of the schedule and the courtroom's state.
    ///
    /// A hearing's automatic window is `[start − lead, end + margin)`. An idle
    /// courtroom starts the hearing whose window holds `now` (the latest one already
    /// begun, else the next), unless a person took charge of it (`leftAlone`) or an
    /// attempt failed less than `retry` ago. An automatic session stops when its
    /// window is over or a later hearing has begun. A session a person started is
    /// never touched.
    static func decide(now: Date, hearings: [ScheduledHearing], active: (automatic: Bool, hearing: String?)?,
                       leftAlone: Set<String>, lastAttempts: [String: Date], lead: TimeInterval, margin: TimeInterval,
                       retry: TimeInterval) -> ScheduleAction {
        func inWindow(_ h: ScheduledHearing) -> Bool { h.start.addingTimeInterval(-lead) <= now && now < h.end.addingTimeInterval(margin) }
        if let active {
            guard active.automatic, let id = active.hearing else { return .none }
            guard let hearing = hearings.first(where: { $0.id == id }), inWindow(hearing) else { return .stop(hearing: id) }
            let next = hearings.contains { $0.id != id && !leftAlone.contains($0.id) && $0.start >= hearing.end && $0.start <= now }
            return next ? .stop(hearing: id) : .none
        }
        let due = hearings.filter { h in
            inWindow(h) && !leftAlone.contains(h.id) && (lastAttempts[h.id].map { now.timeIntervalSince($0) >= retry } ?? true)
        }.sorted { $0.start < $1.start }
        guard let chosen = due.last(where: { $0.start <= now }) ?? due.first else { return .none }
        return .start(chosen)
    }
}

extension RecordingManager {
    /// How long after a failed automatic start the schedule tries that hearing again.
    static let automaticRetrySeconds: TimeInterval = 60

    /// Looks at the hearing schedule every `scheduleIntervalSeconds` until cancelled.
    func followSchedule() async {
        while !Task.isCancelled {
            if !isShuttingDown { await scheduleTick() }
            try? await Task.sleep(for: .seconds(options.recording.scheduleIntervalSeconds))
        }
    }

    /// Starts and stops the automatic sessions the schedule asks for now.
    func scheduleTick() async {
        guard let schedule else { return }
        let now = clock.now()
        let lead = TimeInterval(options.recording.scheduleLeadSeconds)
        let margin = TimeInterval(options.recording.scheduleMarginSeconds)
        for room in rooms where room.config.automatic {
            let hearings: [ScheduledHearing]
            // The schedule is the registry's index: read through the store's door, off the
            // cooperative threads.
            let read = await BlockingDoor.store.run {
                Result { try schedule.hearings(courtroom: room.id, from: now.addingTimeInterval(-margin - 1), to: now.addingTimeInterval(lead + 1)) }
            }
            switch read {
            case .success(let found): hearings = found
            case .failure(let error):
                logger.error("courtroom \(room.id): cannot read the hearing schedule: \(error)")
                continue
            }
            let (active, leftAlone, attempts) = room.state.withLock { state in
                (state.current.flatMap { $0.finished.value == nil ? ($0.request.automatic, $0.request.hearing) : nil },
                 state.overridden, state.automaticAttempts)
            }
            switch ScheduleAction.decide(now: now, hearings: hearings, active: active, leftAlone: leftAlone, lastAttempts: attempts,
                                         lead: lead, margin: margin, retry: Self.automaticRetrySeconds) {
            case .none:
                break
            case .start(let hearing):
                room.state.withLock { $0.automaticAttempts[hearing.id] = now }
                do {
                    _ = try await start(RecordingRequest(courtroom: room.id, hearing: hearing.id, case: hearing.caseNumber),
                                        caller: .daemon, automatic: true)
                } catch {
                    logger.error("courtroom \(room.id): the scheduled recording of hearing \(hearing.id) did not start: \(error)")
                }
            case .stop(let hearing):
                room.state.withLock { _ = $0.overridden.insert(hearing) }
                await stop(room, by: .daemon, reason: "schedule")
            }
        }
    }
}
