import CustodyCore

/// How a catalog entry recognises a USB device. Each entry has exactly one rule;
/// from most to least specific:
///
/// | rule | catalog keys | matches |
/// | --- | --- | --- |
/// | `.product` | `vendor` + `product` | that vendor and product id |
/// | `.vendor` | `vendor` | any product of that vendor |
/// | `.interfaceName` | `interfaceName` | a device with an interface of that name (iInterface), e.g. "MTP" |
/// | `.interfaceClass` | `interfaceClass` [+ `interfaceSubclass` [+ `interfaceProtocol`]] | a device with an interface of that class (subclass, protocol) |
public enum CatalogMatchRule: Sendable, Hashable, CustomStringConvertible {
    case product(vendor: UInt16, product: UInt16)
    case vendor(UInt16)
    /// Compared exactly (case-sensitive), as udev compares `ATTR{interface}`.
    case interfaceName(String)
    /// A nil subclass or protocol matches any.
    case interfaceClass(UInt8, subclass: UInt8?, protocol: UInt8?)

    /// Higher is more specific: product 5, vendor 4, interface name 3, class triple 2,
    /// class + subclass 1, class alone 0.
    public var specificity: Int {
        switch self {
        case .product: return 5
        case .vendor: return 4
        case .interfaceName: return 3
        case .interfaceClass(_, let subclass, let proto):
            return proto != nil ? 2 : subclass != nil ? 1 : 0
        }
    }

    /// Whether `device` matches, and if by an interface, the position (in
    /// `device.interfaces`) of the first interface that matches; 0 for id rules.
    public func matchPosition(in device: USBDeviceDescription) -> Int? {
        switch self {
        case .product(let vendor, let product):
            return device.vendorID == vendor && device.productID == product ? 0 : nil
        case .vendor(let vendor):
            return device.vendorID == vendor ? 0 : nil
        case .interfaceName(let name):
            return device.interfaces.firstIndex { $0.name == name }
        case .interfaceClass(let cls, let subclass, let proto):
            return device.interfaces.firstIndex {
                $0.interfaceClass == cls
                    && (subclass == nil || $0.interfaceSubclass == subclass)
                    && (proto == nil || $0.interfaceProtocol == proto)
            }
        }
    }

    /// Whether `device` matches this rule.
    public func matches(_ device: USBDeviceDescription) -> Bool {
        matchPosition(in: device) != nil
    }

    /// "2e8a:0c10", "2e8a:*", "interface \"MTP\"", "class 08/06/50", "class 01/*/*".
    public var description: String {
        switch self {
        case .product(let v, let p):
            return USBDeviceDescription.hex4(v) + ":" + USBDeviceDescription.hex4(p)
        case .vendor(let v):
            return USBDeviceDescription.hex4(v) + ":*"
        case .interfaceName(let name):
            return "interface \"\(name)\""
        case .interfaceClass(let c, let s, let p):
            return "class " + [Self.hex2(c), s.map(Self.hex2) ?? "*", p.map(Self.hex2) ?? "*"].joined(separator: "/")
        }
    }

    /// Two lowercase hex digits.
    public static func hex2(_ v: UInt8) -> String {
        let s = String(v, radix: 16)
        return s.count == 1 ? "0" + s : s
    }

    /// Deterministic order: most specific first, then by ids, names and class codes.
    static func precedes(_ a: CatalogMatchRule, _ b: CatalogMatchRule) -> Bool {
        if a.specificity != b.specificity { return a.specificity > b.specificity }
        switch (a, b) {
        case (.product(let v1, let p1), .product(let v2, let p2)):
            return (v1, p1) < (v2, p2)
        case (.vendor(let v1), .vendor(let v2)):
            return v1 < v2
        case (.interfaceName(let n1), .interfaceName(let n2)):
            return n1.utf8.lexicographicallyPrecedes(n2.utf8)
        case (.interfaceClass(let c1, let s1, let p1), .interfaceClass(let c2, let s2, let p2)):
            return (c1, s1 ?? 0, p1 ?? 0) < (c2, s2 ?? 0, p2 ?? 0)
        default:
            return false
        }
    }
}
