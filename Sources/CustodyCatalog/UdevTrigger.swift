import CustodyCore

extension DeviceCatalog {
    /// The `udevadm trigger --dry-run --verbose` enumerations that list the USB
    /// devices the rules of ``udevRules()`` match (for an interface name, the
    /// matching interfaces): one per distinct catalog match, each as its arguments.
    ///
    /// The package's postinst re-runs the rules with `--action=change` beneath
    /// exactly the devices these list (`--parent-match`): the catalogued device,
    /// its interfaces, disks and partitions, sound card and nodes, nothing else.
    /// `add` would re-run every add rule of every disk on the machine.
    ///
    /// udevadm ANDs attribute matches and ORs property matches, so a product entry
    /// matches vendor and product attributes and a class entry one property
    /// (`ID_USB_INTERFACES`, the same pattern as its rules).
    public func udevTriggerEnumerations() -> [[String]] {
        var seen: Set<[String]> = []
        var out: [[String]] = []
        for entry in entries {
            let args = ["--subsystem-match=usb"] + UdevTriggerText.matchArguments(entry.match)
            if seen.insert(args).inserted { out.append(args) }
        }
        return out
    }

    /// ``udevTriggerEnumerations()`` as shell lines for the postinst (what
    /// `custodyctl catalog udev-trigger` prints): each prints the sysfs paths of
    /// the devices it finds, and a failed enumeration lists nothing.
    public func udevTriggerScript() -> String {
        udevTriggerEnumerations().map { args in
            (["udevadm", "trigger", "--dry-run", "--verbose"] + args.map(UdevTriggerText.shellQuoted)).joined(separator: " ") + " || true\n"
        }.joined()
    }
}

/// The pieces of the postinst's device enumerations.
enum UdevTriggerText {
    static func matchArguments(_ match: CatalogMatchRule) -> [String] {
        switch match {
        case .product(let v, let p):
            return ["--attr-match=idVendor=" + USBDeviceDescription.hex4(v), "--attr-match=idProduct=" + USBDeviceDescription.hex4(p)]
        case .vendor(let v):
            return ["--attr-match=idVendor=" + USBDeviceDescription.hex4(v)]
        case .interfaceName(let name):
            return ["--attr-match=interface=" + name]
        case .interfaceClass:
            return ["--property-match=ID_USB_INTERFACES=" + UdevRuleText.interfacesPattern(match)]
        }
    }

    /// Single quotes, so that a pattern's `*` and `?` reach udevadm as they are.
    static func shellQuoted(_ word: String) -> String {
        "'" + word.split(separator: "'", omittingEmptySubsequences: false).joined(separator: #"'\''"#) + "'"
    }
}
