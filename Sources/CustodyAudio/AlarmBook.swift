import Foundation

/// The alarms of a session: the active ones, and the recently cleared ones a
/// segment summary may still need.
struct AlarmBook {
    private(set) var active: [CaptureAlarm] = []
    private var cleared: [CaptureAlarm] = []
    private var nextID = 1

    /// Raises an alarm and returns it.
    mutating func raise(_ kind: CaptureAlarm.Kind, channel: Int? = nil, channelName: String? = nil,
                        startFrame: UInt64, startTime: Date) -> CaptureAlarm {
        let alarm = CaptureAlarm(id: nextID, kind: kind, channel: channel, channelName: channelName,
                                 startFrame: startFrame, endFrame: nil, startTime: startTime, endTime: nil)
        nextID += 1
        active.append(alarm)
        return alarm
    }

    /// Clears the active alarm matching `predicate`, returning it as cleared.
    mutating func clear(where predicate: (CaptureAlarm) -> Bool, endFrame: UInt64, endTime: Date,
                        endedWithSession: Bool = false) -> CaptureAlarm? {
        guard let index = active.firstIndex(where: predicate) else { return nil }
        var alarm = active.remove(at: index)
        alarm.endFrame = max(endFrame, alarm.startFrame)
        alarm.endTime = endTime
        alarm.endedWithSession = endedWithSession
        cleared.append(alarm)
        return alarm
    }

    func isActive(where predicate: (CaptureAlarm) -> Bool) -> Bool {
        active.contains(where: predicate)
    }

    /// Alarms active at some frame of [first, end), or momentary ones (no frames
    /// between start and end) at a frame within [first, end].
    func alarms(overlapping first: UInt64, _ end: UInt64) -> [CaptureAlarm] {
        (cleared + active).filter { alarm in
            let alarmEnd = alarm.endFrame ?? UInt64.max
            if alarmEnd == alarm.startFrame { return first <= alarm.startFrame && alarm.startFrame <= end }
            return alarm.startFrame < end && alarmEnd > first
        }.sorted { $0.id < $1.id }
    }

    /// Forgets cleared alarms that end before `frame` (no later segment can need them).
    mutating func forget(endingBefore frame: UInt64) {
        cleared.removeAll { ($0.endFrame ?? UInt64.max) < frame }
    }
}
