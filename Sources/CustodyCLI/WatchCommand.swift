import ArgumentParser
import CustodyClient
import CustodyCore
import CustodyProtocol
import Foundation

/// `custodyctl watch`: follows docks, undocks, jobs and courtroom recording as they happen, until interrupted.
/// It reads the daemon's state-change stream (`GET /v1/changes/stream`) and looks at a
/// list again only when the stream says it changed: nothing is asked while nothing happens.
struct WatchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "watch", abstract: "Follow docks, undocks, ingest jobs and courtroom recording live (Ctrl-C to stop).")

    @Option(name: .long, help: "Stop after this many seconds (for scripts).") var seconds: Double?
    @OptionGroup var global: GlobalOptions

    /// One thing that happened, as printed (one JSON object per line with --json).
    struct Change: Codable {
        var time: String
        var event: String
        var device: DeviceDTO?
        /// Slot changes: the dock (`device`) and the slot concerned.
        var slot: DeviceSlotDTO? = nil
        var job: JobDTO?
        /// Recording changes: the courtroom, and the segment or alarm concerned.
        var recording: CourtroomRecordingDTO?
        var segment: RecordingSegmentDTO?
        var alarm: RecordingAlarmDTO?

        init(time: String, event: String, device: DeviceDTO? = nil, slot: DeviceSlotDTO? = nil, job: JobDTO? = nil,
             recording: CourtroomRecordingDTO? = nil, segment: RecordingSegmentDTO? = nil, alarm: RecordingAlarmDTO? = nil) {
            self.time = time; self.event = event; self.device = device; self.slot = slot; self.job = job; self.recording = recording
            self.segment = segment; self.alarm = alarm
        }
    }

    func run() throws {
        let client = global.client()
        let end = seconds.map { Date().addingTimeInterval($0) }
        // Opened before the first look: whatever changes after it is announced on the stream,
        // which every role may read (it says only which kinds of state changed).
        var stream = try client.changeStream()
        guard try ready(stream, end: end) else { return }
        var watch = WatchLooks()
        try look(client, &watch, StateTopic.all, first: true)
        while true {
            let message: EventStreamMessage
            switch try stream.next(until: end) {
            case .message(let m): message = m
            case .timedOut: return
            case .ended: throw ClientError("custodyd ended the event stream (is it stopping?)")
            }
            var topics = Set<String>()
            var cut = Self.topics(of: message, into: &topics)
            // What has already arrived is looked at once.
            while !cut, case .message(let more) = try stream.next(until: Date()) {
                cut = Self.topics(of: more, into: &topics)
            }
            if cut {
                // The stream fell behind and ended: open it again, and look at everything.
                stream = try client.changeStream()
                guard try ready(stream, end: end) else { return }
                topics = StateTopic.all
            }
            try look(client, &watch, topics, first: false)
        }
    }

    /// Waits for the stream's `ready`; false when `--seconds` ran out first.
    private func ready(_ stream: EventStreamReader, end: Date?) throws -> Bool {
        switch try stream.next(until: end) {
        case .message(let m) where m.event == EventStreamKind.ready.rawValue: return true
        case .message(let m): throw ClientError("custodyd's event stream began with \(m.event), not ready")
        case .timedOut: return false
        case .ended: throw ClientError("custodyd ended the event stream")
        }
    }

    /// Adds the kinds of state a message says changed; true when it is a `cut`.
    private static func topics(of message: EventStreamMessage, into topics: inout Set<String>) -> Bool {
        switch EventStreamKind(rawValue: message.event) {
        case .change?:
            if let change = try? message.decode(StateChangeDTO.self) { topics.insert(change.topic) }
            return false
        case .cut?:
            return true
        default:
            return false
        }
    }

    /// Looks at the lists of `topics` and prints what changed since the last look (the
    /// first look prints the `watching` line).
    private func look(_ client: CustodyClient, _ watch: inout WatchLooks, _ topics: Set<String>, first: Bool) throws {
        var changes: [Change] = []
        let time = RFC3339.format(Date())
        if topics.contains(StateTopic.devices) {
            changes += watch.deviceChanges(try client.devices(all: true).devices, time: time, first: first)
        }
        if topics.contains(StateTopic.jobs) {
            changes += watch.jobChanges(try client.jobs(limit: 50).jobs, time: time, first: first)
        }
        if topics.contains(StateTopic.recordings), let list = try? client.recordings([("limit", "50")]) {
            changes += watch.recordings.changes(list, time: time, first: first)
        }
        if first && global.json {
            // The first look is taken: a script reading the lines knows from here on nothing is missed.
            try printChange(Change(time: time, event: "watching"))
        } else if first {
            let recording = watch.recordings.rooms.values.filter { $0.state == .recording }.map(\.courtroom).sorted()
            emit("watching \(global.socketPath); \(watch.devices.values.filter { $0.state != .removed }.count) devices docked"
                 + (recording.isEmpty ? "" : "; recording in courtroom \(recording.joined(separator: ", "))"))
        }
        for c in changes { try printChange(c) }
    }

    /// One line for a person (its values escaped), written at once (a pipe reader sees
    /// each event as it happens).
    private func emit(_ line: TerminalText) {
        FileHandle.standardOutput.write(Data((line.rendered + "\n").utf8))
    }

    private func printChange(_ c: Change) throws {
        if global.json {
            // One JSON object per line, faithful (JSON escapes what must be escaped).
            FileHandle.standardOutput.write(try Wire.encoder().encode(c) + Data("\n".utf8))
            return
        }
        if let d = c.device, let slot = c.slot {
            emit("\(c.time)  \(c.event, width: 16) dock \(d.id): \(DevicesCommand.slot(slot))")
        } else if let d = c.device {
            let what = d.model ?? "unknown device"
            emit("\(c.time)  \(c.event, width: 16) dock \(d.id): \(what) \(d.vendorId):\(d.productId) serial \(d.serial ?? "-") at \(d.busPath)\(d.message.map { " (\($0))" } ?? "")")
        } else if let j = c.job {
            emit("\(c.time)  \(c.event, width: 16) job \(j.id): \(j.stored) stored, \(j.duplicates) already stored, \(j.failed) failed of \(j.totalFiles)\(j.device.map { " from \($0)" } ?? "")")
        } else if let r = c.recording {
            emit("\(c.time)  \(c.event, width: 16) courtroom \(r.courtroom): \(RecordingWatch.describe(c, r))")
        }
    }
}

