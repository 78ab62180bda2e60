import CustodyDevices
import CustodyIngest
import CustodyLedger
import CustodyLogging
import CustodyRecording
import CustodyServer
import CustodyStore

/// `custodyd`'s configuration: the file's layout, composed of the configuration each
/// part of the daemon declares in its own module, with its defaults. Every key has a
/// default, so the daemon runs with no file at all; `docs/configuration.md` documents
/// each key and `config/custodyd.toml` is the commented default file.
public struct DaemonConfig: Sendable, Equatable {
    /// `stateDirectory`: where the store lives (blobs, index, temporary files).
    public var stateDirectory: String = "/var/lib/custody"
    /// `[control]`: the control socket and who may use it.
    public var control = ControlConfiguration()
    /// `[ingest]`: how jobs copy, verify and commit.
    public var ingest = IngestConfiguration()
    /// `[devices]`: docking.
    public var devices = DevicesConfiguration()
    /// `[ledger]`: the custody ledger's signed checkpoints.
    public var ledger = LedgerConfiguration()
    /// `[space]`: free space on the store's file system.
    public var space = SpaceConfiguration()
    /// `[retention]`: how long each category of recording is kept.
    public var retention = RetentionConfiguration()
    /// `[gaps]`: what `custodyctl gaps` counts as missing.
    public var gaps = GapsConfiguration()
    /// `[log]`
    public var log = LogConfiguration()
    /// `[[courtroom]]`: the courtrooms recorded from ALSA (none by default).
    public var courtrooms: [CourtroomConfiguration] = []
    /// `[recording]`: what all courtrooms share.
    public var recording = RecordingConfiguration()

    public init() {}
}
