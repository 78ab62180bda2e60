import ArgumentParser

/// `custodyctl job ID`: one job and the outcome of each of its files.
struct JobCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "job", abstract: "Show one job and every file's outcome.")

    @Argument(help: "Job id.")
    var id: Int64

    @OptionGroup var global: GlobalOptions

    func run() throws {
        let job = try global.client().job(id)
        if global.json { return try global.printJSON(job) }
        say("job \(job.id): \(job.state.rawValue)")
        say("  root       \(job.root)")
        if let device = job.device { say("  device     \(device)") }
        say("  requested  \(job.requestedBy.name) (uid \(job.requestedBy.uid)) at \(Formatting.time(job.createdAt))")
        say("  finished   \(Formatting.time(job.finishedAt))")
        say("  files      \(job.totalFiles): \(job.stored) stored, \(job.duplicates) already stored, \(job.failed) failed, \(job.pending) pending")
        if let message = job.message { say("  note       \(message)") }
        say("")
        say(Formatting.table(["OUTCOME", "ITEM", "SIZE", "PATH", "MESSAGE"], (job.files ?? []).map {
            [$0.state.rawValue, $0.itemId.map(String.init) ?? "-", Formatting.bytes($0.size), $0.path, $0.message ?? ""]
        }))
    }
}