/// The kinds of state the event stream announces (`change` messages' `topic`).
enum StateTopic {
    static let devices = "devices"
    static let jobs = "jobs"
    static let recordings = "recordings"
    static let all: Set<String> = [devices, jobs, recordings]
}

/// What `watch` remembers of docks, jobs and recording between two looks.
struct WatchLooks {
    var devices: [Int64: DeviceDTO] = [:]
    var jobs: [Int64: JobDTO] = [:]
    var recordings = RecordingWatch()

    /// Docks, undocks, and each slot's medium: inserted, read, done, taken out.
    mutating func deviceChanges(_ nowDevices: [DeviceDTO], time: String, first: Bool) -> [WatchCommand.Change] {
        var changes: [WatchCommand.Change] = []
        for d in nowDevices.reversed() {
            let before = devices[d.id]
            let announced = before == nil && (d.state != .removed || !first)
            if announced {
                changes.append(WatchCommand.Change(time: time, event: d.state == .unsupported ? "unsupported" : "dock", device: d, job: nil))
            }
            if let before, before.state != d.state {
                changes.append(WatchCommand.Change(time: time, event: d.state == .removed ? "undock" : "device-\(d.state.rawValue)", device: d, job: nil))
            }
            if before != nil || announced, d.state != .removed {
                // Each slot's medium: inserted, read, done, taken out (and the slots a new dock has).
                let was = Dictionary((before?.slots ?? []).map { ($0.slot, $0) }, uniquingKeysWith: { _, last in last })
                for slot in d.slots where was[slot.slot]?.state != slot.state || was[slot.slot]?.jobId != slot.jobId {
                    changes.append(WatchCommand.Change(time: time, event: "slot-\(slot.state.rawValue)", device: d, slot: slot, job: nil))
                }
            }
            devices[d.id] = d
        }
        return changes
    }

