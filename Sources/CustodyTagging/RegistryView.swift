import Foundation

/// What the Tagger reads of the registry: the devices, their holders over time, the
/// hearings of their courtrooms and their clock checks, as instants. The store reads
/// it within the transaction that writes the tags, so the tags are the registry's
/// at that moment; a view may hold more than a recording needs (other devices, other
/// times), never less.
public struct RegistryView: Sendable, Equatable {
    /// Registered devices by serial, with the courtroom a fixed recorder is installed in.
    public var devices: [String: RegisteredDevice]
    /// Who held which device when (personal issues and shift checkouts).
    public var assignments: [AssignmentSpan]
    /// Hearings, each with the window it is in session.
    public var hearings: [HearingSitting]
    /// Devices' clocks read against the station's.
    public var clockChecks: [ClockReading]

    public init(devices: [String: RegisteredDevice] = [:], assignments: [AssignmentSpan] = [], hearings: [HearingSitting] = [],
                clockChecks: [ClockReading] = []) {
        self.devices = devices; self.assignments = assignments; self.hearings = hearings; self.clockChecks = clockChecks
    }
}

/// A registered device, as tagging sees it.
public struct RegisteredDevice: Sendable, Equatable {
    public var serial: String
    /// The courtroom a fixed recorder is installed in; nil for a worn or hand-held device.
    public var courtroom: String?
    public init(serial: String, courtroom: String?) { self.serial = serial; self.courtroom = courtroom }
}

/// A device in an officer's hands over a span of time.
public struct AssignmentSpan: Sendable, Equatable {
    public var id: Int64
    public var device: String
    /// The officer's badge.
    public var officer: String
    /// personal (issued over a time range) or shift (checked out from a pool).
    public var kind: String
    public var span: TimeSpan
    public init(id: Int64, device: String, officer: String, kind: String, span: TimeSpan) {
        self.id = id; self.device = device; self.officer = officer; self.kind = kind; self.span = span
    }
}

/// A hearing of a courtroom, as scheduled and as it actually ran.
public struct HearingSitting: Sendable, Equatable {
    public var id: String
    public var caseNumber: String
    public var courtroom: String
    public var scheduled: TimeSpan
    /// When it actually started and ended, where the recorder or a clerk said so.
    public var actualStart: Date?
    public var actualEnd: Date?
    public init(id: String, caseNumber: String, courtroom: String, scheduled: TimeSpan, actualStart: Date? = nil, actualEnd: Date? = nil) {
        self.id = id; self.caseNumber = caseNumber; self.courtroom = courtroom; self.scheduled = scheduled
        self.actualStart = actualStart; self.actualEnd = actualEnd
    }

    /// The span it is in session: its actual times where known, else as scheduled.
    public var window: TimeSpan { TimeSpan(actualStart ?? scheduled.start, actualEnd ?? scheduled.end) }
}

/// A device's clock read against the station's.
public struct ClockReading: Sendable, Equatable {
    public var id: Int64
    public var device: String
    /// Device clock minus station clock, in whole seconds (positive: the device is ahead).
    public var offsetSeconds: Int
    public var checkedAt: Date
    public init(id: Int64, device: String, offsetSeconds: Int, checkedAt: Date) {
        self.id = id; self.device = device; self.offsetSeconds = offsetSeconds; self.checkedAt = checkedAt
    }
}
