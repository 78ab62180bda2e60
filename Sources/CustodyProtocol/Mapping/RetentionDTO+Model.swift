import CustodyModel

extension HoldDTO {
    public init(_ h: Hold) {
        self.init(id: h.id, item: h.item, case: h.case, reason: h.reason, placedAt: h.placedAt, placedBy: ActorDTO(h.placedBy),
                  active: h.active, releasedAt: h.releasedAt, releasedBy: h.releasedBy.map(ActorDTO.init), releaseReason: h.releaseReason)
    }
}

extension RetentionEntryDTO {
    public init(_ e: RetentionEntry) {
        self.init(item: e.item, sha256: e.sha256, size: e.size, category: e.category, recordedAt: e.recordedAt, expiresAt: e.expiresAt,
                  reason: e.reason)
    }
}

extension RetentionPlanDTO {
    public init(_ p: RetentionPlan) {
        self.init(id: p.id, madeAt: p.madeAt, madeBy: ActorDTO(p.madeBy), day: p.day, appliedAt: p.appliedAt, periods: p.periods,
                  expired: p.expired.map(RetentionEntryDTO.init), held: p.held.map(RetentionEntryDTO.init), bytes: p.bytes)
    }
}

extension RetentionPlanSummaryDTO {
    public init(_ p: RetentionPlanSummary) {
        self.init(id: p.id, madeAt: p.madeAt, madeBy: ActorDTO(p.madeBy), day: p.day, appliedAt: p.appliedAt, expired: p.expired,
                  held: p.held)
    }
}

extension RetentionResultDTO {
    public init(_ r: RetentionResult) {
        self.init(plan: r.plan, deleted: r.deleted, kept: r.kept.map(RetentionEntryDTO.init), blobsDeleted: r.blobsDeleted,
                  bytesFreed: r.bytesFreed)
    }
}

extension GapDTO {
    public init(_ g: Gap) {
        self.init(kind: g.kind, subject: g.subject, message: g.message, from: g.from, to: g.to, seconds: g.seconds, hearing: g.hearing,
                  device: g.device, officer: g.officer, item: g.item)
    }
}

extension GapReportDTO {
    public init(_ r: GapReport) {
        self.init(from: r.from, to: r.to, generatedAt: r.generatedAt, gaps: r.gaps.map(GapDTO.init), truncated: r.truncated)
    }
}
