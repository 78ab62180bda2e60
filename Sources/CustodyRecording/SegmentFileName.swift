/// What a segment's file name says: `<courtroom>_<yyyymmdd>T<hhmmss>Z_<session>_<sequence>.wav`
/// (CustodyAudio names them so; a courtroom id may itself hold '_', so it is read from the right).
struct SegmentFileName: Equatable {
    var session: String
    var sequence: Int

    init?(_ name: String) {
        guard name.hasSuffix(".wav") else { return nil }
        let parts = name.dropLast(4).split(separator: "_", omittingEmptySubsequences: false)
        guard parts.count >= 4, let sequence = Int(parts[parts.count - 1]), sequence >= 1,
              parts[parts.count - 2].count == 12, parts[parts.count - 2].allSatisfy(\.isHexDigit),
              parts[parts.count - 3].hasSuffix("Z") else { return nil }
        self.session = String(parts[parts.count - 2])
        self.sequence = sequence
    }
}
