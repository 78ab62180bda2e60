import CustodyCore

/// Finds where a docked device's data lives, through sysfs: the block device of a
/// mass-storage device (`<busPath>:1.N/host*/target*/*/block/sdX`) and the ALSA
/// card of an audio interface (`<busPath>:1.N/sound/cardN`, its `id`).
public struct DeviceLocator: Sendable {
    public let sysfs: SysfsRoot

    public init(sysfs: SysfsRoot) { self.sysfs = sysfs }

    private func interfaceDirectories(_ busPath: String) -> [String] {
        let base = "bus/usb/devices/\(busPath)"
        return sysfs.list(base).filter { $0.hasPrefix(busPath + ":") }.map { "\(base)/\($0)" }
    }

    /// The block device node (whole disk) of a mass-storage device, e.g. "/dev/sdb".
    public func blockDevice(busPath: String) -> String? {
        for interface in interfaceDirectories(busPath) {
            for host in sysfs.list(interface) where host.hasPrefix("host") {
                for target in sysfs.list("\(interface)/\(host)") where target.hasPrefix("target") {
                    for lun in sysfs.list("\(interface)/\(host)/\(target)") where lun.first?.isNumber == true {
                        if let disk = sysfs.list("\(interface)/\(host)/\(target)/\(lun)/block").first {
                            return sysfs.devPath(disk)
                        }
                    }
                }
            }
        }
        return nil
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
