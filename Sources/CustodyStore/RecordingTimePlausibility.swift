import CustodyCore
import Foundation

/// When a recording time a medium claims cannot be true, and why.
///
/// The rule: a recording time is implausible when it is before 2000-01-01T00:00:00Z
/// (earlier than any device Custody takes evidence from could have recorded it: a
/// clock reset to 1970, 1980 or 2000 by a flat battery lands here), or more than a
/// day after the item was ingested (no clock on Earth is more than 14 hours ahead of
/// UTC, so a later time is a wrong clock, not a time zone). Such an item keeps the
/// time its medium states (it is evidence of what the device said), carries the
/// reason in `recordedAtImplausible`, and retention never counts from it alone: it
/// counts from the later of the recording and the ingest time.
public enum RecordingTimePlausibility {
    /// 2000-01-01T00:00:00Z.
    public static let earliest = Date(timeIntervalSince1970: 946_684_800)
    /// How far after its ingest a recording time may lie.
    public static let aheadOfIngest: TimeInterval = 86_400

    /// Why `recorded` is implausible for an item ingested at `ingested`, or nil.
    public static func problem(recorded: Date, ingested: Date) -> String? {
        if recorded < earliest {
            return "recorded at \(RFC3339.format(recorded)), before 2000-01-01: earlier than any device Custody takes evidence from; the device's clock was probably reset"
        }
        if recorded.timeIntervalSince(ingested) > aheadOfIngest {
            return "recorded at \(RFC3339.format(recorded)), more than a day after it was ingested (\(RFC3339.format(ingested))): the device's clock is wrong"
        }
        return nil
    }

    /// The same for times as the index stores them (nil when either does not parse).
    static func problem(storedRecorded recorded: String, ingested: String) -> String? {
        guard let r = RFC3339.parse(recorded), let i = RFC3339.parse(ingested) else { return nil }
        return problem(recorded: r, ingested: i)
    }
}
