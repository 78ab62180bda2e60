// The registry: who wears which device when, which hearing sits where. Times are
// RFC 3339 UTC; intervals are half-open ([from, to)), a missing `to` is open-ended.

/// An officer: `GET /v1/officers`.
public struct OfficerDTO: Sendable, Codable, Equatable {
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

public struct OfficerListDTO: Sendable, Codable, Equatable {
    public var officers: [OfficerDTO]
    public init(officers: [OfficerDTO]) { self.officers = officers }
}

/// Who holds a device now.
public struct AssigneeDTO: Sendable, Codable, Equatable {
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

/// A registered recording device (docked at least once, or imported): `GET /v1/equipment`.
public struct EquipmentDTO: Sendable, Codable, Equatable {
    public var serial: String
    public var model: String?
    public var kind: String?
    /// The courtroom a fixed recorder is installed in.
    public var courtroom: String?
    public var registeredAt: String
    /// Its last dock or ingest job naming it.
    public var lastContactAt: String?
    public var assignee: AssigneeDTO?
    /// The latest clock check: device clock minus station clock, in seconds.
    public var clockOffsetSeconds: Int?
    public var clockCheckedAt: String?
    public init(serial: String, model: String?, kind: String?, courtroom: String?, registeredAt: String, lastContactAt: String?,
                assignee: AssigneeDTO?, clockOffsetSeconds: Int?, clockCheckedAt: String?) {
        self.serial = serial; self.model = model; self.kind = kind; self.courtroom = courtroom; self.registeredAt = registeredAt
        self.lastContactAt = lastContactAt; self.assignee = assignee; self.clockOffsetSeconds = clockOffsetSeconds
        self.clockCheckedAt = clockCheckedAt
    }
}

public struct EquipmentListDTO: Sendable, Codable, Equatable {
    public var equipment: [EquipmentDTO]
    public init(equipment: [EquipmentDTO]) { self.equipment = equipment }
}

public struct CourtroomDTO: Sendable, Codable, Equatable {
    public var id: String
    public var name: String
    public var building: String?
    public init(id: String, name: String, building: String?) { self.id = id; self.name = name; self.building = building }
}

public struct CourtroomListDTO: Sendable, Codable, Equatable {
    public var courtrooms: [CourtroomDTO]
    public init(courtrooms: [CourtroomDTO]) { self.courtrooms = courtrooms }
}

/// A case: made when a hearing, tag or hold first names it.
public struct CaseDTO: Sendable, Codable, Equatable {
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

public struct CaseListDTO: Sendable, Codable, Equatable {
    public var cases: [CaseDTO]
    public init(cases: [CaseDTO]) { self.cases = cases }
}

public struct HearingDTO: Sendable, Codable, Equatable {
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

public struct HearingListDTO: Sendable, Codable, Equatable {
    public var hearings: [HearingDTO]
    public init(hearings: [HearingDTO]) { self.hearings = hearings }
}

public struct AssignmentDTO: Sendable, Codable, Equatable {
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

public struct AssignmentListDTO: Sendable, Codable, Equatable {
    public var assignments: [AssignmentDTO]
    public init(assignments: [AssignmentDTO]) { self.assignments = assignments }
}

/// `POST /v1/imports`: a registry file, sent whole.
public struct ImportRequestDTO: Sendable, Codable, Equatable {
    /// officers, devices, courtrooms, assignments or hearings.
    public var kind: String
    /// csv or ics (hearings only); by default from the name's extension, else csv.
    public var format: String?
    /// The file's name, for the report and the custody event.
    public var name: String?
    /// The file's text (UTF-8); or else `contentBase64`.
    public var content: String?
    /// The file's bytes in base64 (what custodyctl sends: a folded calendar line may split a UTF-8 sequence).
    public var contentBase64: String?
    public init(kind: String, format: String?, name: String?, content: String? = nil, contentBase64: String? = nil) {
        self.kind = kind; self.format = format; self.name = name; self.content = content; self.contentBase64 = contentBase64
    }
}

/// What an import did. An import is all-or-nothing: a bad row is a 422 problem whose
/// `errors` name every bad line and field, and nothing is written.
public struct ImportReportDTO: Sendable, Codable, Equatable {
    public var kind: String
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

/// `POST /v1/checkouts`: a pool device handed to an officer for a shift.
public struct CheckoutRequestDTO: Sendable, Codable, Equatable {
    public var device: String
    public var officer: String
    public init(device: String, officer: String) { self.device = device; self.officer = officer }
}

/// `POST /v1/checkins`: the device is back.
public struct CheckinRequestDTO: Sendable, Codable, Equatable {
    public var device: String
    public init(device: String) { self.device = device }
}

/// `POST /v1/clocks`: a device's clock read against the station's.
public struct ClockCheckRequestDTO: Sendable, Codable, Equatable {
    public var device: String
    /// Device clock minus station clock, in whole seconds (positive: the device is ahead).
    public var offsetSeconds: Int
    public init(device: String, offsetSeconds: Int) { self.device = device; self.offsetSeconds = offsetSeconds }
}

public struct ClockCheckDTO: Sendable, Codable, Equatable {
    public var id: Int64
    public var device: String
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
