import CustodyCore

/// `[devices]` of `custodyd.toml`: docking. Every key has its default here;
/// `docs/configuration.md` documents each one.
public struct DevicesConfiguration: Sendable, Equatable {
    /// `enabled`: watch USB for docked devices.
    public var enabled: Bool = true
    /// `catalog`: device catalog directories; later ones override earlier ones.
    public var catalog: [String] = ["/usr/share/custody/catalog", "/etc/custody/catalog.d"]
    /// `autoIngest`: kinds whose devices are ingested as soon as they dock.
    public var autoIngest: [DeviceKind] = DeviceKind.allCases
    public init() {}
}
