/// The roles a caller of the control API may hold (design brief: operator,
/// supervisor, auditor, admin). A caller can hold several.
public enum Role: String, Sendable, Codable, CaseIterable, Comparable {
    case operator_ = "operator"
    case supervisor
    case auditor
    case admin

    public static func < (a: Role, b: Role) -> Bool {
        allCases.firstIndex(of: a)! < allCases.firstIndex(of: b)!
    }
}

/// Who caused an action: the Unix identity of a control-socket peer (from
/// `SO_PEERCRED`) or the daemon itself.
public struct Caller: Sendable, Equatable, Codable {
    public var uid: UInt32
    public var gid: UInt32
    public var name: String
    public var roles: Set<Role>

    public init(uid: UInt32, gid: UInt32, name: String, roles: Set<Role>) {
        self.uid = uid
        self.gid = gid
        self.name = name
        self.roles = roles
    }

    /// True when the caller holds at least one of `allowed`.
    public func holdsAny(of allowed: Set<Role>) -> Bool { !roles.isDisjoint(with: allowed) }
}
