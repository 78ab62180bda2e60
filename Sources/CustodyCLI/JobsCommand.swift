import ArgumentParser

/// `custodyctl jobs`: recent ingest jobs.
struct JobsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "jobs", abstract: "List recent ingest jobs.")

    @Option(name: .long, help: "How many jobs, newest first.")
    var limit = 50

    @OptionGroup var global: GlobalOptions

    func run() throws {
        let jobs = try global.client().jobs(limit: limit).jobs
        if global.json { return try global.printJSON(jobs) }
        say(Formatting.table(["ID", "STATE", "FILES", "STORED", "DUP", "FAILED", "PENDING", "SIZE", "CREATED", "ROOT"], jobs.map {
            [String($0.id), $0.state.rawValue, String($0.totalFiles), String($0.stored), String($0.duplicates), String($0.failed),
             String($0.pending), Formatting.bytes($0.bytesStored), Formatting.time($0.createdAt), $0.root]
        }))
    }
}
