import CustodyCore

/// Finds where a docked device's data lives, through sysfs: the ALSA card of an audio
/// interface (`<busPath>:1.N/sound/cardN`, its `id`). (Mass storage is found through
/// udev's block events instead: ``StorageSlot``.)
public struct DeviceLocator: Sendable {
    public let sysfs: SysfsRoot

    public init(sysfs: SysfsRoot) { self.sysfs = sysfs }

    private func interfaceDirectories(_ busPath: String) -> [String] {
        let base = "bus/usb/devices/\(busPath)"
        return sysfs.list(base).filter { $0.hasPrefix(busPath + ":") }.map { "\(base)/\($0)" }
    }

    /// The ALSA card id (e.g. "Courtroom3") of an audio interface, or "cardN" without one.
    public func alsaCard(busPath: String) -> String? {
        for interface in interfaceDirectories(busPath) {
            for card in sysfs.list("\(interface)/sound") where card.hasPrefix("card") {
                return sysfs.attribute("\(interface)/sound/\(card)/id") ?? card
            }
        }
        return nil
    }
}
