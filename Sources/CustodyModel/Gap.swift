/// One gap in the record: something that should be there and is not.
public struct Gap: Sendable, Equatable {
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

/// The gaps found over a stretch of time.
public struct GapReport: Sendable, Equatable {
    public var from: String?
    public var to: String?
    public var generatedAt: String
    public var gaps: [Gap]
    /// True when more item gaps exist than the query's limit allowed to list.
    public var truncated: Bool
    public init(from: String?, to: String?, generatedAt: String, gaps: [Gap], truncated: Bool) {
        self.from = from; self.to = to; self.generatedAt = generatedAt; self.gaps = gaps; self.truncated = truncated
    }
}
