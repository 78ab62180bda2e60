import Foundation

/// The one JSON form of the index's JSON columns (event details, channel names, notes,
/// retention policies, segment summaries): sorted keys, no escaped slashes. Rows written
/// before keep reading the same; the ledger hashes events in their own canonical form
/// (``CanonicalEntry``), not in this one.
enum IndexJSON {
    static func encoder() -> JSONEncoder {
        let e = JSONEncoder()
        e.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return e
    }
    static let decoder = JSONDecoder()
}
