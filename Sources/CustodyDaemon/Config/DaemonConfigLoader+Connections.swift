import CustodyServer
import CustodyTOML

extension DaemonConfig {
    /// `[control]`'s connection caps and timeouts.
    static func decodeConnectionLimits(_ r: TOMLTableReader, _ table: TOMLTable, into control: inout ControlConfiguration) throws(TOMLDecodeError) {
        if let v = try r.integer("maxConnections") {
            try requireRange(v, 1...65_536, key: "control.maxConnections", line: table["maxConnections"]?.line)
            control.maxConnections = Int(v)
        }
        if let v = try r.integer("maxConnectionsPerUser") {
            try requireRange(v, 1...65_536, key: "control.maxConnectionsPerUser", line: table["maxConnectionsPerUser"]?.line)
            control.maxConnectionsPerUser = Int(v)
        }
        guard control.maxConnectionsPerUser <= control.maxConnections else {
            throw TOMLDecodeError(line: table["maxConnectionsPerUser"]?.line ?? table.line, key: "control.maxConnectionsPerUser",
                                  message: "\(control.maxConnectionsPerUser) is more than maxConnections (\(control.maxConnections))")
        }
        if let v = try r.integer("headerTimeoutSeconds") {
            try requireRange(v, 1...86_400, key: "control.headerTimeoutSeconds", line: table["headerTimeoutSeconds"]?.line)
            control.headerTimeoutSeconds = Int(v)
        }
        if let v = try r.integer("bodyTimeoutSeconds") {
            try requireRange(v, 1...86_400, key: "control.bodyTimeoutSeconds", line: table["bodyTimeoutSeconds"]?.line)
            control.bodyTimeoutSeconds = Int(v)
        }
        if let v = try r.integer("idleTimeoutSeconds") {
            try requireRange(v, 1...86_400, key: "control.idleTimeoutSeconds", line: table["idleTimeoutSeconds"]?.line)
            control.idleTimeoutSeconds = Int(v)
        }
    }
}
