import CustodyCore

/// One `[[device]]` of a catalog file: how to recognise a device, what it is and
/// which driver reads it.
public struct CatalogEntry: Sendable, Equatable {
    /// The model name shown to operators, e.g. "Custody Test Bodycam".
    public var name: String
    public var kind: DeviceKind
    public var driver: DriverKind
    public var match: CatalogMatchRule
    public var options: DriverOptions
    /// The catalog file the entry was read from, as its path was given, and the
    /// line of its `[[device]]` header.
    public var file: String
    public var line: Int

    public init(name: String, kind: DeviceKind, driver: DriverKind, match: CatalogMatchRule,
                options: DriverOptions = DriverOptions(), file: String, line: Int) {
        self.name = name
        self.kind = kind
        self.driver = driver
        self.match = match
        self.options = options
        self.file = file
        self.line = line
    }

    /// "catalog/mass-storage.toml:3"
    public var source: String { "\(file):\(line)" }

    /// The drivers that make sense for a kind of device:
    ///
    /// - body cameras and still cameras keep their recordings as files: `massStorage`,
    ///   `ptp` or `mtp`, never `alsaCapture`;
    /// - audio recorders are portable recorders (`massStorage`, `mtp`) or courtroom
    ///   interfaces (`alsaCapture`); `ptp` is a picture protocol and is refused.
    public static func drivers(for kind: DeviceKind) -> [DriverKind] {
        switch kind {
        case .bodyCamera, .stillCamera: return [.massStorage, .ptp, .mtp]
        case .audioRecorder: return [.massStorage, .mtp, .alsaCapture]
        }
    }
}
