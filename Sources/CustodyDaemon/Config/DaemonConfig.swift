import Foundation

/// `custodyd`'s configuration. Every key has a default, so the daemon runs with no
/// file at all; `docs/configuration.md` documents each key and
/// `config/custodyd.toml` is the commented default file.
public struct DaemonConfig: Sendable, Equatable {
    /// `stateDirectory`: where the store lives (blobs, index, temporary files).
    public var stateDirectory: String = "/var/lib/custody"
    public var control = Control()
    public var ingest = Ingest()
    public var devices = Devices()
    public var ledger = Ledger()
    public var space = Space()
    public var retention = Retention()
    public var gaps = Gaps()
    public var log = Log()
    /// `[[courtroom]]`: the courtrooms recorded from ALSA (none by default).
    public var courtrooms: [Courtroom] = []
    public var recording = Recording()

    public init() {}

    /// `[control]`: the control socket and who may use it.
    public struct Control: Sendable, Equatable {
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

    /// `[ingest]`: how jobs copy, verify and commit.
    public struct Ingest: Sendable, Equatable {
        /// `concurrency`: files processed at once; 0 means one per CPU core.
        public var concurrency: Int = 0
        /// `allowedPaths`: the only trees an operator may ask to ingest from.
        public var allowedPaths: [String] = ["/media", "/mnt", "/run/media", "/srv/custody/import"]
        /// `resumeOnStart`: resume jobs that a crash or shutdown interrupted.
        public var resumeOnStart: Bool = true
        /// `commitBatchFiles`: most files committed to the index in one transaction.
        public var commitBatchFiles: Int = 256
        /// `commitBatchBytes`: most bytes awaiting one commit.
        public var commitBatchBytes: Int64 = 256 << 20
        /// `commitIntervalMilliseconds`: longest a verified file waits for its commit.
        public var commitIntervalMilliseconds: Int = 1000
        /// `chunkBytes`: size of each read from the source.
        public var chunkBytes: Int = 4 << 20
        /// `syncLargeFilesBytes`: files at least this large are fsynced on their own,
        /// in parallel; smaller ones are flushed together with one `syncfs` per batch.
        public var syncLargeFilesBytes: Int64 = 8 << 20
        public init() {}

        /// The concurrency to use on this machine.
        public var effectiveConcurrency: Int {
            concurrency > 0 ? concurrency : max(1, ProcessInfo.processInfo.activeProcessorCount)
        }
    }

    /// `[devices]`: docking.
    public struct Devices: Sendable, Equatable {
        /// `enabled`: watch USB for docked devices.
        public var enabled: Bool = true
        /// `catalog`: device catalog directories; later ones override earlier ones.
        public var catalog: [String] = ["/usr/share/custody/catalog", "/etc/custody/catalog.d"]
        /// `autoIngest`: kinds whose devices are ingested as soon as they dock.
        public var autoIngest: [DeviceKind] = DeviceKind.allCases
        public init() {}
    }

    /// `[ledger]`: the custody ledger's signed checkpoints.
    public struct Ledger: Sendable, Equatable {
        /// `origin`: the station's name in its checkpoints and signatures ("" = "custody/<host name>").
        public var origin: String = ""
        /// `checkpointIntervalSeconds`: how often a checkpoint is signed while entries arrive.
        public var checkpointIntervalSeconds: Int = 300
        /// `verifyIntervalSeconds`: how often the daemon verifies the ledger on its own (0 = never).
        public var verifyIntervalSeconds: Int = 86_400
        /// `verifyFull`: whether that scheduled verification also re-reads every stored file.
        public var verifyFull: Bool = false
        public init() {}

        /// The origin to use on this machine.
        public var effectiveOrigin: String {
            origin.isEmpty ? "custody/" + ProcessInfo.processInfo.hostName : origin
        }
    }

    /// `[space]`: free space on the store's file system.
    public struct Space: Sendable, Equatable {
        /// `warnBelowBytes`: below this much free space, status warns and a `store.space.low` event is recorded.
        public var warnBelowBytes: Int64 = 10 << 30
        /// `pauseBelowBytes`: ingest pauses rather than leave less than this free.
        public var pauseBelowBytes: Int64 = 1 << 30
        /// `resumeAboveBytes`: a paused ingest resumes once this much is free again.
        public var resumeAboveBytes: Int64 = 2 << 30
        /// `checkIntervalSeconds`: how often free space is measured.
        public var checkIntervalSeconds: Int = 10
        public init() {}
    }

    /// `[log]`
    public struct Log: Sendable, Equatable {
        /// `level`: trace, debug, info, notice, warning, error, critical.
        public var level: String = "info"
        public init() {}
    }
}

/// A configuration file that could not be used: names the file, line and key.
public struct ConfigError: Error, Sendable, Equatable, CustomStringConvertible {
    public var file: String
    public var line: Int
    public var key: String?
    public var message: String

    public init(file: String, line: Int, key: String?, message: String) {
        self.file = file
        self.line = line
        self.key = key
        self.message = message
    }

    public var description: String {
        if let key { return "\(file):\(line): key '\(key)': \(message)" }
        return "\(file):\(line): \(message)"
    }
}
