import CustodyModel

// The model's states go on the wire as their raw names ("completedWithErrors",
// "waitingForMedium"…), as the API document lists them.
extension JobState: Codable {}
extension JobFileState: Codable {}
extension DeviceState: Codable {}
extension RecordingState: Codable {}
extension SegmentState: Codable {}
