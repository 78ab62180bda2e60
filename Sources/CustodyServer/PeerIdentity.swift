#if canImport(Glibc)
import Glibc
#endif
import CustodyCore

/// The kernel's `struct ucred` for `SO_PEERCRED`: pid, uid, gid of the process
/// that connected, as the kernel recorded them at `connect()`.
struct PeerCredentials: Sendable, Equatable {
    var pid: Int32 = 0
    var uid: UInt32 = UInt32.max
    var gid: UInt32 = UInt32.max
}

/// Turns a peer's uid and gid into a ``Caller``: its user name and the roles its
/// groups grant (group membership from the system's group database, read again for
/// every request). The socket's own group grants no role.
public struct RoleMap: Sendable, Equatable {
    public var operatorGroup: String
    public var supervisorGroup: String
    public var auditorGroup: String
    public var adminGroup: String

    public init(_ control: ControlConfiguration) {
        operatorGroup = control.operatorGroup
        supervisorGroup = control.supervisorGroup
        auditorGroup = control.auditorGroup
        adminGroup = control.adminGroup
    }

    /// The caller with this uid and primary gid.
    public func caller(uid: UInt32, gid: UInt32) -> Caller {
        let name = Self.userName(uid) ?? "uid\(uid)"
        let groups = Set(Self.groupIDs(user: name, uid: uid, gid: gid).compactMap(Self.groupName))
        var roles: Set<Role> = []
        // root administers the station whatever its groups.
        if uid == 0 { roles.insert(.admin) }
        if groups.contains(operatorGroup) { roles.insert(.operator_) }
        if groups.contains(supervisorGroup) { roles.insert(.supervisor) }
        if groups.contains(auditorGroup) { roles.insert(.auditor) }
        if !adminGroup.isEmpty, groups.contains(adminGroup) { roles.insert(.admin) }
        return Caller(uid: uid, gid: gid, name: name, roles: roles)
    }

    /// The role membership of `group` grants, if any (the socket's group should grant none).
    public func roleGranted(byGroup group: String) -> Role? {
        guard !group.isEmpty else { return nil }
        if group == adminGroup { return .admin }
        if group == supervisorGroup { return .supervisor }
        if group == auditorGroup { return .auditor }
        if group == operatorGroup { return .operator_ }
        return nil
    }

    static func userName(_ uid: UInt32) -> String? {
        var pwd = passwd()
        var result: UnsafeMutablePointer<passwd>?
        var buffer = [CChar](repeating: 0, count: 16384)
        guard getpwuid_r(uid, &pwd, &buffer, buffer.count, &result) == 0, result != nil, let name = pwd.pw_name else { return nil }
        return String(cString: name)
    }

    static func groupName(_ gid: UInt32) -> String? {
        var grp = group()
        var result: UnsafeMutablePointer<group>?
        var buffer = [CChar](repeating: 0, count: 65536)
        guard getgrgid_r(gid, &grp, &buffer, buffer.count, &result) == 0, result != nil, let name = grp.gr_name else { return nil }
        return String(cString: name)
    }

    /// Primary group plus every supplementary group of the user.
    static func groupIDs(user: String, uid: UInt32, gid: UInt32) -> [UInt32] {
        guard userName(uid) != nil else { return [gid] }
        var count: Int32 = 64
        while true {
            var groups = [gid_t](repeating: 0, count: Int(count))
            var n = count
            if getgrouplist(user, gid, &groups, &n) != -1 { return Array(groups.prefix(Int(n))) + [gid] }
            guard n > count, n < 65536 else { return [gid] }
            count = n
        }
    }
}
