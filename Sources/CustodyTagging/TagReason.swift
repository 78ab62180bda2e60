import Foundation

/// The tags the Tagger gives: the names the custody record and a person's tags use.
public enum TagField: String, Sendable, CaseIterable {
    case officer, courtroom, hearing, `case`, category

    /// The tags the registry decides, and so re-tagging after a registry change may move.
    public static let fromRegistry: [TagField] = [.case, .courtroom, .hearing, .officer]
}

/// Why a tag has its value, or has none.
public enum TagReason: Sendable, Equatable {
    /// The recording names no device, so the registry says nothing of it.
    case noDevice
    /// The officer held the device at the recording's time (this assignment's span contains it).
    case assigned(assignment: Int64, kind: String, span: TimeSpan)
    /// No assignment of the device contains the recording's time.
    case unassigned(device: String)
    /// The device is a recorder installed in this courtroom.
    case installed(device: String, courtroom: String)
    /// The device is installed in no courtroom (or is not registered).
    case notInstalled(device: String)
    /// The hearing (and so its case) was in session in the device's courtroom at the recording's time.
    case inSession(hearing: String, courtroom: String, window: TimeSpan)
    /// No hearing of the device's courtroom was in session at the recording's time.
    case noHearing(courtroom: String)
    /// No rule classifies a recording on its own: a person gives the category.
    case unclassified
}

extension TagReason: CustomStringConvertible {
    public var description: String {
        switch self {
        case .noDevice: "the recording names no device"
        case .assigned(let id, let kind, _): "assignment \(id) (\(kind)) held the device when it recorded"
        case .unassigned(let device): "no assignment of \(device) covers the recording's time"
        case .installed(let device, let room): "\(device) is installed in courtroom \(room)"
        case .notInstalled(let device): "\(device) is installed in no courtroom"
        case .inSession(let hearing, let room, _): "hearing \(hearing) was in session in courtroom \(room) when it recorded"
        case .noHearing(let room): "no hearing was in session in courtroom \(room) when it recorded"
        case .unclassified: "no rule classifies a recording; a person gives its category"
        }
    }
}
