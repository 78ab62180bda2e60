import CustodyCore
import Testing
@testable import CustodyDaemon

@Suite("Daemon configuration")
struct DaemonConfigTests {
    @Test("no file at the default path means every default")
    func missingDefaultFileGivesDefaults() throws {
        let config = try DaemonConfig.load(path: "/nonexistent/custodyd.toml", required: false)
        #expect(config == DaemonConfig())
        #expect(config.stateDirectory == "/var/lib/custody")
        #expect(config.control.socket == "/run/custody/control.sock")
        #expect(config.control.socketMode == 0o660)
        #expect(config.ingest.resumeOnStart)
    }

    @Test("a file asked for explicitly must exist")
    func missingExplicitFileIsAnError() {
        #expect(throws: ConfigError(file: "/nonexistent/x.toml", line: 0, key: nil, message: "no such file")) {
            try DaemonConfig.load(path: "/nonexistent/x.toml", required: true)
        }
    }

    @Test("every documented key is read")
    func readsEveryKey() throws {
        let text = """
            stateDirectory = "/srv/custody"
            [control]
            socket = "/run/c.sock"
            socketMode = "0640"
            socketGroup = "wheel"
            operatorGroup = "ops"
            supervisorGroup = "sups"
            auditorGroup = "auds"
            adminGroup = "adms"
            maxRequestBytes = 4096
            [ingest]
            concurrency = 3
            allowedPaths = ["/a", "/b"]
            resumeOnStart = false
            commitBatchFiles = 10
            commitBatchBytes = 1000
            commitIntervalMilliseconds = 50
            chunkBytes = 65536
            syncLargeFilesBytes = 1
            [devices]
            enabled = false
            catalog = ["/opt/catalog"]
            autoIngest = ["stillCamera"]
            [ledger]
            origin = "custody.example/station-7"
            checkpointIntervalSeconds = 60
            verifyIntervalSeconds = 0
            verifyFull = true
            [log]
            level = "debug"
            """
        let c = try DaemonConfig.parse(text, file: "t.toml")
        #expect(!c.devices.enabled && c.devices.catalog == ["/opt/catalog"] && c.devices.autoIngest == [.stillCamera])
        #expect(c.ledger.effectiveOrigin == "custody.example/station-7" && c.ledger.checkpointIntervalSeconds == 60)
        #expect(c.ledger.verifyIntervalSeconds == 0 && c.ledger.verifyFull)
        #expect(c.stateDirectory == "/srv/custody")
        #expect(c.control.socket == "/run/c.sock" && c.control.socketMode == 0o640 && c.control.socketGroup == "wheel")
        #expect(c.control.operatorGroup == "ops" && c.control.supervisorGroup == "sups" && c.control.auditorGroup == "auds")
        #expect(c.control.adminGroup == "adms" && c.control.maxRequestBytes == 4096)
        #expect(c.ingest.concurrency == 3 && c.ingest.effectiveConcurrency == 3 && c.ingest.allowedPaths == ["/a", "/b"])
        #expect(!c.ingest.resumeOnStart && c.ingest.commitBatchFiles == 10 && c.ingest.commitBatchBytes == 1000)
        #expect(c.ingest.commitIntervalMilliseconds == 50 && c.ingest.chunkBytes == 65536 && c.ingest.syncLargeFilesBytes == 1)
        #expect(c.log.level == "debug")
    }

    @Test("an unknown key names file, line and key")
    func unknownKey() {
        let text = "[ingest]\nconcurrency = 2\n\ncomitBatchFiles = 3\n"
        #expect(throws: ConfigError(file: "/etc/custody/custodyd.toml", line: 4, key: "ingest.comitBatchFiles", message: "unknown key")) {
            try DaemonConfig.parse(text, file: "/etc/custody/custodyd.toml")
        }
    }

    @Test("an unknown section is an unknown key")
    func unknownSection() throws {
        let error = try #require(throws: ConfigError.self) { try DaemonConfig.parse("[ingst]\nx = 1\n", file: "f") }
        #expect(error.line == 1 && error.key == "ingst")
    }

    @Test("a wrong type names the key and both types")
    func wrongType() throws {
        let error = try #require(throws: ConfigError.self) {
            try DaemonConfig.parse("[ingest]\nconcurrency = \"two\"\n", file: "f")
        }
        #expect(error.line == 2 && error.key == "ingest.concurrency")
        #expect(error.message.contains("integer") && error.message.contains("string"))
    }

    @Test("values out of range are refused with their key")
    func outOfRange() throws {
        let error = try #require(throws: ConfigError.self) { try DaemonConfig.parse("[ingest]\n\nconcurrency = 100000\n", file: "f") }
        #expect(error.line == 3 && error.key == "ingest.concurrency" && error.message.contains("0...256"))
    }

    @Test("the control socket can never be made world-writable")
    func worldWritableSocketRefused() throws {
        let error = try #require(throws: ConfigError.self) { try DaemonConfig.parse("[control]\nsocketMode = \"0662\"\n", file: "f") }
        #expect(error.line == 2 && error.key == "control.socketMode" && error.message.contains("world-writable"))
        let notOctal = try #require(throws: ConfigError.self) { try DaemonConfig.parse("[control]\nsocketMode = \"rw\"\n", file: "f") }
        #expect(notOctal.message.contains("octal"))
    }

    @Test("paths must be absolute")
    func relativePathsRefused() throws {
        let error = try #require(throws: ConfigError.self) {
            try DaemonConfig.parse("[ingest]\nallowedPaths = [\"/media\", \"card\"]\n", file: "f")
        }
        #expect(error.line == 2 && error.key == "ingest.allowedPaths" && error.message.contains("absolute"))
    }

    @Test("a syntax error gives line and column")
    func syntaxError() throws {
        let error = try #require(throws: ConfigError.self) { try DaemonConfig.parse("[log]\nlevel = \"info\n", file: "f") }
        #expect(error.line == 2 && error.key == nil && error.message.hasPrefix("column "))
        #expect(error.description.hasPrefix("f:2: column "))
    }

    @Test("an unknown device kind and a checkpoint origin with spaces are refused with their lines")
    func devicesAndLedgerErrors() throws {
        let kind = try #require(throws: ConfigError.self) { try DaemonConfig.parse("[devices]\nautoIngest = [\"bodyCam\"]\n", file: "f") }
        #expect(kind.line == 2 && kind.key == "devices.autoIngest" && kind.message.contains("bodyCamera"))
        let origin = try #require(throws: ConfigError.self) { try DaemonConfig.parse("[ledger]\norigin = \"my station\"\n", file: "f") }
        #expect(origin.line == 2 && origin.key == "ledger.origin")
    }

    @Test("log levels are checked")
    func badLogLevel() throws {
        let error = try #require(throws: ConfigError.self) { try DaemonConfig.parse("[log]\nlevel = \"loud\"\n", file: "f") }
        #expect(error.key == "log.level" && error.message.contains("trace"))
    }
}
