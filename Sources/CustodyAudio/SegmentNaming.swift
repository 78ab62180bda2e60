import Foundation

/// Names of a session's segments and their OriginatorReferences.
enum SegmentNaming {
    /// 12 upper-case hex digits, random per session.
    static func newSessionReference() -> String {
        String(UUID().uuidString.replacingOccurrences(of: "-", with: "").prefix(12))
    }

    /// "CUSTODY-<session>-<sequence, 6 digits>": 27 characters, unique per segment
    /// (bext OriginatorReference allows 32).
    static func originatorReference(session: String, sequence: Int) -> String {
        "CUSTODY-\(session)-\(BroadcastExtensionFields.digits(sequence, 6))"
    }

    /// "<courtroom>_<yyyymmdd>T<hhmmss>Z_<session>_<sequence, 4 digits>.wav", from the
    /// segment's first-sample date and time (UTC); characters other than letters,
    /// digits, '.', '-' and '_' in the courtroom id become '-'.
    static func fileName(courtroomID: String, fields: BroadcastExtensionFields, session: String, sequence: Int) -> String {
        let date = fields.originationDate.filter(\.isNumber)
        let time = fields.originationTime.filter(\.isNumber)
        return "\(safe(courtroomID))_\(date)T\(time)Z_\(session)_\(BroadcastExtensionFields.digits(sequence, 4)).wav"
    }

    static func safe(_ text: String) -> String {
        let allowed = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-_")
        let cleaned = String(text.map { allowed.contains($0) ? $0 : "-" })
        return cleaned.hasPrefix(".") ? "-" + cleaned.dropFirst() : cleaned
    }
}
