import CustodyCore
import Foundation

extension LocalStore {
    /// A time the index holds, read back. Every text the store writes parses (one
    /// RFC 3339 form, years 0000–9999); an index written by an older Custody may hold
    /// one that does not (a year before 1 came out as "-0001-…"), which reads as the
    /// earliest instant Custody writes: a bounded value, never a trap.
    static func storedTime(_ text: String) -> Date {
        RFC3339.parse(text) ?? Date(timeIntervalSince1970: Double(RFC3339.earliestSeconds))
    }
}
