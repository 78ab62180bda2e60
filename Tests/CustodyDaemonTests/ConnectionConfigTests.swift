import CustodyServer
import Testing
@testable import CustodyDaemon

@Suite("Control connections in the configuration")
struct ConnectionConfigTests {
    @Test("the socket's group is a connect-only group of its own, not a role group")
    func socketGroupGrantsNoRole() {
        let control = ControlConfiguration()
        #expect(control.socketGroup == "custody-clients")
        #expect(![control.operatorGroup, control.supervisorGroup, control.auditorGroup, control.adminGroup].contains(control.socketGroup))
    }

    @Test("caps and timeouts have defaults and are read")
    func readsLimits() throws {
        let defaults = ControlConfiguration()
        #expect(defaults.maxConnections == 256 && defaults.maxConnectionsPerUser == 32)
        #expect(defaults.headerTimeoutSeconds == 10 && defaults.bodyTimeoutSeconds == 60 && defaults.idleTimeoutSeconds == 60)
        let c = try DaemonConfig.parse("""
            [control]
            maxConnections = 1000
            maxConnectionsPerUser = 10
            headerTimeoutSeconds = 5
            bodyTimeoutSeconds = 120
            idleTimeoutSeconds = 300
            """, file: "t.toml").control
        #expect(c.maxConnections == 1000 && c.maxConnectionsPerUser == 10)
        #expect(c.headerTimeoutSeconds == 5 && c.bodyTimeoutSeconds == 120 && c.idleTimeoutSeconds == 300)
    }

    @Test("caps and timeouts out of range are refused with their key and line", arguments: [
        ("maxConnections = 0", "control.maxConnections", 2),
        ("headerTimeoutSeconds = 0", "control.headerTimeoutSeconds", 2),
        ("idleTimeoutSeconds = 86401", "control.idleTimeoutSeconds", 2),
        ("maxConnections = 8\nmaxConnectionsPerUser = 9", "control.maxConnectionsPerUser", 3),
    ])
    func refusesOutOfRange(text: String, key: String, line: Int) {
        #expect(throws: ConfigError.self) { try DaemonConfig.parse("[control]\n" + text, file: "t.toml") }
        do {
            _ = try DaemonConfig.parse("[control]\n" + text, file: "t.toml")
        } catch {
            #expect(error.key == key && error.line == line, "\(error)")
        }
    }
}
