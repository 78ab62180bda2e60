import CustodyCore
import CustodyModel
import CustodyStore
import Foundation

/// The hearing schedule from the registry (hearings imported from the court's
/// calendar): when each hearing is scheduled in which courtroom, with its case; and
/// where the recording sessions tell when hearings actually ran.
public struct RegistryHearingSchedule: HearingSchedule {
    let store: any RegistryStore

    public init(store: any RegistryStore) { self.store = store }

    public func hearings(courtroom: String, from: Date, to: Date) throws -> [ScheduledHearing] {
        var query = HearingQuery()
        query.courtroom = courtroom
        query.from = from
        query.to = to
        query.limit = 100
        return try store.hearings(query).compactMap(Self.scheduled).sorted { $0.start < $1.start }
    }

    public func hearing(_ id: String) throws -> ScheduledHearing? {
        try store.registeredHearing(id).flatMap(Self.scheduled)
    }

    /// Widens the hearing's actual times to take in this session: the earliest start
    /// and the latest end of its sessions.
    public func recordActual(hearing id: String, start: Date?, end: Date?, actor: Caller) throws {
        guard let known = try store.registeredHearing(id) else { return }
        let earlierStart = start.flatMap { s in known.actualStart.flatMap(RFC3339.parse).map { s < $0 ? s : nil } ?? s }
        let laterEnd = end.flatMap { e in known.actualEnd.flatMap(RFC3339.parse).map { e > $0 ? e : nil } ?? e }
        guard earlierStart != nil || laterEnd != nil else { return }
        _ = try store.recordHearingActual(hearing: id, start: earlierStart, end: laterEnd, actor: actor)
    }

    static func scheduled(_ h: Hearing) -> ScheduledHearing? {
        guard let start = RFC3339.parse(h.scheduledStart), let end = RFC3339.parse(h.scheduledEnd) else { return nil }
        return ScheduledHearing(id: h.id, caseNumber: h.case, courtroom: h.courtroom, start: start, end: end,
                                actualEnd: h.actualEnd.flatMap(RFC3339.parse))
    }
}
