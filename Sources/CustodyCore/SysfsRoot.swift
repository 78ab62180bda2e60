import Foundation

/// Every sysfs and /dev path Custody reads goes through here, so that tests (and
/// umockdev) can point it at an emulated tree. `CUSTODY_SYSFS_ROOT` and
/// `CUSTODY_DEV_ROOT` override the roots; under umockdev the real paths are already
/// redirected, so the defaults apply.
public struct SysfsRoot: Sendable, Equatable {
    public var sys: String
    public var dev: String

    public init(sys: String = "/sys", dev: String = "/dev") {
        self.sys = sys
        self.dev = dev
    }

    /// The roots from the environment, or the real ones.
    public static func fromEnvironment(_ env: [String: String] = ProcessInfo.processInfo.environment) -> SysfsRoot {
        SysfsRoot(sys: env["CUSTODY_SYSFS_ROOT"] ?? "/sys", dev: env["CUSTODY_DEV_ROOT"] ?? "/dev")
    }

    /// `/sys/<relative>`.
    public func sysPath(_ relative: String) -> String { sys + "/" + relative.trimmingCharacters(in: CharacterSet(charactersIn: "/")) }

    /// `/dev/<name>`.
    public func devPath(_ name: String) -> String { dev + "/" + name }

    /// The trimmed text of a sysfs attribute, or nil.
    public func attribute(_ relative: String) -> String? {
        guard let data = FileManager.default.contents(atPath: sysPath(relative)) else { return nil }
        return String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// Names in a sysfs directory (sorted), or [].
    public func list(_ relative: String) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: sysPath(relative))) ?? []).sorted()
    }
}
