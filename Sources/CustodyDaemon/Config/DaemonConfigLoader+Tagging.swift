import CustodyStore
import CustodyTOML

extension DaemonConfig {
    /// `[retention]` (with `[retention.categories]`) and `[gaps]`.
    static func decodeTagging(_ top: TOMLTableReader, into config: inout DaemonConfig) throws(TOMLDecodeError) {
        if let r = try top.reader("retention") {
            if let categories = try r.reader("categories"), !categories.table.isEmpty {
                var periods: [String: Int] = [:]
                for key in categories.table.keys {
                    guard key.first?.isLetter == true, key.allSatisfy({ ($0.isLetter && $0.isLowercase) || $0.isNumber || $0 == "-" }),
                          key.allSatisfy(\.isASCII) else {
                        throw categories.error(key, "a category name is lower-case letters, digits and '-', starting with a letter")
                    }
                    guard let days = try categories.integer(key) else { continue }
                    try requireRange(days, 0...36_600, key: categories.keyPath(key), line: categories.line(of: key))
                    periods[key] = Int(days)
                }
                let unclassified = RetentionConfiguration.unclassified
                let longest = periods.filter { $0.key != unclassified }.values.max() ?? 0
                let keepsForever = periods.values.contains(0)
                if let days = periods[unclassified], days != 0, keepsForever || days < longest {
                    throw categories.error(unclassified, "unclassified recordings are never deleted early: give 0 (kept for ever) or at least the longest period (\(keepsForever ? "0, for ever" : "\(longest) days"))")
                }
                periods[unclassified] = periods[unclassified] ?? 0
                config.retention.categories = periods
                try categories.finish()
            }
            try r.finish()
        }
        if let r = try top.reader("gaps") {
            if let v = try r.integer("undockedHours") {
                try requireRange(v, 1...(366 * 24), key: "gaps.undockedHours", line: r.line(of: "undockedHours"))
                config.gaps.undockedHours = Int(v)
            }
            if let v = try r.integer("clockToleranceSeconds") {
                try requireRange(v, 0...86_400, key: "gaps.clockToleranceSeconds", line: r.line(of: "clockToleranceSeconds"))
                config.gaps.clockToleranceSeconds = Int(v)
            }
            if let v = try r.integer("holeSeconds") {
                try requireRange(v, 0...86_400, key: "gaps.holeSeconds", line: r.line(of: "holeSeconds"))
                config.gaps.holeSeconds = Int(v)
            }
            try r.finish()
        }
    }
}
