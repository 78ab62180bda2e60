// The movie header box `mvhd`: creation time and duration.
import Foundation

/// Reads `mvhd` (ISO/IEC 14496-12 §8.2.2; QuickTime "movie header atom").
///
/// Version 0 holds 32-bit creation/modification times and duration, version 1
/// 64-bit ones. creation_time is seconds since 1904-01-01T00:00:00Z; 0 means the
/// writer did not set it. Duration is in units of the timescale; all ones means
/// unknown.
enum MovieHeader {
    static func read(_ box: ISOBox, in view: ByteView, into result: inout MediaMetadata, problems: inout ProblemLog) {
        let start = Int(box.offset - view.base) + box.headerSize
        let length = Int(box.size) - box.headerSize
        let at = "box 'mvhd' at offset \(box.offset)"
        guard length >= 4, let version = view.u8(start) else {
            problems.add("mp4: \(at) is \(box.size) bytes, too short for a movie header")
            return
        }
        let creation: UInt64
        let timescale: UInt32
        let duration: UInt64
        let unknownDuration: UInt64
        switch version {
        case 0:
            guard length >= 20, let created = view.u32(start + 4, .big), let scale = view.u32(start + 12, .big),
                  let units = view.u32(start + 16, .big) else {
                problems.add("mp4: \(at) is \(box.size) bytes, too short for a version 0 movie header")
                return
            }
            (creation, timescale, duration, unknownDuration) = (UInt64(created), scale, UInt64(units), UInt64(UInt32.max))
        case 1:
            guard length >= 32, let created = view.u64(start + 4, .big), let scale = view.u32(start + 20, .big),
                  let units = view.u64(start + 24, .big) else {
                problems.add("mp4: \(at) is \(box.size) bytes, too short for a version 1 movie header")
                return
            }
            (creation, timescale, duration, unknownDuration) = (created, scale, units, UInt64.max)
        default:
            problems.add("mp4: \(at) has version \(version); only versions 0 and 1 are defined")
            return
        }

        if timescale == 0 {
            problems.add("mp4: \(at) has timescale 0; duration unknown")
        } else if duration != unknownDuration {
            result.durationSeconds = Double(duration) / Double(timescale)
        }

        if creation == 0 {
            problems.add("mp4: \(at) has creation_time 0 (not set); no recording time")
        } else if creation > UInt64(CivilTime.maxUnixSeconds) + epoch1904Offset {
            problems.add("mp4: \(at) has creation_time \(creation), past the year 9999; not used as the recording time")
        } else {
            let unix = Int64(creation) - Int64(epoch1904Offset)
            result.recordedAt = Date(timeIntervalSince1970: TimeInterval(unix))
            result.recordedAtSource = "mp4.mvhd"
        }
    }

    private static var epoch1904Offset: UInt64 { MP4Reader.epoch1904Offset }
}
