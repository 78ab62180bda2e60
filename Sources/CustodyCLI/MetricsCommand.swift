import ArgumentParser

/// `custodyctl metrics`: the Prometheus metrics, as `GET /metrics` gives them.
struct MetricsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "metrics", abstract: "Print custodyd's metrics (Prometheus text format; auditor or admin).")

    @OptionGroup var global: GlobalOptions

    func run() throws {
        say(TerminalText(lines: try global.client().metrics()), terminator: "")
    }
}
