import Foundation

/// `[ledger]` of `custodyd.toml`: the custody ledger's signed checkpoints and its
/// scheduled verification. Every key has its default here; `docs/configuration.md`
/// documents each one.
public struct LedgerConfiguration: Sendable, Equatable {
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
