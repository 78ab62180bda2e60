/// What kind of evidence device a catalog entry describes: the catalog's `kind`,
/// the device manager's `[devices] autoIngest`, the equipment registry's `kind`,
/// a docked device's record and the metrics by kind all speak it.
public enum DeviceKind: String, Sendable, Codable, CaseIterable {
    case bodyCamera, stillCamera, audioRecorder
}
