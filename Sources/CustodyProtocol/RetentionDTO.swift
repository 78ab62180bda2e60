// Manual tags, legal holds, retention and gaps.

/// `POST /v1/tags`: a supervisor's tags for one item. Absent members stay as they
/// are; an empty officer, hearing or case removes that tag.
public struct TagRequestDTO: Sendable, Codable, Equatable {
    public var item: Int64
    public var officer: String?
    public var hearing: String?
    public var `case`: String?
    public var category: String?
    public var note: String?
    public init(item: Int64, officer: String? = nil, hearing: String? = nil, case: String? = nil, category: String? = nil,
                note: String? = nil) {
        self.item = item; self.officer = officer; self.hearing = hearing; self.case = `case`; self.category = category
        self.note = note
    }
}

/// `POST /v1/holds`: a legal hold on one item or on a whole case.
public struct HoldRequestDTO: Sendable, Codable, Equatable {
    public var item: Int64?
    public var `case`: String?
    public var reason: String
    public init(item: Int64?, case: String?, reason: String) { self.item = item; self.case = `case`; self.reason = reason }
}

/// `PATCH /v1/holds/{id}`: `{"active": false, "reason": "..."}` releases the hold.
public struct HoldReleaseDTO: Sendable, Codable, Equatable {
    public var active: Bool
    public var reason: String
    public init(active: Bool, reason: String) { self.active = active; self.reason = reason }
}

public struct HoldDTO: Sendable, Codable, Equatable {
    public var id: Int64
    public var item: Int64?
    public var `case`: String?
    public var reason: String
    public var placedAt: String
    public var placedBy: ActorDTO
    public var active: Bool
    public var releasedAt: String?
    public var releasedBy: ActorDTO?
    public var releaseReason: String?
    public init(id: Int64, item: Int64?, case: String?, reason: String, placedAt: String, placedBy: ActorDTO, active: Bool,
                releasedAt: String?, releasedBy: ActorDTO?, releaseReason: String?) {
        self.id = id; self.item = item; self.case = `case`; self.reason = reason; self.placedAt = placedAt
        self.placedBy = placedBy; self.active = active; self.releasedAt = releasedAt; self.releasedBy = releasedBy
        self.releaseReason = releaseReason
    }
}

public struct HoldListDTO: Sendable, Codable, Equatable {
    public var holds: [HoldDTO]
    public init(holds: [HoldDTO]) { self.holds = holds }
}

/// One item of a retention plan: expired (its blob will be deleted) or held (kept).
public struct RetentionEntryDTO: Sendable, Codable, Equatable {
    public var item: Int64
    public var sha256: String
    public var size: Int64
    public var category: String
    public var recordedAt: String
    public var expiresAt: String
    /// Why, in words: the category's period, or the holds that keep it.
    public var reason: String
    public init(item: Int64, sha256: String, size: Int64, category: String, recordedAt: String, expiresAt: String, reason: String) {
        self.item = item; self.sha256 = sha256; self.size = size; self.category = category; self.recordedAt = recordedAt
        self.expiresAt = expiresAt; self.reason = reason
    }
}

/// A retention plan: what `retention apply` may delete on the day it was made.
public struct RetentionPlanDTO: Sendable, Codable, Equatable {
    public var id: Int64
    public var madeAt: String
    public var madeBy: ActorDTO
    /// The station's calendar day the plan is valid on (YYYY-MM-DD).
    public var day: String
    public var appliedAt: String?
    /// Retention period of each category in days (0: never expires).
    public var periods: [String: Int]
    public var expired: [RetentionEntryDTO]
    public var held: [RetentionEntryDTO]
    /// Bytes the expired items' blobs hold (a blob another kept item shares stays).
    public var bytes: Int64
    public init(id: Int64, madeAt: String, madeBy: ActorDTO, day: String, appliedAt: String?, periods: [String: Int],
                expired: [RetentionEntryDTO], held: [RetentionEntryDTO], bytes: Int64) {
        self.id = id; self.madeAt = madeAt; self.madeBy = madeBy; self.day = day; self.appliedAt = appliedAt
        self.periods = periods; self.expired = expired; self.held = held; self.bytes = bytes
    }
}

public struct RetentionPlanSummaryDTO: Sendable, Codable, Equatable {
    public var id: Int64
    public var madeAt: String
    public var madeBy: ActorDTO
    public var day: String
    public var appliedAt: String?
    public var expired: Int
    public var held: Int
    public init(id: Int64, madeAt: String, madeBy: ActorDTO, day: String, appliedAt: String?, expired: Int, held: Int) {
        self.id = id; self.madeAt = madeAt; self.madeBy = madeBy; self.day = day; self.appliedAt = appliedAt
        self.expired = expired; self.held = held
    }
}

public struct RetentionPlanListDTO: Sendable, Codable, Equatable {
    public var plans: [RetentionPlanSummaryDTO]
    public init(plans: [RetentionPlanSummaryDTO]) { self.plans = plans }
}

/// What `retention apply` did.
public struct RetentionResultDTO: Sendable, Codable, Equatable {
    public var plan: Int64
    /// Items whose blobs are gone (their records, hashes and events stay).
    public var deleted: [Int64]
    /// Items of the plan kept after all, each with why (a hold placed since, retagged, …).
    public var kept: [RetentionEntryDTO]
    public var blobsDeleted: Int
    public var bytesFreed: Int64
    public init(plan: Int64, deleted: [Int64], kept: [RetentionEntryDTO], blobsDeleted: Int, bytesFreed: Int64) {
        self.plan = plan; self.deleted = deleted; self.kept = kept; self.blobsDeleted = blobsDeleted; self.bytesFreed = bytesFreed
    }
}

/// One gap in the record: something that should be there and is not.
public struct GapDTO: Sendable, Codable, Equatable {
    /// hearing-unrecorded, hearing-hole, device-undocked, item-unassigned or clock-drift.
    public var kind: String
    /// What it concerns: `hearing:ID`, `device:SERIAL`, `item:N`.
    public var subject: String
    /// What is missing, in words.
    public var message: String
    public var from: String?
    public var to: String?
    public var seconds: Int?
    public var hearing: String?
    public var device: String?
    public var officer: String?
    public var item: Int64?
    public init(kind: String, subject: String, message: String, from: String? = nil, to: String? = nil, seconds: Int? = nil,
                hearing: String? = nil, device: String? = nil, officer: String? = nil, item: Int64? = nil) {
        self.kind = kind; self.subject = subject; self.message = message; self.from = from; self.to = to
        self.seconds = seconds; self.hearing = hearing; self.device = device; self.officer = officer; self.item = item
    }
}

public struct GapReportDTO: Sendable, Codable, Equatable {
    public var from: String?
    public var to: String?
    public var generatedAt: String
    public var gaps: [GapDTO]
    /// True when more item gaps exist than `limit` allowed to list.
    public var truncated: Bool
    public init(from: String?, to: String?, generatedAt: String, gaps: [GapDTO], truncated: Bool) {
        self.from = from; self.to = to; self.generatedAt = generatedAt; self.gaps = gaps; self.truncated = truncated
    }
}
