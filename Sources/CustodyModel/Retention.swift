// Legal holds and retention.

/// A legal hold on one item or on a whole case: what it covers is kept whatever its
/// retention period says.
public struct Hold: Sendable, Equatable {
    public var id: Int64
    public var item: Int64?
    public var `case`: String?
    public var reason: String
    public var placedAt: String
    public var placedBy: Author
    public var active: Bool
    public var releasedAt: String?
    public var releasedBy: Author?
    public var releaseReason: String?
    public init(id: Int64, item: Int64?, case: String?, reason: String, placedAt: String, placedBy: Author, active: Bool,
                releasedAt: String?, releasedBy: Author?, releaseReason: String?) {
        self.id = id; self.item = item; self.case = `case`; self.reason = reason; self.placedAt = placedAt
        self.placedBy = placedBy; self.active = active; self.releasedAt = releasedAt; self.releasedBy = releasedBy
        self.releaseReason = releaseReason
    }
}

/// One item of a retention plan: expired (its blob will be deleted) or held (kept).
public struct RetentionEntry: Sendable, Equatable {
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

/// A retention plan: what applying it may delete on the day it was made.
public struct RetentionPlan: Sendable, Equatable {
    public var id: Int64
    public var madeAt: String
    public var madeBy: Author
    /// The station's calendar day the plan is valid on (YYYY-MM-DD).
    public var day: String
    public var appliedAt: String?
    /// Retention period of each category in days (0: never expires).
    public var periods: [String: Int]
    public var expired: [RetentionEntry]
    public var held: [RetentionEntry]
    /// Bytes the expired items' blobs hold (a blob another kept item shares stays).
    public var bytes: Int64
    public init(id: Int64, madeAt: String, madeBy: Author, day: String, appliedAt: String?, periods: [String: Int],
                expired: [RetentionEntry], held: [RetentionEntry], bytes: Int64) {
        self.id = id; self.madeAt = madeAt; self.madeBy = madeBy; self.day = day; self.appliedAt = appliedAt
        self.periods = periods; self.expired = expired; self.held = held; self.bytes = bytes
    }
}

/// A retention plan in a list: its counts rather than its entries.
public struct RetentionPlanSummary: Sendable, Equatable {
    public var id: Int64
    public var madeAt: String
    public var madeBy: Author
    public var day: String
    public var appliedAt: String?
    public var expired: Int
    public var held: Int
    public init(id: Int64, madeAt: String, madeBy: Author, day: String, appliedAt: String?, expired: Int, held: Int) {
        self.id = id; self.madeAt = madeAt; self.madeBy = madeBy; self.day = day; self.appliedAt = appliedAt
        self.expired = expired; self.held = held
    }
}

/// What applying a retention plan did.
public struct RetentionResult: Sendable, Equatable {
    public var plan: Int64
    /// Items whose blobs are gone (their records, hashes and events stay).
    public var deleted: [Int64]
    /// Items of the plan kept after all, each with why (a hold placed since, retagged, …).
    public var kept: [RetentionEntry]
    public var blobsDeleted: Int
    public var bytesFreed: Int64
    public init(plan: Int64, deleted: [Int64], kept: [RetentionEntry], blobsDeleted: Int, bytesFreed: Int64) {
        self.plan = plan; self.deleted = deleted; self.kept = kept; self.blobsDeleted = blobsDeleted; self.bytesFreed = bytesFreed
    }
}
