import CustodyModel

/// The Tagger's answer for one recording: its tags, and why each has its value or none.
public struct Tagging: Sendable, Equatable {
    public var tags: ItemTags
    /// A reason for every field of `TagField`.
    public var reasons: [TagField: TagReason]
    public init(tags: ItemTags, reasons: [TagField: TagReason]) { self.tags = tags; self.reasons = reasons }

    /// The value of one tag.
    public func value(_ field: TagField) -> String? {
        switch field {
        case .officer: tags.officer
        case .courtroom: tags.courtroom
        case .hearing: tags.hearing
        case .case: tags.case
        case .category: tags.category
        }
    }

    /// The assignment that gave the officer, if one did.
    public var assignment: Int64? {
        if case .assigned(let id, _, _) = reasons[.officer] { id } else { nil }
    }
}
