import CustodyModel

extension OfficerDTO {
    public init(_ o: Officer) {
        self.init(badge: o.badge, name: o.name, unit: o.unit, rank: o.rank, createdAt: o.createdAt, updatedAt: o.updatedAt)
    }
}

extension AssigneeDTO {
    public init(_ a: Assignee) { self.init(officer: a.officer, name: a.name, kind: a.kind, since: a.since, until: a.until) }
}

extension EquipmentDTO {
    public init(_ e: Equipment) {
        self.init(serial: e.serial, model: e.model, kind: e.kind, courtroom: e.courtroom, registeredAt: e.registeredAt,
                  lastContactAt: e.lastContactAt, assignee: e.assignee.map(AssigneeDTO.init), clockOffsetSeconds: e.clockOffsetSeconds,
                  clockCheckedAt: e.clockCheckedAt)
    }
}

extension CourtroomDTO {
    public init(_ c: Courtroom) { self.init(id: c.id, name: c.name, building: c.building) }
}

extension CaseDTO {
    public init(_ c: Case) { self.init(number: c.number, createdAt: c.createdAt, hearings: c.hearings, items: c.items, onHold: c.onHold) }
}

extension HearingDTO {
    public init(_ h: Hearing) {
        self.init(id: h.id, case: h.case, courtroom: h.courtroom, judge: h.judge, title: h.title, scheduledStart: h.scheduledStart,
                  scheduledEnd: h.scheduledEnd, actualStart: h.actualStart, actualEnd: h.actualEnd, items: h.items)
    }
}

extension AssignmentDTO {
    public init(_ a: Assignment) {
        self.init(id: a.id, device: a.device, officer: a.officer, officerName: a.officerName, kind: a.kind, from: a.from, to: a.to)
    }
}

extension ClockCheckDTO {
    public init(_ c: ClockCheck) {
        self.init(id: c.id, device: c.device, offsetSeconds: c.offsetSeconds, source: c.source, dock: c.dock, checkedAt: c.checkedAt)
    }
}

extension ImportReportDTO {
    public init(_ r: ImportReport) {
        self.init(kind: r.kind, format: r.format, name: r.name, rows: r.rows, created: r.created, updated: r.updated,
                  unchanged: r.unchanged, retagged: r.retagged, ignoredColumns: r.ignoredColumns)
    }
}