    /// Jobs started, progressing and ending.
    mutating func jobChanges(_ nowJobs: [JobDTO], time: String, first: Bool) -> [WatchCommand.Change] {
        var changes: [WatchCommand.Change] = []
        for j in nowJobs.reversed() {
            let before = jobs[j.id]
            if (before == nil && !first) || (before != nil && (before!.state != j.state || before!.stored + before!.duplicates + before!.failed
                                                               != j.stored + j.duplicates + j.failed)) {
                changes.append(WatchCommand.Change(time: time, event: "job-\(j.state.rawValue)", device: nil, job: j))
            }
            jobs[j.id] = j
        }
        return changes
    }
}

/// What `watch` remembers of courtroom recording between two looks.
struct RecordingWatch {
    var rooms: [String: CourtroomRecordingDTO] = [:]
    /// Segments seen filed, as "session/sequence".
    var filed: Set<String> = []

    /// What changed since the last look.
    mutating func changes(_ list: RecordingListDTO, time: String, first: Bool) -> [WatchCommand.Change] {
        var out: [WatchCommand.Change] = []
        func change(_ event: String, _ room: CourtroomRecordingDTO, segment: RecordingSegmentDTO? = nil, alarm: RecordingAlarmDTO? = nil) {
            out.append(WatchCommand.Change(time: time, event: event, device: nil, job: nil, recording: room, segment: segment, alarm: alarm))
        }
        for room in list.courtrooms {
            let before = rooms[room.courtroom]
            rooms[room.courtroom] = room
            guard !first else { continue }
            let newSession = before?.session?.reference != room.session?.reference || before?.session?.requestedAt != room.session?.requestedAt
            if room.state != before?.state || (newSession && room.session != nil) {
                switch room.state {
                case .recording: change("recording-start", room)
                case .stopped: change("recording-stop", room)
                case .faulted: change("recording-fault", room)
                case .opening, .idle: break
                }
            }
            let was = Set((before?.session?.activeAlarms ?? []).map(Self.key))
            let now = Set((room.session?.activeAlarms ?? []).map(Self.key))
            for alarm in room.session?.activeAlarms ?? [] where !was.contains(Self.key(alarm)) { change("alarm", room, alarm: alarm) }
            for alarm in before?.session?.activeAlarms ?? [] where !now.contains(Self.key(alarm)) && !newSession {
                change("alarm-cleared", room, alarm: alarm)
            }
        }
        for segment in list.segments where segment.state == .filed {
            let key = "\(segment.session)/\(segment.sequence)"
            guard !filed.contains(key) else { continue }
            filed.insert(key)
            if !first, let room = rooms[segment.courtroom] { change("segment-filed", room, segment: segment) }
        }
        return out
    }

    static func key(_ alarm: RecordingAlarmDTO) -> String { "\(alarm.kind)/\(alarm.channel ?? 0)/\(alarm.startFrame)" }

    static func describe(_ c: WatchCommand.Change, _ r: CourtroomRecordingDTO) -> TerminalText {
        let s = r.session
        if let segment = c.segment {
            let gap = segment.gapBeforeSeconds.map { $0 == 0 ? "" : String(format: ", %.3f s after the previous", $0) } ?? ""
            let dropped = segment.droppedFrames > 0 ? ", \(segment.droppedFrames) frames dropped" : ""
            return "segment \(segment.sequence) of session \(segment.session) filed as item \(segment.item.map(String.init) ?? "-"): "
                + "\(RecordingFormatting.clock(segment.durationSeconds)) from \(Formatting.time(segment.firstSampleTime))\(gap)\(dropped)"
        }
        if let alarm = c.alarm {
            return TerminalText(stringLiteral: c.event == "alarm" ? "ALARM " : "alarm over: ") + RecordingFormatting.alarm(alarm)
        }
        switch c.event {
        case "recording-start":
            return "recording from \(r.pcm ?? "-")\(s?.hearing.map { ", hearing \($0)" } ?? "")\(s?.automatic == true ? " (schedule)" : ", started by \(s?.startedBy.name ?? "-")")"
        case "recording-fault":
            return "FAULT \(s?.fault?.message ?? "-")"
        default:
            return "stopped (\(s?.stopReason ?? "-")) after \(RecordingFormatting.clock(s?.secondsCaptured ?? 0)) in \(s?.segmentsClosed ?? 0) segments"
        }
    }
}
