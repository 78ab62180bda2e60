import ArgumentParser
import CustodyProtocol

/// `custodyctl verify [--full]`: recompute the ledger and check every checkpoint.
struct VerifyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Recompute the custody ledger from the stored events and check every signed checkpoint.",
        discussion: "With --full, every stored file is also re-read and checked against its SHA-256. Exit status 1 when anything is wrong.")

    @Flag(name: .long, help: "Also re-hash every stored file.") var full = false
    @OptionGroup var global: GlobalOptions

    func run() throws {
        let report = try global.client().verify(full: full)
        if global.json {
            try global.printJSON(report)
        } else {
            say("\(report.ok ? "ok" : "PROBLEMS"): \(report.treeSize) ledger entries, \(report.checkpointsChecked) checkpoints"
                  + (full ? ", \(report.blobsChecked) stored files re-hashed" : ""))
            for p in report.problems {
                say("  \(p.subject): \(p.message)" + (p.expected.map { "\n    expected \($0)" } ?? "") + (p.found.map { "\n    found    \($0)" } ?? ""))
            }
        }
        if !report.ok { throw ExitCode.failure }
    }
}
