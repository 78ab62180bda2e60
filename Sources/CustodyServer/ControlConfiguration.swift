/// `[control]` of `custodyd.toml`: the control socket and who may use it. Every
/// key has its default here; `docs/configuration.md` documents each one.
public struct ControlConfiguration: Sendable, Equatable {
    /// `socket`: path of the control socket.
    public var socket: String = "/run/custody/control.sock"
    /// `socketMode`: permission bits of the socket, as an octal string. Never world-writable.
    public var socketMode: UInt32 = 0o660
    /// `socketGroup`: group owning the socket ("" keeps the daemon's group). Membership
    /// lets a user connect and grants no role: roles come from the groups below.
    public var socketGroup: String = "custody-clients"
    /// `operatorGroup`, `supervisorGroup`, `auditorGroup`: Unix groups granting each role.
    public var operatorGroup: String = "custody-operators"
    public var supervisorGroup: String = "custody-supervisors"
    public var auditorGroup: String = "custody-auditors"
    /// `adminGroup`: Unix group granting the admin role besides root ("" = root only).
    public var adminGroup: String = ""
    /// `maxRequestBytes`: largest request body accepted.
    public var maxRequestBytes: Int = 1 << 20
    /// `maxConnections`: connections served at once, from all users together.
    public var maxConnections: Int = 256
    /// `maxConnectionsPerUser`: connections served at once for one uid.
    public var maxConnectionsPerUser: Int = 32
    /// `headerTimeoutSeconds`: longest a request head may take, from its first byte.
    public var headerTimeoutSeconds: Int = 10
    /// `bodyTimeoutSeconds`: longest a request body may take, from the end of its head.
    public var bodyTimeoutSeconds: Int = 60
    /// `idleTimeoutSeconds`: longest a connection stays open with no request under way,
    /// or with its answer unread.
    public var idleTimeoutSeconds: Int = 60
    public init() {}
}
