import CustodyCore
import Foundation

/// A hearing as the schedule has it.
public struct ScheduledHearing: Sendable, Equatable {
    public var id: String
    public var caseNumber: String?
    public var courtroom: String
    public var start: Date
    public var end: Date
    /// When its recording actually ended, once a session recorded it.
    public var actualEnd: Date?

    public init(id: String, caseNumber: String?, courtroom: String, start: Date, end: Date, actualEnd: Date? = nil) {
        self.id = id; self.caseNumber = caseNumber; self.courtroom = courtroom; self.start = start; self.end = end
        self.actualEnd = actualEnd
    }
}

/// Where recording learns which hearings are scheduled, and tells when they were
/// actually recorded. The hearing registry implements it; without one, courtrooms
/// are recorded only when someone asks.
public protocol HearingSchedule: Sendable {
    /// Hearings in `courtroom` whose scheduled span overlaps `from..<to`, by start.
    func hearings(courtroom: String, from: Date, to: Date) throws -> [ScheduledHearing]
    /// One hearing by its id.
    func hearing(_ id: String) throws -> ScheduledHearing?
    /// A session of the hearing started (its first frame) or ended (its last frame).
    func recordActual(hearing: String, start: Date?, end: Date?, actor: Caller) throws
}
