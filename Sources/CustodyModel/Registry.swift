// The registry: who wears which device when, which hearing sits where. Times are
// RFC 3339 UTC; intervals are half-open ([from, to)), a missing `to` is open-ended.

/// An officer, by badge number.
public struct Officer: Sendable, Equatable {
    /// Badge number, the officer's key (e.g. "B-1042").
    public var badge: String
    public var name: String
    public var unit: String
    public var rank: String?
    public var createdAt: String
    public var updatedAt: String
    public init(badge: String, name: String, unit: String, rank: String?, createdAt: String, updatedAt: String) {
        self.badge = badge; self.name = name; self.unit = unit; self.rank = rank; self.createdAt = createdAt; self.updatedAt = updatedAt
    }
}

/// Who holds a device now.
public struct Assignee: Sendable, Equatable {
    public var officer: String
    public var name: String
    /// personal (issued over a time range) or shift (checked out from a pool).
    public var kind: String
    public var since: String
    public var until: String?
    public init(officer: String, name: String, kind: String, since: String, until: String?) {
        self.officer = officer; self.name = name; self.kind = kind; self.since = since; self.until = until
    }
}

/// A registered recording device (docked at least once, or imported).
public struct Equipment: Sendable, Equatable {
    public var serial: String
    public var model: String?
    public var kind: String?
    /// The courtroom a fixed recorder is installed in.
    public var courtroom: String?
    public var registeredAt: String
    /// Its last dock or ingest job naming it.
    public var lastContactAt: String?
    public var assignee: Assignee?
    /// The latest clock check: device clock minus station clock, in seconds.
    public var clockOffsetSeconds: Int?
    public var clockCheckedAt: String?
    public init(serial: String, model: String?, kind: String?, courtroom: String?, registeredAt: String, lastContactAt: String?,
                assignee: Assignee?, clockOffsetSeconds: Int?, clockCheckedAt: String?) {
        self.serial = serial; self.model = model; self.kind = kind; self.courtroom = courtroom; self.registeredAt = registeredAt
        self.lastContactAt = lastContactAt; self.assignee = assignee; self.clockOffsetSeconds = clockOffsetSeconds
        self.clockCheckedAt = clockCheckedAt
    }
}

/// A courtroom of the registry.
public struct Courtroom: Sendable, Equatable {
    public var id: String
    public var name: String
    public var building: String?
    public init(id: String, name: String, building: String?) { self.id = id; self.name = name; self.building = building }
}

/// A case: made when a hearing, tag or hold first names it.
public struct Case: Sendable, Equatable {
    public var number: String
    public var createdAt: String
    public var hearings: Int
    public var items: Int
    /// True while a legal hold on the whole case is in force.
    public var onHold: Bool
    public init(number: String, createdAt: String, hearings: Int, items: Int, onHold: Bool) {
        self.number = number; self.createdAt = createdAt; self.hearings = hearings; self.items = items; self.onHold = onHold
    }
}

/// A hearing of a case in a courtroom, as scheduled and as it actually ran.
public struct Hearing: Sendable, Equatable {
    public var id: String
    public var `case`: String
    public var courtroom: String
    public var judge: String
    public var title: String?
    public var scheduledStart: String
    public var scheduledEnd: String
    /// When the recording sessions show it actually ran (set by the courtroom recorder).
    public var actualStart: String?
    public var actualEnd: String?
    /// Items tagged to it.
    public var items: Int
    public init(id: String, case: String, courtroom: String, judge: String, title: String?, scheduledStart: String,
                scheduledEnd: String, actualStart: String?, actualEnd: String?, items: Int) {
        self.id = id; self.case = `case`; self.courtroom = courtroom; self.judge = judge; self.title = title
        self.scheduledStart = scheduledStart; self.scheduledEnd = scheduledEnd; self.actualStart = actualStart
        self.actualEnd = actualEnd; self.items = items
    }
}

/// A device in an officer's hands over a time range.
public struct Assignment: Sendable, Equatable {
    public var id: Int64
    public var device: String
    public var officer: String
    public var officerName: String
    /// personal or shift.
    public var kind: String
    public var from: String
    public var to: String?
    public init(id: Int64, device: String, officer: String, officerName: String, kind: String, from: String, to: String?) {
        self.id = id; self.device = device; self.officer = officer; self.officerName = officerName; self.kind = kind
        self.from = from; self.to = to
    }
}

/// A device's clock read against the station's.
public struct ClockCheck: Sendable, Equatable {
    public var id: Int64
    public var device: String
    /// Device clock minus station clock, in whole seconds (positive: the device is ahead).
    public var offsetSeconds: Int
    /// dock (read by the driver at dock) or operator.
    public var source: String
    public var dock: Int64?
    public var checkedAt: String
    public init(id: Int64, device: String, offsetSeconds: Int, source: String, dock: Int64?, checkedAt: String) {
        self.id = id; self.device = device; self.offsetSeconds = offsetSeconds; self.source = source; self.dock = dock
        self.checkedAt = checkedAt
    }
}

/// What a registry import did. An import is all-or-nothing: a file with a bad row
/// writes nothing.
public struct ImportReport: Sendable, Equatable {
    /// officers, devices, courtrooms, assignments or hearings.
    public var kind: String
    /// csv or ics.
    public var format: String
    public var name: String?
    public var rows: Int
    public var created: Int
    public var updated: Int
    public var unchanged: Int
    /// Items whose automatic tags changed because of it.
    public var retagged: Int
    /// Columns (or calendar properties) of the file this kind does not use.
    public var ignoredColumns: [String]
    public init(kind: String, format: String, name: String?, rows: Int, created: Int, updated: Int, unchanged: Int, retagged: Int,
                ignoredColumns: [String]) {
        self.kind = kind; self.format = format; self.name = name; self.rows = rows; self.created = created
        self.updated = updated; self.unchanged = unchanged; self.retagged = retagged; self.ignoredColumns = ignoredColumns
    }
}
