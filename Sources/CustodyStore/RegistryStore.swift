import CustodyCore
import CustodyModel
import Foundation

/// The registry and everything tagging, retention and gaps need: officers, devices,
/// courtrooms, cases, hearings and assignments; clock checks; manual tags; legal
/// holds; retention plans. Every change is a custody event with its author.
public protocol RegistryStore: Sendable {
    // MARK: Registry
    func officers(unit: String?) throws -> [Officer]
    func equipment() throws -> [Equipment]
    func courtrooms() throws -> [Courtroom]
    func cases() throws -> [Case]
    func hearings(_ query: HearingQuery) throws -> [Hearing]
    /// A hearing by its id (the recorder's schedule asks for its case and times).
    func registeredHearing(_ id: String) throws -> Hearing?
    func assignments(_ query: AssignmentQuery) throws -> [Assignment]
    /// Writes a parsed registry file in one transaction, or nothing: rows that
    /// contradict the index (unknown courtroom or officer, overlapping assignments or
    /// hearings) throw a ``RegistryError`` naming each. Unchanged rows write nothing.
    func importRegistry(_ file: RegistryImport, actor: Caller) throws -> ImportReport
    /// A pool device handed to an officer now, until checked in.
    func checkout(device: String, badge: String, actor: Caller) throws -> Assignment
    /// The device's open shift checkout, ended now.
    func checkin(device: String, actor: Caller) throws -> Assignment
    /// A device's clock against the station's (by a driver at dock, or an operator).
    func recordClockCheck(device: String, offsetSeconds: Int, dockID: Int64?, actor: Caller) throws -> ClockCheck
    /// When a hearing actually started and (once known) ended, from its recording
    /// sessions; the courtroom's recordings are tagged again against it.
    func recordHearingActual(hearing: String, start: Date?, end: Date?, actor: Caller) throws -> Hearing

    // MARK: Tags
    /// A person's tags for an item (`categories`: the configured ones).
    func tag(_ change: TagChange, categories: Set<String>, actor: Caller) throws -> Item

    // MARK: Holds and retention
    func holds(activeOnly: Bool) throws -> [Hold]
    func placeHold(item: Int64?, caseNumber: String?, reason: String, actor: Caller) throws -> Hold
    func releaseHold(_ id: Int64, reason: String, actor: Caller) throws -> Hold
    func makeRetentionPlan(periods: [String: Int], actor: Caller) throws -> RetentionPlan
    func retentionPlans(limit: Int) throws -> [RetentionPlanSummary]
    func retentionPlan(_ id: Int64) throws -> RetentionPlan?
    /// Deletes the blobs of the plan's expired items that are still expired and not
    /// held; only on the day the plan was made.
    func applyRetentionPlan(_ id: Int64, periods: [String: Int], actor: Caller) throws -> RetentionResult

    // MARK: Gaps
    func gaps(_ query: GapQuery) throws -> GapReport
}

public struct HearingQuery: Sendable, Equatable {
    public var from: Date?
    public var to: Date?
    public var courtroom: String?
    public var caseNumber: String?
    public var limit = 1000
    public init() {}
}

public struct AssignmentQuery: Sendable, Equatable {
    public var device: String?
    public var officer: String?
    /// In force at this instant.
    public var at: Date?
    public var limit = 1000
    public init() {}
}

public struct GapQuery: Sendable, Equatable {
    public var from: Date?
    public var to: Date?
    /// A device assigned but not docked (nor ingested) for longer than this is a gap.
    public var undockedSeconds: Int = 86_400
    /// A clock off by more than this at a check is a gap.
    public var clockToleranceSeconds: Int = 120
    /// A stretch of a hearing without recording longer than this is a gap.
    public var holeSeconds: Int = 60
    /// Most item gaps listed.
    public var limit = 1000
    public init() {}
}

/// A registry request the index refuses, with a stable code.
public struct RegistryError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Code: String, Sendable {
        /// The request itself is malformed.
        case badRequest = "bad-request"
        /// It names something that does not exist.
        case notFound = "not-found"
        /// It contradicts the current state (already checked out, plan from another day…).
        case conflict
        /// An import whose rows are wrong; `errors` names each.
        case invalidImport = "invalid-import"
    }
    public var code: Code
    public var message: String
    public var errors: [FieldError]

    public init(_ code: Code, _ message: String, errors: [FieldError] = []) {
        self.code = code; self.message = message; self.errors = errors
    }

    public var description: String {
        ([message] + errors.map { "  " + $0.text }).joined(separator: "\n")
    }
}
