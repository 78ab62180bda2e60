import ArgumentParser
import CustodyCore
import CustodyLogging
import Foundation
import Logging

/// `custodyd [--config FILE] [--state-dir DIR] [--socket PATH]`: runs in the foreground.
public struct CustodydCommand: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "custodyd",
        abstract: "Custody's evidence-intake daemon.",
        discussion: """
            Runs in the foreground (systemd starts it as custodyd.service). Every configuration key has a \
            default, so no configuration file is needed; see docs/configuration.md.
            Exit status: 0 after a clean shutdown, 78 for a bad configuration file, 1 for any other failure.
            """,
        version: CustodyVersion.string)

    public static let defaultConfigPath = "/etc/custody/custodyd.toml"

    @Option(name: .long, help: ArgumentHelp("Configuration file.", valueName: "file"))
    var config: String?

    @Option(name: .customLong("state-dir"), help: ArgumentHelp("State directory (overrides stateDirectory).", valueName: "dir"))
    var stateDir: String?

    @Option(name: .long, help: ArgumentHelp("Control socket path (overrides control.socket).", valueName: "path"))
    var socket: String?

    public init() {}

    public func run() async throws {
        var settings: DaemonConfig
        do {
            settings = try DaemonConfig.load(path: config ?? Self.defaultConfigPath, required: config != nil)
        } catch {
            FileHandle.standardError.write(Data("custodyd: configuration error: \(error)\n".utf8))
            throw ExitCode(78)
        }
        if let stateDir { settings.stateDirectory = Self.absolute(stateDir) }
        if let socket { settings.control.socket = Self.absolute(socket) }
        // One log level for every logger; records go to the journal under systemd.
        let levels = LogLevelControl(Logger.Level(rawValue: settings.log.level) ?? .info)
        LoggingSystem.bootstrap(CustodyLogHandler.factory(levels: levels))
        do {
            try await Daemon(config: settings, logLevels: levels).run()
        } catch let error as ConfigError {
            FileHandle.standardError.write(Data("custodyd: configuration error: \(error)\n".utf8))
            throw ExitCode(78)
        } catch {
            FileHandle.standardError.write(Data("custodyd: \(error)\n".utf8))
            throw ExitCode.failure
        }
    }

    static func absolute(_ path: String) -> String {
        path.hasPrefix("/") ? path : FileManager.default.currentDirectoryPath + "/" + path
    }
}

extension CustodydCommand {
    /// Parses the process arguments and runs the daemon; exits with its status.
    public static func runMain() async {
        do {
            var command = try parseAsRoot()
            if let daemon = command as? CustodydCommand {
                try await daemon.run()
            } else {
                try command.run()
            }
        } catch {
            exit(withError: error)
        }
    }
}
