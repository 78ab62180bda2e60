import CustodyCore
import CustodyTOML
import Foundation

extension DaemonConfig {
    /// Loads `path`. A missing file at the default location means "all defaults";
    /// a missing file that was asked for explicitly is an error.
    public static func load(path: String, required: Bool) throws(ConfigError) -> DaemonConfig {
        guard FileManager.default.fileExists(atPath: path) else {
            if required { throw ConfigError(file: path, line: 0, key: nil, message: "no such file") }
            return DaemonConfig()
        }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ConfigError(file: path, line: 0, key: nil, message: "cannot read the file (permissions?)")
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw ConfigError(file: path, line: 0, key: nil, message: "not valid UTF-8")
        }
        return try parse(text, file: path)
    }

    /// Parses configuration text; `file` is only used in error messages.
    public static func parse(_ text: String, file: String) throws(ConfigError) -> DaemonConfig {
        let root: TOMLTable
        do {
            root = try TOML.parse(text)
        } catch {
            throw ConfigError(file: file, line: error.line, key: nil, message: "column \(error.column): \(error.message)")
        }
        do {
            return try decode(root)
        } catch {
            throw ConfigError(file: file, line: error.line, key: error.key, message: error.message)
        }
    }

    private static func decode(_ root: TOMLTable) throws(TOMLDecodeError) -> DaemonConfig {
        var config = DaemonConfig()
        let top = TOMLTableReader(root, path: "")
        if let v = try top.string("stateDirectory") {
            try requireAbsolute(v, key: "stateDirectory", in: root)
            config.stateDirectory = v
        }

        if let table = try top.table("control") {
            let r = TOMLTableReader(table, path: "control")
            if let v = try r.string("socket") {
                try requireAbsolute(v, key: "control.socket", in: table, local: "socket")
                config.control.socket = v
            }
            if let v = try r.string("socketMode") {
                guard let mode = UInt32(v, radix: 8), mode <= 0o777 else {
                    throw TOMLDecodeError(line: table["socketMode"]?.line ?? table.line, key: "control.socketMode",
                                          message: "expected an octal mode such as \"0660\", found \"\(v)\"")
                }
                guard mode & 0o002 == 0 else {
                    throw TOMLDecodeError(line: table["socketMode"]?.line ?? table.line, key: "control.socketMode",
                                          message: "the control socket must not be world-writable (\(v))")
                }
                config.control.socketMode = mode
            }
            if let v = try r.string("socketGroup") { config.control.socketGroup = v }
            if let v = try r.string("operatorGroup") { config.control.operatorGroup = v }
            if let v = try r.string("supervisorGroup") { config.control.supervisorGroup = v }
            if let v = try r.string("auditorGroup") { config.control.auditorGroup = v }
            if let v = try r.string("adminGroup") { config.control.adminGroup = v }
            if let v = try r.integer("maxRequestBytes") {
                try requireRange(v, 1024...(64 << 20), key: "control.maxRequestBytes", line: table["maxRequestBytes"]?.line)
                config.control.maxRequestBytes = Int(v)
            }
            try decodeConnectionLimits(r, table, into: &config.control)
            try r.finish()
        }

        if let table = try top.table("ingest") {
            let r = TOMLTableReader(table, path: "ingest")
            if let v = try r.integer("concurrency") {
                try requireRange(v, 0...256, key: "ingest.concurrency", line: table["concurrency"]?.line)
                config.ingest.concurrency = Int(v)
            }
            if let v = try r.strings("allowedPaths") {
                for p in v { try requireAbsolute(p, key: "ingest.allowedPaths", in: table, local: "allowedPaths") }
                config.ingest.allowedPaths = v
            }
            if let v = try r.boolean("resumeOnStart") { config.ingest.resumeOnStart = v }
            if let v = try r.integer("commitBatchFiles") {
                try requireRange(v, 1...100_000, key: "ingest.commitBatchFiles", line: table["commitBatchFiles"]?.line)
                config.ingest.commitBatchFiles = Int(v)
            }
            if let v = try r.integer("commitBatchBytes") {
                try requireRange(v, 1...(1 << 40), key: "ingest.commitBatchBytes", line: table["commitBatchBytes"]?.line)
                config.ingest.commitBatchBytes = v
            }
            if let v = try r.integer("commitIntervalMilliseconds") {
                try requireRange(v, 1...600_000, key: "ingest.commitIntervalMilliseconds", line: table["commitIntervalMilliseconds"]?.line)
                config.ingest.commitIntervalMilliseconds = Int(v)
            }
            if let v = try r.integer("chunkBytes") {
                try requireRange(v, 4096...(256 << 20), key: "ingest.chunkBytes", line: table["chunkBytes"]?.line)
                config.ingest.chunkBytes = Int(v)
            }
            if let v = try r.integer("syncLargeFilesBytes") {
                try requireRange(v, 0...(1 << 50), key: "ingest.syncLargeFilesBytes", line: table["syncLargeFilesBytes"]?.line)
                config.ingest.syncLargeFilesBytes = v
            }
            try r.finish()
        }

        if let table = try top.table("devices") {
            let r = TOMLTableReader(table, path: "devices")
            if let v = try r.boolean("enabled") { config.devices.enabled = v }
            if let v = try r.strings("catalog") {
                for p in v { try requireAbsolute(p, key: "devices.catalog", in: table, local: "catalog") }
                config.devices.catalog = v
            }
            if let v = try r.strings("autoIngest") {
                config.devices.autoIngest = try v.map { name throws(TOMLDecodeError) in
                    guard let kind = DeviceKind(rawValue: name) else {
                        throw TOMLDecodeError(line: table["autoIngest"]?.line ?? table.line, key: "devices.autoIngest",
                                              message: "unknown device kind \"\(name)\" (known: \(DeviceKind.allCases.map(\.rawValue).joined(separator: ", ")))")
                    }
                    return kind
                }
            }
            try r.finish()
        }

        if let table = try top.table("ledger") {
            let r = TOMLTableReader(table, path: "ledger")
            if let v = try r.string("origin") {
                guard !v.contains(where: { $0.isWhitespace || $0 == "+" }) else {
                    throw TOMLDecodeError(line: table["origin"]?.line ?? table.line, key: "ledger.origin",
                                          message: "an origin has no spaces and no '+' (it names the key in signed notes): \"\(v)\"")
                }
                config.ledger.origin = v
            }
            if let v = try r.integer("checkpointIntervalSeconds") {
                try requireRange(v, 1...86_400, key: "ledger.checkpointIntervalSeconds", line: table["checkpointIntervalSeconds"]?.line)
                config.ledger.checkpointIntervalSeconds = Int(v)
            }
            if let v = try r.integer("verifyIntervalSeconds") {
                try requireRange(v, 0...(366 * 86_400), key: "ledger.verifyIntervalSeconds", line: table["verifyIntervalSeconds"]?.line)
                config.ledger.verifyIntervalSeconds = Int(v)
            }
            if let v = try r.boolean("verifyFull") { config.ledger.verifyFull = v }
            try r.finish()
        }

        if let table = try top.table("space") {
            let r = TOMLTableReader(table, path: "space")
            if let v = try r.integer("warnBelowBytes") {
                try requireRange(v, 0...(1 << 60), key: "space.warnBelowBytes", line: table["warnBelowBytes"]?.line)
                config.space.warnBelowBytes = v
            }
            if let v = try r.integer("pauseBelowBytes") {
                try requireRange(v, 0...(1 << 60), key: "space.pauseBelowBytes", line: table["pauseBelowBytes"]?.line)
                config.space.pauseBelowBytes = v
            }
            if let v = try r.integer("resumeAboveBytes") {
                try requireRange(v, 0...(1 << 60), key: "space.resumeAboveBytes", line: table["resumeAboveBytes"]?.line)
                config.space.resumeAboveBytes = v
            }
            if let v = try r.integer("checkIntervalSeconds") {
                try requireRange(v, 1...3600, key: "space.checkIntervalSeconds", line: table["checkIntervalSeconds"]?.line)
                config.space.checkIntervalSeconds = Int(v)
            }
            guard config.space.resumeAboveBytes >= config.space.pauseBelowBytes else {
                throw TOMLDecodeError(line: table["resumeAboveBytes"]?.line ?? table.line, key: "space.resumeAboveBytes",
                                      message: "must be at least space.pauseBelowBytes (\(config.space.pauseBelowBytes)), found \(config.space.resumeAboveBytes)")
            }
            try r.finish()
        }
        try decodeTagging(top, into: &config)

        if let table = try top.table("log") {
            let r = TOMLTableReader(table, path: "log")
            if let v = try r.string("level") {
                let levels = ["trace", "debug", "info", "notice", "warning", "error", "critical"]
                guard levels.contains(v) else {
                    throw TOMLDecodeError(line: table["level"]?.line ?? table.line, key: "log.level",
                                          message: "expected one of \(levels.joined(separator: ", ")), found \"\(v)\"")
                }
                config.log.level = v
            }
            try r.finish()
        }
        try decodeRecording(top, into: &config)
        try top.finish()
        return config
    }

    private static func requireAbsolute(_ value: String, key: String, in table: TOMLTable, local: String? = nil) throws(TOMLDecodeError) {
        guard value.hasPrefix("/") else {
            throw TOMLDecodeError(line: table[local ?? key]?.line ?? table.line, key: key,
                                  message: "expected an absolute path, found \"\(value)\"")
        }
    }

    static func requireRange(_ value: Int64, _ range: ClosedRange<Int64>, key: String, line: Int?) throws(TOMLDecodeError) {
        guard range.contains(value) else {
            throw TOMLDecodeError(line: line ?? 0, key: key,
                                  message: "expected a value in \(range.lowerBound)...\(range.upperBound), found \(value)")
        }
    }
}
