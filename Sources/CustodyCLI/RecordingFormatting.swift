import CustodyProtocol
import Foundation

/// How recording status and segments are printed.
enum RecordingFormatting {
    /// "1:02:03.5", "0:00:03" from frames at a rate; "4800 frames" when under a second.
    static func duration(frames: Int64, rate: Int) -> String {
        guard rate > 0 else { return "\(frames) frames" }
        if frames < Int64(rate) { return "\(frames) frames" }
        return clock(Double(frames) / Double(rate))
    }

    /// "h:mm:ss" with tenths when not whole.
    static func clock(_ seconds: Double) -> String {
        let whole = Int(seconds)
        let tenths = Int(((seconds - Double(whole)) * 10).rounded(.down))
        let text = "\(whole / 3600):\(String(format: "%02d", whole % 3600 / 60)):\(String(format: "%02d", whole % 60))"
        return tenths > 0 ? text + ".\(tenths)" : text
    }

    static func dB(_ value: Double?) -> String {
        value.map { String(format: "%6.1f dBFS", $0) } ?? "  -inf dBFS"
    }

    static func alarm(_ a: RecordingAlarmDTO) -> TerminalText {
        a.kind == "silence" ? "silence on \(a.channelName ?? "channel \(a.channel ?? 0)") since \(Formatting.time(a.startTime))"
                            : "no data from the PCM since \(Formatting.time(a.startTime))"
    }

    /// The courtrooms as a table, then each recording one's levels, alarms and fault.
    static func status(_ rooms: [CourtroomRecordingDTO]) -> TerminalText {
        var lines: [TerminalText] = [Formatting.table(["COURTROOM", "STATE", "PCM", "HEARING", "CAPTURED", "SEGMENTS", "DROPPED", "ALARMS"], rooms.map { r in
            let s = r.session
            return [r.courtroom, r.state.rawValue + (s?.automatic == true ? " (schedule)" : ""), r.pcm ?? "(\(r.interface ?? "-") not docked)",
                    s?.hearing ?? "-", s.map { clock($0.secondsCaptured) } ?? "-",
                    "\(r.segmentsFiled) filed" + (r.segmentsPending > 0 ? ", \(r.segmentsPending) pending" : ""),
                    s.map { String($0.droppedFrames) } ?? "-", s.map { String($0.activeAlarms.count) } ?? "-"]
        })]
        for r in rooms {
            guard let s = r.session else { continue }
            if r.state == .recording {
                var line: TerminalText = "courtroom \(r.courtroom): session \(s.reference ?? "-") since \(Formatting.time(s.firstSampleTime)), started by \(s.startedBy.name)"
                if let segment = s.currentSegment { line += "; writing segment \(segment)" }
                lines.append(line)
                for level in s.levels {
                    lines.append("  \(level.name, width: 12) peak \(dB(level.peakDBFS))  rms \(dB(level.rmsDBFS))  clipped \(level.clippedSamples)")
                }
                for a in s.activeAlarms { lines.append("  ALARM: \(alarm(a))") }
            }
            if let fault = s.fault {
                lines.append("courtroom \(r.courtroom): FAULT \(fault.code) at \(Formatting.time(fault.time)): \(fault.message)")
            } else if r.state == .stopped, let at = s.stoppedAt {
                lines.append("courtroom \(r.courtroom): last session \(s.reference ?? "-") ended \(Formatting.time(at)) (\(s.stopReason ?? "-")): \(clock(s.secondsCaptured)) in \(s.segmentsClosed) segments")
            }
        }
        return lines.joined(separator: "\n")
    }

    /// Segments in order, with the gaps between them.
    static func segments(_ segments: [RecordingSegmentDTO]) -> TerminalText {
        var lines: [TerminalText] = [Formatting.table(["COURTROOM", "HEARING", "SESSION", "SEQ", "FIRST SAMPLE (UTC)", "DURATION", "GAP BEFORE", "DROPPED", "ALARMS", "STATE", "ITEM"],
                                      segments.map { s in
            [s.courtroom, s.hearing ?? "-", s.session, String(s.sequence), Formatting.time(s.firstSampleTime) + precise(s.firstSampleTime),
             clock(s.durationSeconds), s.gapBeforeSeconds.map { $0 == 0 ? "none" : String(format: "%.3f s", $0) } ?? "-",
             String(s.droppedFrames), String(s.alarms), s.state.rawValue + (s.repaired ? " (repaired)" : ""), s.item.map(String.init) ?? "-"]
        })]
        let gaps = segments.compactMap(\.gapBeforeSeconds).filter { $0 != 0 }
        let dropped = segments.reduce(Int64(0)) { $0 + $1.droppedFrames }
        lines.append("\(segments.count) segments, \(clock(segments.reduce(0) { $0 + $1.durationSeconds })) of audio; "
                     + (gaps.isEmpty ? "no gaps between them" : "\(gaps.count) gap\(gaps.count == 1 ? "" : "s") between them (\(String(format: "%.3f", gaps.reduce(0, +))) s)")
                     + (dropped > 0 ? "; \(dropped) frames dropped inside them" : ""))
        return lines.joined(separator: "\n")
    }

    /// The milliseconds of an RFC 3339 time, e.g. "2026-…T09:00:01.250Z" → " .250".
    private static func precise(_ time: String) -> String {
        guard let dot = time.firstIndex(of: "."), time.hasSuffix("Z") else { return "" }
        return " " + time[dot...].dropLast()
    }
}
