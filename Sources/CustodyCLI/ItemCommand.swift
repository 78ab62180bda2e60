import ArgumentParser

/// `custodyctl item ID`: everything known about one recording.
struct ItemCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "item", abstract: "Show one stored recording.")

    @Argument(help: "Item id.") var id: Int64
    @OptionGroup var global: GlobalOptions

    func run() throws {
        let i = try global.client().item(id)
        if global.json { return try global.printJSON(i) }
        var rows: [[String]] = [
            ["sha256", i.sha256], ["size", "\(Formatting.bytes(i.size)) (\(i.size) bytes)"],
            ["media type", "\(i.mediaType) (\(i.container))"],
            ["recorded at", "\(Formatting.time(i.recordedAt)) (from \(i.recordedAtSource))"],
        ]
        if let why = i.recordedAtImplausible { rows.append(["IMPLAUSIBLE TIME", why]) }
        if let offset = i.utcOffsetSeconds { rows.append(["utc offset", String(format: "%+03d:%02d", offset / 3600, abs(offset) % 3600 / 60)]) }
        if let d = i.durationSeconds { rows.append(["duration", String(format: "%.3f s", d)]) }
        rows += [
            ["ingested at", Formatting.time(i.ingestedAt)], ["source root", i.source.root], ["source path", i.source.path],
            ["device", i.source.device ?? "-"], ["file mtime", Formatting.time(i.fileModifiedAt)],
            ["officer", i.tags.officer ?? "-"], ["hearing", i.tags.hearing ?? "-"], ["case", i.tags.case ?? "-"],
            ["courtroom", i.tags.courtroom ?? "-"], ["category", i.tags.category], ["job", i.jobId.map(String.init) ?? "-"],
        ]
        if let offset = i.clockOffsetSeconds {
            rows.append(["device clock", "\(offset) s off; tagged at \(Formatting.time(i.correctedRecordedAt))"])
        }
        for n in i.notes ?? [] { rows.append(["note", n]) }
        if let deleted = i.deletedAt { rows.append(["deleted", "\(Formatting.time(deleted)) by retention (record and hashes kept)"]) }
        for p in i.metadataProblems { rows.append(["metadata problem", p]) }
        say(Formatting.table(["", ""], rows, showHeaders: false))
    }
}
