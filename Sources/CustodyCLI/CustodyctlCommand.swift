import ArgumentParser
import CustodyClient
import Foundation

/// `custodyctl`: the control CLI, a thin client of the control API.
public struct CustodyctlCommand: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "custodyctl",
        abstract: "Control Custody's evidence-intake daemon.",
        discussion: """
            Talks to custodyd over its control socket. Exit status: 0 on success, 1 on failure \
            (with a one-line reason), 2 on a usage error.
            """,
        version: "0.1.0",
        subcommands: [StatusCommand.self, IngestCommand.self, JobsCommand.self, JobCommand.self,
                      ItemsCommand.self, ItemCommand.self, AuditCommand.self, DevicesCommand.self, WatchCommand.self,
                      LedgerCommand.self, VerifyCommand.self, ExportCommand.self, CatalogCommand.self, LogLevelCommand.self,
                      MetricsCommand.self,
                      // Tagging: the registry, tags, holds, retention and gaps.
                      ImportCommand.self, OfficersCommand.self, EquipmentCommand.self, CourtroomsCommand.self, HearingsCommand.self,
                      CasesCommand.self, AssignmentsCommand.self, CheckoutCommand.self, CheckinCommand.self, ClockCommand.self,
                      TagCommand.self, HoldCommand.self, RetentionCommand.self, GapsCommand.self,
                      // Courtroom recording.
                      RecordCommand.self])

    public init() {}

    /// Runs the CLI with `arguments` (without the program name); returns the exit status.
    public static func run(arguments: [String]) -> Int32 {
        do {
            var command = try parseAsRoot(GlobalArguments.moveToEnd(arguments))
            try command.run()
            return 0
        } catch let failure as CommandFailure {
            // Escaped line by line: a refusal can quote a path or name from outside (an
            // import's refusal lists its bad lines, one per line).
            FileHandle.standardError.write(Data("custodyctl: \(Terminal.escape(lines: failure.description))\n".utf8))
            return failure.status
        } catch let failure as ClientError {
            FileHandle.standardError.write(Data("custodyctl: \(Terminal.escape(lines: failure.description))\n".utf8))
            return 1
        } catch {
            let code = exitCode(for: error)
            if code == .success {
                say(TerminalText(lines: fullMessage(for: error)))
                return 0
            }
            if let exit = error as? ExitCode { return exit.rawValue }
            FileHandle.standardError.write(Data("\(Terminal.escape(lines: fullMessage(for: error)))\n".utf8))
            return 2
        }
    }
}

/// Lets the global options stand before the command name as well as after it.
enum GlobalArguments {
    /// Moves `--json`, `--socket PATH` and `--socket=PATH` that come before the
    /// command name to the end (before any `--`), where every command accepts them.
    static func moveToEnd(_ arguments: [String]) -> [String] {
        var leading: [String] = []
        var rest: [String] = []
        var i = 0
        while i < arguments.count {
            let a = arguments[i]
            if a == "--json" || a.hasPrefix("--socket=") {
                leading.append(a)
            } else if a == "--socket", i + 1 < arguments.count {
                leading.append(contentsOf: [a, arguments[i + 1]])
                i += 1
            } else {
                rest.append(contentsOf: arguments[i...])
                break
            }
            i += 1
        }
        guard !leading.isEmpty, !rest.isEmpty else { return arguments }
        if let dashes = rest.firstIndex(of: "--") {
            rest.insert(contentsOf: leading, at: dashes)
            return rest
        }
        return rest + leading
    }
}
