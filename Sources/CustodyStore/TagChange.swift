/// A person's tags for one item. Nil members stay as they are; an empty officer,
/// hearing or case removes that tag; a note is added to the item's notes.
public struct TagChange: Sendable, Equatable {
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
