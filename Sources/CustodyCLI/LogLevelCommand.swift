import ArgumentParser
import CustodyProtocol

/// `custodyctl log-level [LEVEL]`: shows the daemon's log level, or sets it (admin).
struct LogLevelCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "log-level", abstract: "Show custodyd's log level, or set it (admin).",
        discussion: """
            Levels: trace, debug, info, notice, warning, error, critical. A level set here lasts until \
            custodyd restarts; [log] level in custodyd.toml is the one it starts with. Each change is a \
            daemon.log-level custody event.
            """)

    @Argument(help: ArgumentHelp("The level to set.", valueName: "level"))
    var level: String?

    @OptionGroup var global: GlobalOptions

    func validate() throws {
        if let level, !LogLevelDTO.levels.contains(level) {
            throw ValidationError("unknown level '\(level)'; use one of \(LogLevelDTO.levels.joined(separator: ", "))")
        }
    }

    func run() throws {
        let client = global.client()
        let answer: LogLevelDTO
        if let level { answer = try client.setLogLevel(level) } else { answer = try client.logLevel() }
        if global.json { return try global.printJSON(answer) }
        say("\(answer.level)")
    }
}
