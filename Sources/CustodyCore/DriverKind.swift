/// Which driver reads a device's recordings: the catalog's `driver`, the drivers
/// the device manager holds, and a docked device's record all speak it.
public enum DriverKind: String, Sendable, Codable, CaseIterable {
    case massStorage, ptp, mtp, alsaCapture
}
